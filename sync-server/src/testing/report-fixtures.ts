/**
 * Test fixtures for the reports: a deterministic day of orders (seeded PRNG) written straight
 * into the projector's tables, and the figures those orders must produce, computed here in
 * plain TypeScript from the generated orders (never by running report SQL).
 *
 * The day has discounts (promotion % and manual amounts), taxes both ways (inclusive and
 * exclusive), service charge on dine-in, split payments, a voided line, a refund, a cancelled
 * order, orders after midnight that still belong to the business day, and kitchen bumps.
 */
import type { Kysely } from 'kysely';
import type { Database } from '@kiosk/store';
import type { CategorySales, DeviceSales, HourSales, ItemSales, KitchenTimes, PaymentSales, SalesSummary, StaffSales } from '@kiosk/shared';
import { seededRandom } from '@kiosk/shared/testing';

export interface FixtureLine {
  lineId: string;
  itemId: string;
  name: string;
  categoryId: string;
  station: string;
  qty: number;
  voidedQty: number;
  unitPrice: number;
  modifiersTotal: number;
  gross: number;
  discount: number;
}

export interface FixturePayment {
  id: string;
  method: 'cash' | 'card' | 'qris';
  amount: number;
  at: number;
}

export interface FixtureOrder {
  id: string;
  businessDay: string;
  number: number;
  provisionalRef: string;
  deviceId: string;
  staffId: string | null;
  type: 'dine_in' | 'takeaway';
  createdAt: number;
  cancelled: boolean;
  taxInclusive: boolean;
  lines: FixtureLine[];
  subtotal: number;
  discount: number;
  serviceCharge: number;
  tax: number;
  total: number;
  voidedAmount: number;
  netTotal: number;
  payments: FixturePayment[];
  refund: { id: string; amount: number; method: 'card' | 'cash'; approvedBy: string; at: number } | null;
  void: { id: string; lineId: string; qty: number; amount: number; approvedBy: string; at: number } | null;
  /** Seconds from submission to ready, per station. */
  ready: Record<string, number>;
  flags: string[];
}

const MENU = [
  { itemId: 'nasi-goreng', name: 'Nasi Goreng', categoryId: 'food', station: 'kitchen', price: 32_000 },
  { itemId: 'mie-ayam', name: 'Mie Ayam', categoryId: 'food', station: 'kitchen', price: 28_000 },
  { itemId: 'sate', name: 'Sate Ayam', categoryId: 'food', station: 'kitchen', price: 35_000 },
  { itemId: 'es-teh', name: 'Es Teh', categoryId: 'drinks', station: 'bar', price: 8_000 },
  { itemId: 'kopi-susu', name: 'Kopi Susu, "Gula Aren"', categoryId: 'drinks', station: 'bar', price: 22_000 },
  { itemId: 'jus-alpukat', name: 'Jus Alpukat', categoryId: 'drinks', station: 'bar', price: 25_000 },
  { itemId: 'pisang-goreng', name: 'Pisang Goreng', categoryId: 'snacks', station: 'kitchen', price: 15_000 },
  { itemId: 'kerupuk', name: 'Kerupuk', categoryId: 'snacks', station: 'kitchen', price: 5_000 },
] as const;

export const FIXTURE_DEVICES = ['dev-a', 'dev-b', 'dev-c'] as const;
export const FIXTURE_STAFF = ['staff-sari', 'staff-budi'] as const;
const TAX_BP = 1_100;
const SERVICE_BP = 500;

/** Half away from zero on non-negative amounts, in integers only. */
function bp(amount: number, rateBp: number): number {
  return Math.floor((amount * rateBp + 5_000) / 10_000);
}

/**
 * `count` orders of `businessDay` at an outlet in UTC+7 (Asia/Jakarta, day starting 04:00):
 * submitted between 08:00 and 02:59 the next calendar morning, local time.
 */
export function generateDay(options: { businessDay: string; count: number; seed: number; idPrefix?: string }): FixtureOrder[] {
  const random = seededRandom(options.seed); // same seed → same day
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const [y, m, d] = options.businessDay.split('-').map(Number);
  // 08:00 local = 01:00 UTC.
  const dayStart = Date.UTC(y, m - 1, d, 1, 0, 0);
  const span = 19 * 3600 * 1000; // until 02:59 local the next morning
  const orders: FixtureOrder[] = [];
  const prefix = options.idPrefix ?? options.businessDay;
  for (let i = 0; i < options.count; i++) {
    const createdAt = dayStart + Math.floor((span * (i + random() * 0.9)) / options.count);
    const lineCount = 1 + Math.floor(random() * 3);
    const lines: FixtureLine[] = [];
    for (let j = 0; j < lineCount; j++) {
      const item = pick(MENU);
      const qty = 1 + Math.floor(random() * 3);
      const modifiersTotal = item.categoryId === 'drinks' && random() < 0.3 ? 3_000 : 0;
      lines.push({
        lineId: `l${j}`,
        itemId: item.itemId,
        name: item.name,
        categoryId: item.categoryId,
        station: item.station,
        qty,
        voidedQty: 0,
        unitPrice: item.price,
        modifiersTotal,
        gross: qty * (item.price + modifiersTotal),
        discount: 0,
      });
    }
    const subtotal = lines.reduce((s, l) => s + l.gross, 0);
    // Discounts: a 10 % promotion on every 5th order, a manual 5,000 off on every 7th.
    let discount = 0;
    if (i % 5 === 0) discount += bp(subtotal, 1_000);
    if (i % 7 === 3) discount += Math.min(5_000, subtotal - discount);
    // The discount is attributed to lines in proportion to gross; the last line takes the remainder.
    let left = discount;
    lines.forEach((l, k) => {
      l.discount = k === lines.length - 1 ? left : Math.floor((discount * l.gross) / subtotal);
      left -= l.discount;
    });
    const type = i % 3 === 0 ? 'takeaway' : 'dine_in';
    const base = subtotal - discount;
    const serviceCharge = type === 'dine_in' ? bp(base, SERVICE_BP) : 0;
    const taxInclusive = i % 2 === 0;
    const tax = taxInclusive ? Math.floor(((base + serviceCharge) * TAX_BP + 5_000) / (10_000 + TAX_BP)) : bp(base + serviceCharge, TAX_BP);
    const total = base + serviceCharge + (taxInclusive ? 0 : tax);
    orders.push({
      id: `${prefix}-o${String(i).padStart(4, '0')}`,
      businessDay: options.businessDay,
      number: i + 1,
      provisionalRef: `${'ABC'[i % 3]}-${String(Math.floor(i / 3) + 1).padStart(3, '0')}`,
      deviceId: FIXTURE_DEVICES[i % 3],
      staffId: i % 4 === 3 ? null : FIXTURE_STAFF[i % 2],
      type,
      createdAt,
      cancelled: false,
      taxInclusive,
      lines,
      subtotal,
      discount,
      serviceCharge,
      tax,
      total,
      voidedAmount: 0,
      netTotal: total,
      payments: [],
      refund: null,
      void: null,
      ready: {},
      flags: [],
    });
  }
  // Days of 24 orders or more get the special cases; smaller ones (late orders) are plain.
  const special = options.count >= 24;
  if (special) {
    // One voided line (qty 1 of the first line), approved by the manager.
    const voided = orders[11];
    const vl = voided.lines[0];
    vl.voidedQty = 1;
    const voidAmount = vl.unitPrice + vl.modifiersTotal;
    voided.void = { id: `${voided.id}-void`, lineId: vl.lineId, qty: 1, amount: voidAmount, approvedBy: 'staff-budi', at: voided.createdAt + 60_000 };
    voided.voidedAmount = voidAmount;
    voided.netTotal = voided.total - voidAmount;
    // One cancelled order.
    orders[23].cancelled = true;
  }
  // Payments: every 4th order split cash + card; others one tender by rotation.
  orders.forEach((o, i) => {
    if (o.cancelled) return;
    const at = o.createdAt + 30_000;
    if (i % 4 === 1) {
      const cash = Math.floor(o.netTotal / 2);
      o.payments.push({ id: `${o.id}-p1`, method: 'cash', amount: cash, at }, { id: `${o.id}-p2`, method: 'card', amount: o.netTotal - cash, at: at + 1_000 });
    } else {
      o.payments.push({ id: `${o.id}-p1`, method: (['cash', 'card', 'qris'] as const)[i % 3], amount: o.netTotal, at });
    }
  });
  if (special) {
    // One refund (card), approved by the manager.
    const refunded = orders[17];
    refunded.refund = { id: `${refunded.id}-refund`, amount: 15_000, method: 'card', approvedBy: 'staff-budi', at: refunded.createdAt + 3_600_000 };
    orders[5].flags = ['payments exceed the total'];
  }
  // Kitchen: each station of an order is ready 3–20 minutes after submission.
  for (const o of orders) {
    if (o.cancelled) continue;
    for (const station of new Set(o.lines.map((l) => l.station))) o.ready[station] = 180 + Math.floor(random() * 1_020);
  }
  return orders;
}

/** Writes the orders as the projector would (rows in orders, lines, payments, kitchen, voids). */
export async function insertFixtureOrders(db: Kysely<Database>, tenant: string, outlet: string, orders: FixtureOrder[]): Promise<void> {
  const anyDb = db as unknown as Kysely<any>;
  const chunk = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
  const ts = (ms: number) => new Date(ms).toISOString();
  const common = (o: FixtureOrder) => ({ tenant_id: tenant, outlet_id: outlet, business_day: o.businessDay });
  for (const batch of chunk(orders, 100)) {
    await anyDb
      .insertInto('orders')
      .values(
        batch.map((o) => {
          const paid = o.payments.reduce((s, p) => s + p.amount, 0);
          return {
            ...common(o),
            id: o.id,
            doc_name: `${tenant}/${outlet}/${o.businessDay}`,
            number: o.number,
            provisional_ref: o.provisionalRef,
            device_id: o.deviceId,
            staff_id: o.staffId,
            type: o.type,
            status: o.cancelled ? 'cancelled' : paid >= o.netTotal ? 'paid' : 'open',
            kitchen_status: 'ready',
            currency: 'IDR',
            subtotal: o.subtotal,
            discount: o.discount,
            service_charge: o.serviceCharge,
            tax: o.tax,
            rounding: 0,
            total: o.total,
            voided_amount: o.voidedAmount,
            net_total: o.netTotal,
            paid,
            refunded: o.refund?.amount ?? 0,
            balance_due: Math.max(0, o.netTotal - paid),
            change: 0,
            line_count: o.lines.length,
            item_count: o.lines.reduce((s, l) => s + l.qty, 0),
            created_at: ts(o.createdAt),
            updated_at: ts(o.createdAt),
            flags: JSON.stringify(o.flags),
            flagged: o.flags.length > 0,
          };
        }),
      )
      .execute();
    const lines = batch.flatMap((o) =>
      o.lines.map((l, position) => ({
        ...common(o),
        order_id: o.id,
        line_id: l.lineId,
        position,
        item_id: l.itemId,
        name: l.name,
        category_id: l.categoryId,
        station: l.station,
        qty: l.qty,
        voided_qty: l.voidedQty,
        unit_price: l.unitPrice,
        modifiers_total: l.modifiersTotal,
        gross: l.gross,
        discount: l.discount,
        net: l.gross - l.discount,
        status: 'ready',
      })),
    );
    if (lines.length) await anyDb.insertInto('order_lines').values(lines).execute();
    const payments = batch.flatMap((o) =>
      o.payments.map((p) => ({
        ...common(o),
        order_id: o.id,
        id: p.id,
        method: p.method,
        amount: p.amount,
        tendered: null,
        device_id: o.deviceId,
        staff_id: o.staffId,
        at: ts(p.at),
      })),
    );
    if (payments.length) await anyDb.insertInto('payments').values(payments).execute();
    const kitchen = batch.flatMap((o) =>
      Object.entries(o.ready).map(([station, seconds]) => ({
        ...common(o),
        order_id: o.id,
        id: `${o.id}-${station}-ready`,
        kind: 'station',
        station,
        status: 'ready',
        line_id: null,
        device_id: 'kds-1',
        at: ts(o.createdAt + seconds * 1000),
      })),
    );
    if (kitchen.length) await anyDb.insertInto('kitchen_events').values(kitchen).execute();
    const vr = batch.flatMap((o) => [
      ...(o.void
        ? [
            {
              ...common(o),
              order_id: o.id,
              id: o.void.id,
              kind: 'void_line',
              line_id: o.void.lineId,
              qty: o.void.qty,
              amount: o.void.amount,
              method: null,
              reason: 'wrong item',
              approved_by: o.void.approvedBy,
              device_id: o.deviceId,
              staff_id: o.staffId,
              at: ts(o.void.at),
            },
          ]
        : []),
      ...(o.refund
        ? [
            {
              ...common(o),
              order_id: o.id,
              id: o.refund.id,
              kind: 'refund',
              line_id: null,
              qty: null,
              amount: o.refund.amount,
              method: o.refund.method,
              reason: 'cold food',
              approved_by: o.refund.approvedBy,
              device_id: o.deviceId,
              staff_id: o.staffId,
              at: ts(o.refund.at),
            },
          ]
        : []),
      ...(o.cancelled
        ? [
            {
              ...common(o),
              order_id: o.id,
              id: `${o.id}-cancel`,
              kind: 'cancel',
              line_id: null,
              qty: null,
              amount: 0,
              method: null,
              reason: 'customer left',
              approved_by: 'staff-budi',
              device_id: o.deviceId,
              staff_id: o.staffId,
              at: ts(o.createdAt + 5_000),
            },
          ]
        : []),
    ]);
    if (vr.length) await anyDb.insertInto('voids_refunds').values(vr).execute();
  }
}

// ---------- expectations, computed from the generated orders ----------

const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0);

export function expectedSummary(orders: FixtureOrder[]): SalesSummary {
  const live = orders.filter((o) => !o.cancelled);
  const total = sum(live, (o) => o.netTotal);
  const tax = sum(live, (o) => o.tax);
  const serviceCharge = sum(live, (o) => o.serviceCharge);
  const refunds = sum(live, (o) => o.refund?.amount ?? 0);
  return {
    orders: live.length,
    cancelled: orders.length - live.length,
    gross: sum(live, (o) => o.subtotal),
    discounts: sum(live, (o) => o.discount),
    voids: sum(live, (o) => o.voidedAmount),
    serviceCharge,
    tax,
    total,
    refunds,
    net: total - tax - serviceCharge - refunds,
    averageTicket: live.length ? Math.round(total / live.length) : 0,
    payments: sum(live, (o) => sum(o.payments, (p) => p.amount)),
  };
}

export function expectedByItem(orders: FixtureOrder[]): ItemSales[] {
  const byItem = new Map<string, ItemSales>();
  for (const o of orders.filter((x) => !x.cancelled)) {
    for (const l of o.lines) {
      const row = byItem.get(l.itemId) ?? { itemId: l.itemId, name: l.name, categoryId: l.categoryId, qty: 0, voidedQty: 0, gross: 0, discount: 0, net: 0 };
      row.qty += l.qty;
      row.voidedQty += l.voidedQty;
      row.gross += l.gross;
      row.discount += l.discount;
      row.net += l.gross - l.discount;
      byItem.set(l.itemId, row);
    }
  }
  return [...byItem.values()].sort((a, b) => b.gross - a.gross || a.itemId.localeCompare(b.itemId));
}

export function expectedByCategory(orders: FixtureOrder[]): CategorySales[] {
  const map = new Map<string, CategorySales>();
  for (const item of expectedByItem(orders)) {
    const row = map.get(item.categoryId) ?? { categoryId: item.categoryId, qty: 0, gross: 0, discount: 0, net: 0 };
    row.qty += item.qty;
    row.gross += item.gross;
    row.discount += item.discount;
    row.net += item.net;
    map.set(item.categoryId, row);
  }
  return [...map.values()].sort((a, b) => b.gross - a.gross || a.categoryId.localeCompare(b.categoryId));
}

export function expectedByPayment(orders: FixtureOrder[]): PaymentSales[] {
  const map = new Map<string, PaymentSales>();
  const row = (method: string) => map.get(method) ?? { method, count: 0, amount: 0, refunds: 0, net: 0 };
  for (const o of orders.filter((x) => !x.cancelled)) {
    for (const p of o.payments) {
      const r = row(p.method);
      r.count += 1;
      r.amount += p.amount;
      r.net += p.amount;
      map.set(p.method, r);
    }
    if (o.refund) {
      const r = row(o.refund.method);
      r.refunds += o.refund.amount;
      r.net -= o.refund.amount;
      map.set(o.refund.method, r);
    }
  }
  return [...map.values()].sort((a, b) => a.method.localeCompare(b.method));
}

/** Hour of day in UTC+7 (Asia/Jakarta has no DST), by hand. */
export function expectedByHour(orders: FixtureOrder[]): HourSales[] {
  const map = new Map<number, HourSales>();
  for (const o of orders.filter((x) => !x.cancelled)) {
    const hour = (new Date(o.createdAt).getUTCHours() + 7) % 24;
    const r = map.get(hour) ?? { hour, orders: 0, total: 0 };
    r.orders += 1;
    r.total += o.netTotal;
    map.set(hour, r);
  }
  return [...map.values()].sort((a, b) => a.hour - b.hour);
}

export function expectedByDevice(orders: FixtureOrder[]): DeviceSales[] {
  const map = new Map<string, DeviceSales>();
  for (const o of orders.filter((x) => !x.cancelled)) {
    const r = map.get(o.deviceId) ?? { deviceId: o.deviceId, orders: 0, total: 0 };
    r.orders += 1;
    r.total += o.netTotal;
    map.set(o.deviceId, r);
  }
  return [...map.values()].sort((a, b) => b.total - a.total || a.deviceId.localeCompare(b.deviceId));
}

export function expectedByStaff(orders: FixtureOrder[]): StaffSales[] {
  const map = new Map<string, StaffSales>();
  for (const o of orders.filter((x) => !x.cancelled)) {
    const key = o.staffId ?? '';
    const r = map.get(key) ?? { staffId: key, orders: 0, total: 0 };
    r.orders += 1;
    r.total += o.netTotal;
    map.set(key, r);
  }
  return [...map.values()].sort((a, b) => b.total - a.total || a.staffId.localeCompare(b.staffId));
}

/** Linear-interpolation percentile, as PostgreSQL's percentile_cont. */
export function percentileCont(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = fraction * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export function expectedKitchen(orders: FixtureOrder[]): KitchenTimes[] {
  const byStation = new Map<string, number[]>();
  for (const o of orders.filter((x) => !x.cancelled)) {
    for (const [station, seconds] of Object.entries(o.ready)) byStation.set(station, [...(byStation.get(station) ?? []), seconds]);
  }
  const round1 = (x: number) => Math.round(x * 10) / 10;
  return [...byStation.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([station, secs]) => ({
      station,
      tickets: secs.length,
      p50Seconds: round1(percentileCont(secs, 0.5)),
      p90Seconds: round1(percentileCont(secs, 0.9)),
      maxSeconds: round1(Math.max(...secs)),
    }));
}
