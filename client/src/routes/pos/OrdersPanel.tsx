import { useState } from 'react';
import { formatMoney, refund, voidLine, type KitchenStatus, type OutletSettings, type StaffMember } from '@kiosk/shared';
import { Dialog } from '../../components/Dialog';
import { PinDialog } from '../../components/PinDialog';
import { matchesOrderQuery, orderLabel, type ShownOrder } from '../../orders/orders';
import { useT, type Translate } from '../../i18n';
import type { DocSync } from '../../sync/doc-sync';
import { useStaffKeys } from '../../sync/react';
import { Receipt } from './Receipt';

export function kitchenStatusText(t: Translate, status: KitchenStatus): string {
  switch (status) {
    case 'new':
      return t('kNew');
    case 'preparing':
      return t('kPreparing');
    case 'ready':
      return t('kReady');
    case 'served':
      return t('kServed');
    default:
      // Compile-time exhaustive, but shown as it is at run time: a status from a newer
      // terminal's document must not throw in the middle of a render.
      return String(status satisfies never);
  }
}

type Pending = { kind: 'void'; lineId: string; name: string; qty: number } | { kind: 'refund'; amount: number };

/** Today's orders: search by number or provisional reference, status per station, void/refund. */
export function OrdersPanel({
  orders,
  settings,
  staff,
  day,
  deviceId,
  staffId,
}: {
  orders: ShownOrder[];
  settings: OutletSettings;
  staff: StaffMember[];
  day: DocSync;
  deviceId: string;
  staffId?: string;
}) {
  const t = useT();
  const envelopes = useStaffKeys();
  const [query, setQuery] = useState('');
  const [openId, setOpenId] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [reason, setReason] = useState('');
  const [askPin, setAskPin] = useState(false);
  const money = (n: number) => formatMoney(n, settings.currency, settings.locale);
  const shown = orders.filter((o) => matchesOrderQuery(o, query));
  const open = openId ? orders.find((o) => o.id === openId) : undefined;

  const statusText = (o: ShownOrder) => (o.status === 'cancelled' ? t('statusCancelled') : o.status === 'paid' ? t('statusPaid') : t('statusOpen'));

  return (
    <section aria-label={t('todaysOrders')} className="flex min-h-0 flex-1 flex-col gap-2">
      <input
        type="search"
        aria-label={t('searchOrders')}
        placeholder={t('searchOrders')}
        className="rounded-lg border border-slate-300 px-3 py-2"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {shown.length === 0 && <p className="text-slate-500">{t('noOrders')}</p>}
      <ul className="min-h-0 space-y-2 overflow-auto" aria-label={t('todaysOrders')}>
        {shown.map((o) => (
          <li key={o.id} aria-label={orderLabel(o)}>
            <button
              className="flex w-full flex-wrap items-center gap-3 rounded-lg bg-white p-3 text-left shadow-sm ring-1 ring-slate-200"
              onClick={() => setOpenId(o.id)}
            >
              <span className="text-xl font-bold">{o.number !== null ? `#${o.number}` : '—'}</span>
              <span className="font-mono">{o.provisionalRef}</span>
              <span className="text-sm text-slate-600">{statusText(o)}</span>
              <span className="flex flex-wrap gap-1">
                {Object.entries(o.stations).map(([station, status]) => (
                  <span key={station} className="rounded bg-slate-100 px-2 py-0.5 text-xs" aria-label={`${station}: ${kitchenStatusText(t, status)}`}>
                    {station}: {kitchenStatusText(t, status)}
                  </span>
                ))}
              </span>
              <span className={`text-xs ${o.stored ? 'text-emerald-700' : 'text-amber-700'}`}>{o.stored ? t('sent') : t('notSent')}</span>
              <span className="ml-auto font-semibold">{money(o.netTotal)}</span>
            </button>
          </li>
        ))}
      </ul>
      {open && !askPin && (
        <Dialog title={orderLabel(open)} onClose={() => setOpenId(null)} wide>
          <div className="flex flex-wrap gap-4">
            <Receipt order={open} settings={settings} />
            <div className="no-print flex min-w-56 flex-1 flex-col gap-2">
              <button className="rounded bg-slate-900 px-3 py-2 text-white" onClick={() => window.print()}>
                {t('print')}
              </button>
              {open.status !== 'cancelled' &&
                open.lines
                  .filter((l) => l.qty - l.voidedQty > 0)
                  .map((l) => (
                    <button
                      key={l.id}
                      className="rounded px-3 py-2 text-left ring-1 ring-rose-300"
                      onClick={() => setPending({ kind: 'void', lineId: l.id, name: l.name, qty: l.qty - l.voidedQty })}
                    >
                      {t('voidLine', { name: l.name })}
                    </button>
                  ))}
              {open.paid - open.refunded > 0 && (
                <button className="rounded px-3 py-2 ring-1 ring-rose-300" onClick={() => setPending({ kind: 'refund', amount: open.paid - open.refunded })}>
                  {t('refund')}
                </button>
              )}
              {pending && (
                <form
                  className="space-y-2 rounded bg-rose-50 p-2"
                  onSubmit={(e) => {
                    e.preventDefault();
                    if (reason.trim()) setAskPin(true);
                  }}
                >
                  <p className="font-medium">{pending.kind === 'void' ? t('voidLine', { name: pending.name }) : t('refund')}</p>
                  {pending.kind === 'refund' && (
                    <label className="block">
                      <span className="block text-sm">{t('refundAmount')}</span>
                      <input
                        inputMode="numeric"
                        className="w-full rounded border px-2 py-1"
                        value={String(pending.amount)}
                        onChange={(e) => setPending({ kind: 'refund', amount: Number(e.target.value.replace(/\D/g, '')) || 0 })}
                      />
                    </label>
                  )}
                  <label className="block">
                    <span className="block text-sm">{t('reason')}</span>
                    <input required className="w-full rounded border px-2 py-1" value={reason} onChange={(e) => setReason(e.target.value)} />
                  </label>
                  <button type="submit" className="rounded bg-rose-700 px-3 py-2 text-white">
                    {t('confirm')}
                  </button>
                </form>
              )}
            </div>
          </div>
        </Dialog>
      )}
      {open && askPin && pending && (
        <PinDialog
          title={t('managerPin')}
          staff={staff}
          envelopes={envelopes}
          requireManager
          onClose={() => setAskPin(false)}
          onApproved={({ member: manager, pair }) => {
            const now = Date.now();
            const approver = { staffId: manager.id, pair };
            if (pending.kind === 'void') {
              voidLine(day.doc, open.id, { lineId: pending.lineId, qty: pending.qty, reason: reason.trim(), approver, deviceId, staffId }, { now });
            } else {
              const method = open.payments[0]?.method ?? 'cash';
              refund(
                day.doc,
                open.id,
                { amount: Math.min(pending.amount, open.paid - open.refunded), method, reason: reason.trim(), approver, deviceId, staffId },
                { now },
              );
            }
            setPending(null);
            setReason('');
            setAskPin(false);
          }}
        />
      )}
    </section>
  );
}
