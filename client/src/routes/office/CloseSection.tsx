/**
 * Day close: the X report of a business day, the cash drawer (float, cash in/out, count, over/short)
 * and the Z report that freezes the day. A closed day's figures never change; what arrives late
 * shows under "late orders" and "adjustments" until the next Z report carries it.
 */
import { useState } from 'react';
import type { CashDrawer, CashDrawerEvent, CatalogView, XReport, ZReportsResponse, ZReportView } from '@kiosk/shared';
import { useI18n, useT } from '../../i18n';
import {
  buttonClass,
  ConfirmButton,
  ErrorLine,
  Figure,
  inputClass,
  Panel,
  parseAmount,
  quietButtonClass,
  useAction,
  useBusinessDay,
  useLoad,
  useMoney,
  useOffice,
} from './kit';
import { PaymentsTable, SummaryFigures } from './TodaySection';

type DrawerKind = 'float' | 'cash_in' | 'cash_out' | 'count';
const DRAWER_KINDS: DrawerKind[] = ['float', 'cash_in', 'cash_out', 'count'];

export function CloseSection() {
  const t = useT();
  const { api } = useOffice();
  const today = useBusinessDay();
  const [day, setDay] = useState(today);
  const x = useLoad<XReport>(day ? `/x-report?day=${day}` : null);
  const z = useLoad<ZReportsResponse>(`/z-reports?from=${shiftDay(today, -60)}&to=${today}`);
  const close = useAction();
  const [counted, setCounted] = useState('');
  const { settings } = useOffice();

  const closeDay = () =>
    void close.run(async () => {
      let countedCash: number | undefined;
      if (counted.trim()) {
        const parsed = parseAmount(counted, settings.currency, t('countedCash'));
        if ('error' in parsed) throw new Error(parsed.error);
        countedCash = parsed.value;
      }
      await api.write('POST', '/z-reports', { day, countedCash });
      setCounted('');
      x.reload();
      z.reload();
    });

  return (
    <>
      <Panel
        title={t('xReportOf', { day })}
        actions={
          <>
            <label className="flex items-center gap-2 text-sm">
              {t('businessDay')}
              <input className={inputClass} type="date" value={day} onChange={(e) => setDay(e.target.value)} />
            </label>
            <button className={quietButtonClass} onClick={() => void api.download(`/x-report?day=${day}&format=csv`, `x-report-${day}.csv`)}>
              {t('downloadCsv')}
            </button>
          </>
        }
      >
        <ErrorLine error={x.error} />
        {x.data && (
          <div className="flex flex-col gap-4">
            <SummaryFigures summary={x.data.summary} />
            <PaymentsTable payments={x.data.payments} />
            {x.data.lateOrders.length > 0 && (
              <p className="text-sm text-amber-800">
                {t('lateOrdersNote', {
                  count: x.data.lateOrders.length,
                  refs: x.data.lateOrders.map((o) => (o.number ? `#${o.number}` : o.provisionalRef)).join(', '),
                })}
              </p>
            )}
            {x.data.pendingAdjustments.length > 0 && (
              <p className="text-sm text-amber-800">{t('pendingAdjustmentsNote', { days: x.data.pendingAdjustments.map((a) => a.businessDay).join(', ') })}</p>
            )}
          </div>
        )}
      </Panel>
      {x.data && <DrawerPanel day={day} drawer={x.data.cashDrawer} closed={x.data.closed} onChange={x.reload} />}
      <Panel title={t('zReport')}>
        <ErrorLine error={close.error} />
        {x.data?.closed && x.data.zReport ? (
          <p role="note" className="text-emerald-800">
            {t('dayClosed', { day })}
          </p>
        ) : (
          <div className="flex flex-wrap items-end gap-3">
            <label className="flex flex-col text-sm">
              {t('countedCash')}
              <input className={inputClass} inputMode="decimal" value={counted} onChange={(e) => setCounted(e.target.value)} />
            </label>
            <ConfirmButton label={t('closeDay', { day })} confirmLabel={t('confirmCloseDay', { day })} onConfirm={closeDay} disabled={close.busy || !x.data} />
          </div>
        )}
        <ZReportList reports={z.data?.zReports ?? []} />
      </Panel>
    </>
  );
}

function ZReportList({ reports }: { reports: ZReportView[] }) {
  const t = useT();
  const money = useMoney();
  const { api } = useOffice();
  if (reports.length === 0) return <p className="mt-3 text-slate-600">{t('noZReports')}</p>;
  return (
    <table className="mt-4 w-full text-left text-sm" aria-label={t('zReports')}>
      <thead>
        <tr className="border-b">
          <th className="py-1">{t('businessDay')}</th>
          <th className="py-1 text-right">{t('figOrders')}</th>
          <th className="py-1 text-right">{t('figTotal')}</th>
          <th className="py-1 text-right">{t('overShort')}</th>
          <th className="py-1">{t('closedBy')}</th>
          <th className="py-1" />
        </tr>
      </thead>
      <tbody>
        {reports.map((r) => (
          <tr key={r.day} className="border-b border-slate-100">
            <td className="py-1">{r.day}</td>
            <td className="py-1 text-right tabular-nums">{r.figures.summary.orders}</td>
            <td className="py-1 text-right tabular-nums">{money(r.figures.summary.total)}</td>
            <td className="py-1 text-right tabular-nums">{r.figures.cashDrawer.overShort === null ? '—' : money(r.figures.cashDrawer.overShort)}</td>
            <td className="py-1">{r.closedBy}</td>
            <td className="py-1 text-right">
              <button
                className="underline"
                aria-label={t('downloadZCsv', { day: r.day })}
                onClick={() => void api.download(`/z-reports/${r.day}?format=csv`, `z-report-${r.day}.csv`)}
              >
                CSV
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DrawerPanel({ day, drawer, closed, onChange }: { day: string; drawer: CashDrawer; closed: boolean; onChange(): void }) {
  const t = useT();
  const money = useMoney();
  const { api, settings } = useOffice();
  const [kind, setKind] = useState<DrawerKind>('float');
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const action = useAction();
  const submit = () =>
    void action.run(async () => {
      const parsed = parseAmount(amount, settings.currency, t('amount'));
      if ('error' in parsed) throw new Error(parsed.error);
      await api.write('POST', '/cash-drawer', { day, kind, amount: parsed.value, note: note.trim() || undefined });
      setAmount('');
      setNote('');
      onChange();
    });
  return (
    <Panel title={t('cashDrawer')}>
      <dl className="mb-4 grid grid-cols-2 gap-2 md:grid-cols-4">
        <Figure label={t('drawerFloat')} value={money(drawer.float)} />
        <Figure label={t('drawerCashSales')} value={money(drawer.cashSales)} />
        <Figure label={t('drawerCashIn')} value={money(drawer.cashIn)} />
        <Figure label={t('drawerCashOut')} value={money(drawer.cashOut)} />
        <Figure label={t('drawerExpected')} value={money(drawer.expected)} />
        <Figure label={t('drawerCounted')} value={drawer.counted === null ? '—' : money(drawer.counted)} />
        <Figure label={t('overShort')} value={drawer.overShort === null ? '—' : money(drawer.overShort)} />
      </dl>
      <DrawerOpenings events={drawer.events} />
      {!closed && (
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <label className="flex flex-col text-sm">
            {t('drawerEntry')}
            <select aria-label={t('drawerEntry')} className={inputClass} value={kind} onChange={(e) => setKind(e.target.value as DrawerKind)}>
              {DRAWER_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`drawerKind_${k}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col text-sm">
            {t('amount')}
            <input className={inputClass} inputMode="decimal" required value={amount} onChange={(e) => setAmount(e.target.value)} />
          </label>
          <label className="flex flex-col text-sm">
            {t('note')}
            <input className={inputClass} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <button className={buttonClass} disabled={action.busy}>
            {t('record')}
          </button>
        </form>
      )}
      <ErrorLine error={action.error} />
    </Panel>
  );
}

/** Drawer openings outside a sale at terminals (no sale), by device and approver name; an approval that does not verify is marked. */
function DrawerOpenings({ events }: { events: CashDrawerEvent[] }) {
  const t = useT();
  const { language } = useI18n();
  const opens = events.filter((e) => e.kind === 'drawer_open');
  const catalog = useLoad<CatalogView>(opens.length > 0 ? '/catalog' : null);
  if (opens.length === 0) return null;
  const staffName = (id: string | undefined) => catalog.data?.staff.find((s) => s.id === id)?.name ?? t('drawerUnknownPerson');
  const deviceName = (actor: string) => catalog.data?.devices.find((d) => `device:${d.id}` === actor)?.name ?? t('drawerUnknownDevice');
  const time = (iso: string) => new Date(iso).toLocaleTimeString(language === 'id' ? 'id-ID' : 'en-GB', { timeStyle: 'short' });
  return (
    <section aria-label={t('drawerOpenings')} className="mb-4">
      <h3 className="mb-1 font-semibold">{t('drawerOpenings')}</h3>
      <ul className="flex flex-col gap-1 text-sm">
        {opens.map((e) => (
          <li key={e.id}>
            {t('drawerOpeningLine', { time: time(e.at), device: deviceName(e.actor), name: staffName(e.approvedBy) })}
            {e.approvalProblem && <span className="ml-2 rounded bg-rose-100 px-2 py-0.5 text-rose-800">{t('drawerApprovalUnverified')}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function shiftDay(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
