/**
 * Reports for a date range in the outlet's business days: a table of the report's rows, a chart
 * (chart.js through react-chartjs-2) of its main figure, and the CSV the server renders.
 */
import { useState } from 'react';
import { BarElement, CategoryScale, Chart as ChartJS, Legend, LinearScale, Tooltip } from 'chart.js';
import { Bar } from 'react-chartjs-2';
import { currencyDecimals } from '@kiosk/shared';
import { useT } from '../../i18n';
import type { MessageKey } from '../../i18n/en';
import { buttonClass, ErrorLine, inputClass, Panel, quietButtonClass, useAction, useBusinessDay, useLoad, useMoney, useOffice } from './kit';
import { SummaryFigures } from './TodaySection';
import type { ReportResponse, SalesSummary } from '@kiosk/shared';

ChartJS.register(CategoryScale, LinearScale, BarElement, Tooltip, Legend);

type Row = Record<string, string | number | string[] | null>;

/** Each report and what its chart shows: the label column and the value column(s). */
const REPORTS: ReadonlyArray<{ name: string; label: MessageKey; chart?: { x: string; y: string[] } }> = [
  { name: 'summary', label: 'reportSummary' },
  { name: 'days', label: 'reportDays', chart: { x: 'businessDay', y: ['total'] } },
  { name: 'items', label: 'reportItems', chart: { x: 'name', y: ['net'] } },
  { name: 'categories', label: 'reportCategories', chart: { x: 'categoryId', y: ['net'] } },
  { name: 'payments', label: 'reportPayments', chart: { x: 'method', y: ['net'] } },
  { name: 'hours', label: 'reportHours', chart: { x: 'hour', y: ['total'] } },
  { name: 'devices', label: 'reportDevices', chart: { x: 'deviceId', y: ['total'] } },
  { name: 'staff', label: 'reportStaff', chart: { x: 'staffId', y: ['total'] } },
  { name: 'kitchen', label: 'reportKitchen', chart: { x: 'station', y: ['p50Seconds', 'p90Seconds'] } },
];

const MONEY_COLUMNS = new Set([
  'gross',
  'discount',
  'discounts',
  'net',
  'amount',
  'refunds',
  'total',
  'tax',
  'serviceCharge',
  'voids',
  'averageTicket',
  'payments',
]);
const COLOURS = ['#0f766e', '#b45309'];

export function ReportsSection() {
  const t = useT();
  const today = useBusinessDay();
  const { api, settings } = useOffice();
  const money = useMoney();
  const [range, setRange] = useState({ from: today, to: today });
  const [name, setName] = useState('summary');
  const report = REPORTS.find((r) => r.name === name) ?? REPORTS[0];
  const query = `from=${range.from}&to=${range.to}`;
  const { data, error } = useLoad<ReportResponse<Row>>(range.from && range.to ? `/reports/${name}?${query}` : null);
  const csv = useAction();
  const rows = data?.rows ?? [];
  const columns = rows.length ? Object.keys(rows[0]) : [];
  const cell = (column: string, value: Row[string]) =>
    Array.isArray(value) ? value.join(', ') : typeof value === 'number' && MONEY_COLUMNS.has(column) ? money(value) : String(value ?? '—');
  const chart = report.chart;

  return (
    <Panel
      title={t('officeReports')}
      actions={
        <button
          className={quietButtonClass}
          disabled={csv.busy}
          onClick={() => void csv.run(() => api.download(`/reports/${name}?${query}&format=csv`, `${name}-${range.from}-${range.to}.csv`))}
        >
          {t('downloadCsv')}
        </button>
      }
    >
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <label className="flex flex-col text-sm">
          {t('report')}
          <select aria-label={t('report')} className={inputClass} value={name} onChange={(e) => setName(e.target.value)}>
            {REPORTS.map((r) => (
              <option key={r.name} value={r.name}>
                {t(r.label)}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-sm">
          {t('fromDay')}
          <input className={inputClass} type="date" value={range.from} onChange={(e) => setRange((r) => ({ ...r, from: e.target.value }))} />
        </label>
        <label className="flex flex-col text-sm">
          {t('toDay')}
          <input className={inputClass} type="date" value={range.to} onChange={(e) => setRange((r) => ({ ...r, to: e.target.value }))} />
        </label>
        <button className={buttonClass} onClick={() => setRange({ from: today, to: today })}>
          {t('today')}
        </button>
      </div>
      <ErrorLine error={error ?? csv.error} />
      {data && name === 'summary' && rows[0] && <SummaryFigures summary={rows[0] as unknown as SalesSummary} />}
      {data && name !== 'summary' && rows.length === 0 && <p className="text-slate-600">{t('noRows')}</p>}
      {data && chart && rows.length > 0 && (
        <div className="mb-4 h-64">
          <Bar
            role="img"
            aria-label={t('chartOf', { report: t(report.label) })}
            options={{ maintainAspectRatio: false, animation: false, responsive: true }}
            data={{
              labels: rows.map((r) => String(r[chart.x] ?? '—')),
              datasets: chart.y.map((y, i) => ({
                label: y,
                backgroundColor: COLOURS[i % COLOURS.length],
                // Money is charted in major units, as people read it.
                data: rows.map((r) => (MONEY_COLUMNS.has(y) ? Number(r[y]) / 10 ** currencyDecimals(settings.currency) : Number(r[y]))),
              })),
            }}
          />
        </div>
      )}
      {data && name !== 'summary' && rows.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" aria-label={t(report.label)}>
            <thead>
              <tr className="border-b">
                {columns.map((c) => (
                  <th key={c} className="py-1 pr-3">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, i) => (
                <tr key={i} className="border-b border-slate-100">
                  {columns.map((c) => (
                    <td key={c} className={`py-1 pr-3 ${typeof row[c] === 'number' ? 'text-right tabular-nums' : ''}`}>
                      {cell(c, row[c])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
