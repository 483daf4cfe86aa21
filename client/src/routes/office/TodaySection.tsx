/** Live sales of the outlet's current business day (the running X report), refreshed every 5 s. */
import type { PaymentSales, SalesSummary, XReport } from '@kiosk/shared';
import { useT } from '../../i18n';
import { ErrorLine, Figure, Panel, useBusinessDay, useLoad, useMoney } from './kit';

const LIVE_REFRESH_MS = 5_000;

export function TodaySection() {
  const t = useT();
  const day = useBusinessDay();
  const { data, error } = useLoad<XReport>(`/x-report?day=${day}`, LIVE_REFRESH_MS);
  return (
    <Panel title={t('officeTodayTitle', { day })}>
      <ErrorLine error={error} />
      {data && (
        <div className="flex flex-col gap-4">
          <SummaryFigures summary={data.summary} />
          <PaymentsTable payments={data.payments} />
          {data.closed && <p className="text-sm text-amber-800">{t('dayClosedNote')}</p>}
        </div>
      )}
    </Panel>
  );
}

export function SummaryFigures({ summary }: { summary: SalesSummary }) {
  const t = useT();
  const money = useMoney();
  return (
    <dl className="grid grid-cols-2 gap-2 md:grid-cols-4">
      <Figure label={t('figOrders')} value={String(summary.orders)} />
      <Figure label={t('figTotal')} value={money(summary.total)} />
      <Figure label={t('figNet')} value={money(summary.net)} />
      <Figure label={t('figAverageTicket')} value={money(summary.averageTicket)} />
      <Figure label={t('figGross')} value={money(summary.gross)} />
      <Figure label={t('figDiscounts')} value={money(summary.discounts)} />
      <Figure label={t('figTax')} value={money(summary.tax)} />
      <Figure label={t('figServiceCharge')} value={money(summary.serviceCharge)} />
      <Figure label={t('figVoids')} value={money(summary.voids)} />
      <Figure label={t('figRefunds')} value={money(summary.refunds)} />
      <Figure label={t('figCancelled')} value={String(summary.cancelled)} />
      <Figure label={t('figPayments')} value={money(summary.payments)} />
    </dl>
  );
}

export function PaymentsTable({ payments }: { payments: PaymentSales[] }) {
  const t = useT();
  const money = useMoney();
  if (payments.length === 0) return <p className="text-slate-600">{t('noPayments')}</p>;
  return (
    <table className="w-full text-left text-sm" aria-label={t('paymentsByMethod')}>
      <thead>
        <tr className="border-b">
          <th className="py-1">{t('method')}</th>
          <th className="py-1 text-right">{t('count')}</th>
          <th className="py-1 text-right">{t('amount')}</th>
          <th className="py-1 text-right">{t('figRefunds')}</th>
          <th className="py-1 text-right">{t('figNet')}</th>
        </tr>
      </thead>
      <tbody>
        {payments.map((p) => (
          <tr key={p.method} className="border-b border-slate-100">
            <td className="py-1">{p.method}</td>
            <td className="py-1 text-right tabular-nums">{p.count}</td>
            <td className="py-1 text-right tabular-nums">{money(p.amount)}</td>
            <td className="py-1 text-right tabular-nums">{money(p.refunds)}</td>
            <td className="py-1 text-right tabular-nums">{money(p.net)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
