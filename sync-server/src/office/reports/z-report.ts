/**
 * X and Z reports. An X report is the running figures of a business day; a Z report closes
 * the day: the figures are computed once and frozen in `z_reports`, and the orders they
 * counted are listed in `z_report_orders`.
 *
 * Late data: an offline order may reach the server after its day was closed (or a refund may
 * be added to a closed day's order). The closed figures are never touched. Instead the next
 * Z report carries `adjustments`: for each closed day, its figures now minus what was frozen
 * minus adjustments already reported; and `lateOrders`: orders of closed days that no Z
 * report counted yet (they are then listed as counted, `late = true`, and flagged).
 */
import { sql } from 'kysely';
import { cashDrawer } from './cash-drawer';
import { salesByPaymentMethod, salesSummary, summaryByDay } from './sales';
import type { PaymentSales, SalesSummary } from '@kiosk/shared';
import type { ReportDb } from './report-db';
import type { Adjustment, CashDrawerEvent, DayFigures, LateOrder, XReport, ZReportView } from '@kiosk/shared';

interface DayInput {
  tenant: string;
  outlet: string;
  day: string;
  timeZone: string;
  /** The day document's drawer openings (`drawerReportEvents`), listed with the cash drawer. */
  drawerOpens?: readonly CashDrawerEvent[];
}

const SUMMARY_KEYS = [
  'orders',
  'cancelled',
  'gross',
  'discounts',
  'voids',
  'serviceCharge',
  'tax',
  'total',
  'refunds',
  'net',
  'averageTicket',
  'payments',
] as const;

function zeroSummary(): SalesSummary {
  return Object.fromEntries(SUMMARY_KEYS.map((k) => [k, 0])) as unknown as SalesSummary;
}

function subtract(a: SalesSummary, b: SalesSummary): SalesSummary {
  return Object.fromEntries(SUMMARY_KEYS.map((k) => [k, a[k] - b[k]])) as unknown as SalesSummary;
}

function add(a: SalesSummary, b: SalesSummary): SalesSummary {
  return Object.fromEntries(SUMMARY_KEYS.map((k) => [k, a[k] + b[k]])) as unknown as SalesSummary;
}

function isZero(s: SalesSummary): boolean {
  // averageTicket is derived; it moves whenever anything else does.
  return SUMMARY_KEYS.every((k) => k === 'averageTicket' || s[k] === 0);
}

/** Adjustments owed for closed days before `day`, and orders of closed days no Z report counted. */
async function lateData(db: ReportDb, input: DayInput): Promise<{ adjustments: Adjustment[]; lateOrders: LateOrder[] }> {
  const closed = await db
    .selectFrom('z_reports')
    .select(['business_day', 'figures'])
    .where('outlet_id', '=', input.outlet)
    .where('tenant_id', '=', input.tenant)
    .orderBy('business_day')
    .execute();
  const earlier = closed.filter((z) => z.business_day < input.day);
  if (earlier.length === 0) return { adjustments: [], lateOrders: [] };

  // What was frozen per day, plus every adjustment for that day reported since.
  const reported = new Map<string, SalesSummary>();
  for (const z of earlier) reported.set(z.business_day, (z.figures as DayFigures).summary);
  for (const z of closed) {
    for (const adj of (z.figures as DayFigures).adjustments ?? []) {
      const base = reported.get(adj.businessDay);
      if (base) reported.set(adj.businessDay, add(base, adj.delta));
    }
  }
  const current = await summaryByDay(db, {
    tenant: input.tenant,
    outlet: input.outlet,
    from: earlier[0].business_day,
    to: earlier[earlier.length - 1].business_day,
    timeZone: input.timeZone,
  });
  const adjustments: Adjustment[] = [];
  for (const [businessDay, frozen] of reported) {
    const now = current.find((c) => c.businessDay === businessDay) ?? { ...zeroSummary(), businessDay };
    const { businessDay: _ignored, ...nowSummary } = now;
    const delta = subtract(nowSummary, frozen);
    // averageTicket of a delta is meaningless; report the ticket of the late orders themselves.
    delta.averageTicket = delta.orders > 0 ? Math.round(delta.total / delta.orders) : 0;
    if (!isZero(delta)) adjustments.push({ businessDay, delta });
  }

  const days = earlier.map((z) => z.business_day);
  const late = await sql<{ id: string; business_day: string; number: number | null; provisional_ref: string; total: number }>`
    select o.id, o.business_day, o.number, o.provisional_ref, o.net_total as total
    from orders o
    where o.tenant_id = ${input.tenant} and o.outlet_id = ${input.outlet}
      and o.business_day in (${sql.join(days)})
      and not exists (select 1 from z_report_orders z where z.tenant_id = o.tenant_id and z.outlet_id = o.outlet_id and z.order_id = o.id)
    order by o.business_day, o.created_at`.execute(db);
  return {
    adjustments,
    lateOrders: late.rows.map((r) => ({ orderId: r.id, businessDay: r.business_day, number: r.number, provisionalRef: r.provisional_ref, total: r.total })),
  };
}

async function dayFigures(db: ReportDb, input: DayInput): Promise<DayFigures> {
  const range = { tenant: input.tenant, outlet: input.outlet, from: input.day, to: input.day, timeZone: input.timeZone };
  const [summary, payments, drawer, late] = [
    await salesSummary(db, range),
    await salesByPaymentMethod(db, range),
    await cashDrawer(db, { tenant: input.tenant, outlet: input.outlet, day: input.day, drawerOpens: input.drawerOpens }),
    await lateData(db, input),
  ];
  return { day: input.day, summary, payments, cashDrawer: drawer, adjustments: late.adjustments, lateOrders: late.lateOrders };
}

/** Running figures of a day; when the day is closed, also the frozen Z figures. */
export async function xReport(db: ReportDb, input: DayInput): Promise<XReport> {
  const figures = await dayFigures(db, input);
  const z = await db
    .selectFrom('z_reports')
    .select('figures')
    .where('tenant_id', '=', input.tenant)
    .where('outlet_id', '=', input.outlet)
    .where('business_day', '=', input.day)
    .executeTakeFirst();
  const { adjustments, ...rest } = figures;
  return { ...rest, closed: z !== undefined, zReport: (z?.figures as DayFigures | undefined) ?? null, pendingAdjustments: adjustments };
}

/**
 * Closes a day: computes and freezes its figures. Run in one transaction; the primary key of
 * `z_reports` refuses a second close of the same day.
 */
export async function closeDay(db: ReportDb, input: DayInput & { closedBy: string; closedAt: Date }): Promise<ZReportView> {
  const figures = await dayFigures(db, input);
  await db
    .insertInto('z_reports')
    .values({
      tenant_id: input.tenant,
      outlet_id: input.outlet,
      business_day: input.day,
      figures: JSON.stringify(figures),
      closed_by: input.closedBy,
      closed_at: input.closedAt,
    })
    .execute();
  // Every order of the day that exists now, plus the late ones this report adjusted for.
  await sql`
    insert into z_report_orders (tenant_id, outlet_id, order_id, order_day, report_day, late)
    select o.tenant_id, o.outlet_id, o.id, o.business_day, ${input.day}::date, false
    from orders o
    where o.tenant_id = ${input.tenant} and o.outlet_id = ${input.outlet} and o.business_day = ${input.day}::date
    on conflict do nothing`.execute(db);
  if (figures.lateOrders.length) {
    await db
      .insertInto('z_report_orders')
      .values(
        figures.lateOrders.map((o) => ({
          tenant_id: input.tenant,
          outlet_id: input.outlet,
          order_id: o.orderId,
          order_day: o.businessDay,
          report_day: input.day,
          late: true,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  return { day: input.day, closedBy: input.closedBy, closedAt: input.closedAt.toISOString(), figures };
}

/** One line per figure (`section,name,value`) for spreadsheets and accountants. */
export function dayFiguresCsvRows(
  figures: Omit<DayFigures, 'adjustments'> & { adjustments?: Adjustment[]; pendingAdjustments?: Adjustment[] },
): Array<{ section: string; name: string; value: number | string | null }> {
  const rows: Array<{ section: string; name: string; value: number | string | null }> = [{ section: 'day', name: 'business_day', value: figures.day }];
  for (const key of SUMMARY_KEYS) rows.push({ section: 'summary', name: key, value: figures.summary[key] });
  for (const p of figures.payments) {
    rows.push({ section: 'payment', name: `${p.method}.count`, value: p.count });
    rows.push({ section: 'payment', name: `${p.method}.amount`, value: p.amount });
    rows.push({ section: 'payment', name: `${p.method}.refunds`, value: p.refunds });
  }
  const d = figures.cashDrawer;
  for (const [name, value] of Object.entries({
    float: d.float,
    cash_in: d.cashIn,
    cash_out: d.cashOut,
    cash_sales: d.cashSales,
    cash_refunds: d.cashRefunds,
    expected: d.expected,
    counted: d.counted,
    over_short: d.overShort,
  })) {
    rows.push({ section: 'cash_drawer', name, value });
  }
  for (const a of figures.adjustments ?? figures.pendingAdjustments ?? []) {
    for (const key of SUMMARY_KEYS) if (a.delta[key] !== 0) rows.push({ section: 'adjustment', name: `${a.businessDay}.${key}`, value: a.delta[key] });
  }
  for (const o of figures.lateOrders)
    rows.push({ section: 'late_order', name: `${o.businessDay} ${o.number ?? o.provisionalRef} (${o.orderId})`, value: o.total });
  return rows;
}

export const DAY_FIGURES_CSV_COLUMNS = [
  { header: 'section', value: (r: { section: string }) => r.section },
  { header: 'name', value: (r: { name: string }) => r.name },
  { header: 'value', value: (r: { value: number | string | null }) => r.value },
];
