/** Orders from the SQL store: search by daily number or provisional reference, and the flagged ones. */
import { useState } from 'react';
import type { FlaggedOrder, OrderListEntry } from '@kiosk/shared';
import { useT } from '../../i18n';
import { trustFindingText } from './flag-text';
import { ErrorLine, inputClass, Panel, useBusinessDay, useLoad, useMoney } from './kit';

export function OrdersSection() {
  const t = useT();
  const money = useMoney();
  const today = useBusinessDay();
  const [range, setRange] = useState({ from: today, to: today });
  const [q, setQ] = useState('');
  const query = `from=${range.from}&to=${range.to}`;
  const orders = useLoad<{ orders: OrderListEntry[] }>(
    range.from && range.to ? `/orders?${query}${q.trim() ? `&q=${encodeURIComponent(q.trim())}` : ''}` : null,
  );
  const flagged = useLoad<{ rows: FlaggedOrder[] }>(range.from && range.to ? `/reports/flagged?${query}` : null);
  return (
    <>
      <div className="flex flex-wrap items-end gap-3 rounded-lg bg-white p-4 shadow">
        <label className="flex flex-col text-sm">
          {t('fromDay')}
          <input className={inputClass} type="date" value={range.from} onChange={(e) => setRange((r) => ({ ...r, from: e.target.value }))} />
        </label>
        <label className="flex flex-col text-sm">
          {t('toDay')}
          <input className={inputClass} type="date" value={range.to} onChange={(e) => setRange((r) => ({ ...r, to: e.target.value }))} />
        </label>
        <input
          type="search"
          aria-label={t('searchOrders')}
          placeholder={t('searchOrders')}
          className={inputClass}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      </div>
      <Panel title={t('flaggedOrders')}>
        <ErrorLine error={flagged.error} />
        {flagged.data && flagged.data.rows.length === 0 && <p className="text-slate-600">{t('noFlagged')}</p>}
        <ul className="flex flex-col gap-1">
          {flagged.data?.rows.map((f) => (
            <li key={f.orderId} className="rounded bg-amber-50 px-3 py-2 text-sm">
              <strong>{f.number ? `#${f.number}` : f.provisionalRef}</strong> · {f.businessDay} · {f.provisionalRef}
              {f.reasons.length > 0 && <> — {f.reasons.join('; ')}</>}
              <span className="block text-slate-600">
                {f.staffName ? t('flaggedDeviceStaff', { device: f.deviceName, staff: f.staffName }) : t('flaggedDevice', { device: f.deviceName })}
              </span>
              {f.trust.length > 0 && (
                <ul className="ml-4 list-disc">
                  {f.trust.map((finding, i) => (
                    <li key={i}>{trustFindingText(finding, t, money)}</li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      </Panel>
      <Panel title={t('officeOrders')}>
        <ErrorLine error={orders.error} />
        {orders.data && orders.data.orders.length === 0 && <p className="text-slate-600">{t('noRows')}</p>}
        {orders.data && orders.data.orders.length > 0 && (
          <table className="w-full text-left text-sm" aria-label={t('officeOrders')}>
            <thead>
              <tr className="border-b">
                <th className="py-1">#</th>
                <th className="py-1">{t('reference')}</th>
                <th className="py-1">{t('businessDay')}</th>
                <th className="py-1">{t('status')}</th>
                <th className="py-1 text-right">{t('figTotal')}</th>
                <th className="py-1 text-right">{t('paidColumn')}</th>
                <th className="py-1">{t('flags')}</th>
              </tr>
            </thead>
            <tbody>
              {orders.data.orders.map((o) => (
                <tr key={o.id} className="border-b border-slate-100">
                  <td className="py-1 font-semibold">{o.number ?? '—'}</td>
                  <td className="py-1">{o.provisionalRef}</td>
                  <td className="py-1">{o.businessDay}</td>
                  <td className="py-1">
                    {o.status} / {o.kitchenStatus}
                  </td>
                  <td className="py-1 text-right tabular-nums">{money(o.total)}</td>
                  <td className="py-1 text-right tabular-nums">{money(o.paid)}</td>
                  <td className="py-1 text-amber-800">{o.flags.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </>
  );
}
