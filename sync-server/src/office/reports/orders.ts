/**
 * Finding orders in the back-office: by day range, by daily number or provisional reference
 * (both find the order), and one order with its lines, tenders, voids/refunds and kitchen
 * events.
 */
import { sql } from 'kysely';
import { ordersIn } from './sales';
import type { ReportRange } from '@kiosk/shared';
import type { ReportDb } from './report-db';
import type { OrderListEntry, OrderDetail } from '@kiosk/shared';

interface OrderRow {
  id: string;
  business_day: string;
  number: number | null;
  provisional_ref: string;
  device_id: string;
  staff_id: string | null;
  type: string;
  table: string | null;
  status: string;
  kitchen_status: string;
  total: number;
  net_total: number;
  paid: number;
  refunded: number;
  balance_due: number;
  created_at: Date | string;
  flags: unknown;
}

const iso = (v: Date | string) => new Date(v).toISOString();

function toEntry(r: OrderRow): OrderListEntry {
  return {
    id: r.id,
    businessDay: r.business_day,
    number: r.number,
    provisionalRef: r.provisional_ref,
    deviceId: r.device_id,
    staffId: r.staff_id,
    type: r.type,
    table: r.table,
    status: r.status,
    kitchenStatus: r.kitchen_status,
    total: Number(r.total),
    netTotal: Number(r.net_total),
    paid: Number(r.paid),
    refunded: Number(r.refunded),
    balanceDue: Number(r.balance_due),
    createdAt: iso(r.created_at),
    flags: Array.isArray(r.flags) ? (r.flags as string[]) : [],
  };
}

/**
 * Orders of a range, newest first. `search` matches the daily number (`42`, `#42`) or the
 * provisional reference (`B-017`, case-insensitive).
 */
export async function listOrders(db: ReportDb, r: ReportRange & { search?: string; status?: string; limit: number }): Promise<OrderListEntry[]> {
  const term = r.search?.trim().replace(/^#/, '');
  const number = term && /^\d{1,9}$/.test(term) ? Number(term) : null;
  const result = await sql<OrderRow>`
    select o.id, o.business_day, o.number, o.provisional_ref, o.device_id, o.staff_id, o.type, o."table", o.status, o.kitchen_status,
      o.total, o.net_total, o.paid, o.refunded, o.balance_due, o.created_at, o.flags
    from orders o
    where ${ordersIn(r)}
      ${term ? sql`and (${number !== null ? sql`o.number = ${number} or ` : sql``} upper(o.provisional_ref) = upper(${term}))` : sql``}
      ${r.status ? sql`and o.status = ${r.status}` : sql``}
    order by o.created_at desc, o.id desc
    limit ${r.limit}`.execute(db);
  return result.rows.map(toEntry);
}

export async function orderDetail(db: ReportDb, input: { tenant: string; outlet: string; orderId: string }): Promise<OrderDetail | undefined> {
  const head = await sql<
    OrderRow & { subtotal: number; discount: number; service_charge: number; tax: number; rounding: number; voided_amount: number; note: string | null }
  >`
    select o.*, o."table" from orders o where o.tenant_id = ${input.tenant} and o.outlet_id = ${input.outlet} and o.id = ${input.orderId}`.execute(db);
  const o = head.rows[0];
  if (!o) return undefined;
  const where = sql`tenant_id = ${input.tenant} and order_id = ${input.orderId}`;
  const lines = await sql<Record<string, unknown>>`select * from order_lines where ${where} order by position`.execute(db);
  const modifiers = await sql<Record<string, unknown>>`select * from order_line_modifiers where ${where} order by line_id, position`.execute(db);
  const payments = await sql<Record<string, unknown>>`select * from payments where ${where} order by at, id`.execute(db);
  const vr = await sql<Record<string, unknown>>`select * from voids_refunds where ${where} order by at, id`.execute(db);
  const kitchen = await sql<Record<string, unknown>>`select * from kitchen_events where ${where} order by at, id`.execute(db);
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    ...toEntry(o),
    subtotal: Number(o.subtotal),
    discount: Number(o.discount),
    serviceCharge: Number(o.service_charge),
    tax: Number(o.tax),
    rounding: Number(o.rounding),
    voidedAmount: Number(o.voided_amount),
    note: o.note,
    lines: lines.rows.map((l) => ({
      lineId: String(l.line_id),
      itemId: String(l.item_id),
      name: String(l.name),
      categoryId: String(l.category_id),
      station: String(l.station),
      qty: Number(l.qty),
      voidedQty: Number(l.voided_qty),
      unitPrice: Number(l.unit_price),
      modifiersTotal: Number(l.modifiers_total),
      gross: Number(l.gross),
      discount: Number(l.discount),
      net: Number(l.net),
      status: String(l.status),
      note: str(l.note),
      modifiers: modifiers.rows
        .filter((m) => m.line_id === l.line_id)
        .map((m) => ({ groupId: String(m.group_id), optionId: String(m.option_id), name: String(m.name), priceDelta: Number(m.price_delta) })),
    })),
    payments: payments.rows.map((p) => ({
      id: String(p.id),
      method: String(p.method),
      amount: Number(p.amount),
      tendered: num(p.tendered),
      reference: str(p.reference),
      deviceId: String(p.device_id),
      staffId: str(p.staff_id),
      at: iso(p.at as Date),
    })),
    voidsRefunds: vr.rows.map((x) => ({
      id: String(x.id),
      kind: String(x.kind),
      lineId: str(x.line_id),
      qty: num(x.qty),
      amount: Number(x.amount),
      method: str(x.method),
      reason: String(x.reason),
      approvedBy: str(x.approved_by),
      deviceId: String(x.device_id),
      staffId: str(x.staff_id),
      at: iso(x.at as Date),
    })),
    kitchen: kitchen.rows.map((k) => ({
      id: String(k.id),
      kind: String(k.kind),
      station: String(k.station),
      status: String(k.status),
      lineId: str(k.line_id),
      deviceId: String(k.device_id),
      at: iso(k.at as Date),
    })),
  };
}
