/**
 * Sales reports of an outlet over a range of business days. Business days are stored on the
 * order rows (the projector derives them in the outlet's time zone from its day start);
 * hour-of-day is computed in the outlet's time zone here. Cancelled orders count in
 * `cancelled` only. Sums are done in SQL as bigint, converted once to numbers.
 */
import { sql } from 'kysely';
import type { CategorySales, DaySummary, DeviceSales, HourSales, ItemSales, PaymentSales, ReportRange, SalesSummary, StaffSales } from '@kiosk/shared';
import type { ReportDb } from './report-db';

/** The projected orders of the range, not cancelled, as a reusable SQL fragment. */
function ordersIn(r: ReportRange, alias = 'o') {
  return sql`${sql.ref(`${alias}.tenant_id`)} = ${r.tenant} and ${sql.ref(`${alias}.outlet_id`)} = ${r.outlet}
    and ${sql.ref(`${alias}.business_day`)} between ${r.from}::date and ${r.to}::date`;
}

interface SummaryRow {
  orders: number | null;
  cancelled: number | null;
  gross: number | null;
  discounts: number | null;
  voids: number | null;
  service_charge: number | null;
  tax: number | null;
  total: number | null;
  refunds: number | null;
  payments: number | null;
}

const summarySelect = sql`
  count(*) filter (where o.status <> 'cancelled')::int as orders,
  count(*) filter (where o.status = 'cancelled')::int as cancelled,
  coalesce(sum(o.subtotal) filter (where o.status <> 'cancelled'), 0)::bigint as gross,
  coalesce(sum(o.discount) filter (where o.status <> 'cancelled'), 0)::bigint as discounts,
  coalesce(sum(o.voided_amount) filter (where o.status <> 'cancelled'), 0)::bigint as voids,
  coalesce(sum(o.service_charge) filter (where o.status <> 'cancelled'), 0)::bigint as service_charge,
  coalesce(sum(o.tax) filter (where o.status <> 'cancelled'), 0)::bigint as tax,
  coalesce(sum(o.net_total) filter (where o.status <> 'cancelled'), 0)::bigint as total,
  coalesce(sum(o.refunded) filter (where o.status <> 'cancelled'), 0)::bigint as refunds,
  coalesce(sum(o.paid) filter (where o.status <> 'cancelled'), 0)::bigint as payments`;

function toSummary(row: SummaryRow | undefined): SalesSummary {
  const n = (v: number | null | undefined) => Number(v ?? 0);
  const orders = n(row?.orders);
  const total = n(row?.total);
  const tax = n(row?.tax);
  const serviceCharge = n(row?.service_charge);
  const refunds = n(row?.refunds);
  return {
    orders,
    cancelled: n(row?.cancelled),
    gross: n(row?.gross),
    discounts: n(row?.discounts),
    voids: n(row?.voids),
    serviceCharge,
    tax,
    total,
    refunds,
    net: total - tax - serviceCharge - refunds,
    averageTicket: orders > 0 ? Math.round(total / orders) : 0,
    payments: n(row?.payments),
  };
}

export async function salesSummary(db: ReportDb, r: ReportRange): Promise<SalesSummary> {
  const result = await sql<SummaryRow>`select ${summarySelect} from orders o where ${ordersIn(r)}`.execute(db);
  return toSummary(result.rows[0]);
}

export async function summaryByDay(db: ReportDb, r: ReportRange): Promise<DaySummary[]> {
  const result = await sql<SummaryRow & { business_day: string }>`
    select o.business_day, ${summarySelect} from orders o where ${ordersIn(r)} group by o.business_day order by o.business_day`.execute(db);
  return result.rows.map((row) => ({ businessDay: row.business_day, ...toSummary(row) }));
}

export async function salesByItem(db: ReportDb, r: ReportRange): Promise<ItemSales[]> {
  const result = await sql<{ item_id: string; name: string; category_id: string; qty: number; voided_qty: number; gross: number; discount: number }>`
    select l.item_id, max(l.name) as name, max(l.category_id) as category_id,
      sum(l.qty)::bigint as qty, sum(l.voided_qty)::bigint as voided_qty,
      sum(l.gross)::bigint as gross, sum(l.discount)::bigint as discount
    from order_lines l join orders o on o.tenant_id = l.tenant_id and o.outlet_id = l.outlet_id and o.id = l.order_id
    where ${ordersIn(r)} and o.status <> 'cancelled'
    group by l.item_id order by sum(l.gross) desc, l.item_id`.execute(db);
  return result.rows.map((row) => ({
    itemId: row.item_id,
    name: row.name,
    categoryId: row.category_id,
    qty: Number(row.qty),
    voidedQty: Number(row.voided_qty),
    gross: Number(row.gross),
    discount: Number(row.discount),
    net: Number(row.gross) - Number(row.discount),
  }));
}

export async function salesByCategory(db: ReportDb, r: ReportRange): Promise<CategorySales[]> {
  const result = await sql<{ category_id: string; qty: number; gross: number; discount: number }>`
    select l.category_id, sum(l.qty)::bigint as qty, sum(l.gross)::bigint as gross, sum(l.discount)::bigint as discount
    from order_lines l join orders o on o.tenant_id = l.tenant_id and o.outlet_id = l.outlet_id and o.id = l.order_id
    where ${ordersIn(r)} and o.status <> 'cancelled'
    group by l.category_id order by sum(l.gross) desc, l.category_id`.execute(db);
  return result.rows.map((row) => ({
    categoryId: row.category_id,
    qty: Number(row.qty),
    gross: Number(row.gross),
    discount: Number(row.discount),
    net: Number(row.gross) - Number(row.discount),
  }));
}

export async function salesByPaymentMethod(db: ReportDb, r: ReportRange): Promise<PaymentSales[]> {
  const result = await sql<{ method: string; count: number; amount: number; refunds: number }>`
    with paid as (
      select p.method, count(*)::int as count, sum(p.amount)::bigint as amount
      from payments p join orders o on o.tenant_id = p.tenant_id and o.outlet_id = p.outlet_id and o.id = p.order_id
      where ${ordersIn(r)} and o.status <> 'cancelled' group by p.method
    ), refunded as (
      select x.method, sum(x.amount)::bigint as amount
      from voids_refunds x join orders o on o.tenant_id = x.tenant_id and o.outlet_id = x.outlet_id and o.id = x.order_id
      where ${ordersIn(r)} and o.status <> 'cancelled' and x.kind = 'refund' group by x.method
    )
    select coalesce(paid.method, refunded.method) as method, coalesce(paid.count, 0) as count,
      coalesce(paid.amount, 0) as amount, coalesce(refunded.amount, 0) as refunds
    from paid full outer join refunded on refunded.method = paid.method
    order by 1`.execute(db);
  return result.rows.map((row) => ({
    method: row.method,
    count: Number(row.count),
    amount: Number(row.amount),
    refunds: Number(row.refunds),
    net: Number(row.amount) - Number(row.refunds),
  }));
}

export async function salesByHour(db: ReportDb, r: ReportRange): Promise<HourSales[]> {
  const result = await sql<{ hour: number; orders: number; total: number }>`
    select extract(hour from o.created_at at time zone ${r.timeZone})::int as hour,
      count(*)::int as orders, sum(o.net_total)::bigint as total
    from orders o where ${ordersIn(r)} and o.status <> 'cancelled'
    group by 1 order by 1`.execute(db);
  return result.rows.map((row) => ({ hour: Number(row.hour), orders: Number(row.orders), total: Number(row.total) }));
}

export async function salesByDevice(db: ReportDb, r: ReportRange): Promise<DeviceSales[]> {
  const result = await sql<{ device_id: string; orders: number; total: number }>`
    select o.device_id, count(*)::int as orders, sum(o.net_total)::bigint as total
    from orders o where ${ordersIn(r)} and o.status <> 'cancelled'
    group by o.device_id order by 3 desc, 1`.execute(db);
  return result.rows.map((row) => ({ deviceId: row.device_id, orders: Number(row.orders), total: Number(row.total) }));
}

export async function salesByStaff(db: ReportDb, r: ReportRange): Promise<StaffSales[]> {
  const result = await sql<{ staff_id: string; orders: number; total: number }>`
    select coalesce(o.staff_id, '') as staff_id, count(*)::int as orders, sum(o.net_total)::bigint as total
    from orders o where ${ordersIn(r)} and o.status <> 'cancelled'
    group by 1 order by 3 desc, 1`.execute(db);
  return result.rows.map((row) => ({ staffId: row.staff_id, orders: Number(row.orders), total: Number(row.total) }));
}

export { ordersIn };
