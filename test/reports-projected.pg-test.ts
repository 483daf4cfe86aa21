/**
 * Reports over rows written by the real projector: 320 orders rung up with the shared
 * `submitOrder` (promotion and manual discounts, an inclusive and an exclusive tax, service
 * charge, modifiers), paid (some split), one voided line, one refund, one cancellation and
 * kitchen bumps, then projected by `rebuild`. The expected figures are summed here from the
 * orders' headers and events (the void's amount from the shared fold, which defines it).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import {
  addPayment,
  cancelOrder,
  foldOrder,
  putCategory,
  putDevice,
  putItem,
  putModifierGroup,
  putPromotion,
  readOrder,
  readOrders,
  refund,
  setStationStatus,
  submitOrder,
  voidLine,
  writeSettings,
  type OrderRecord,
} from '@kiosk/shared';
import { DEMO_SETTINGS } from '@kiosk/shared/demo';
import type { KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { appendUpdates } from '@kiosk/store';
import { rebuild } from '@kiosk/projector';
import {
  expectedByCategory,
  expectedByDevice,
  expectedByHour,
  expectedByItem,
  expectedByPayment,
  expectedByStaff,
  expectedKitchen,
  expectedSummary,
  type FixtureOrder,
} from '@kiosk/sync-server/testing';
import { kitchenTimes, salesByCategory, salesByDevice, salesByHour, salesByItem, salesByPaymentMethod, salesByStaff, salesSummary } from '@kiosk/sync-server';

const TENANT = 'demo';
const OUTLET = 'main';
const DAY = '2026-11-20';
const TZ = 'Asia/Jakarta';
// 08:00 in Jakarta.
const OPEN = Date.UTC(2026, 10, 20, 1, 0, 0);

function outletDoc(): Y.Doc {
  const doc = new Y.Doc();
  writeSettings(doc, {
    ...DEMO_SETTINGS,
    // Taxes both ways: PB1 added on top of food, PPN included in drink prices.
    taxes: [
      { id: 'pb1', name: 'PB1', rateBp: 1000, inclusive: false },
      { id: 'ppn', name: 'PPN', rateBp: 1100, inclusive: true },
    ],
  });
  putCategory(doc, { id: 'drinks', name: 'Drinks', sort: 1 });
  putCategory(doc, { id: 'food', name: 'Food', sort: 2 });
  putModifierGroup(doc, { id: 'size', name: 'Size', required: false, min: 0, max: 1, options: [{ id: 'large', name: 'Large', priceDelta: 5_000 }] });
  putItem(doc, {
    id: 'kopi',
    categoryId: 'drinks',
    name: 'Kopi Susu',
    price: 22_000,
    available: true,
    station: 'bar',
    modifierGroupIds: ['size'],
    taxIds: ['ppn'],
  });
  putItem(doc, { id: 'teh', categoryId: 'drinks', name: 'Es Teh', price: 8_000, available: true, station: 'bar', modifierGroupIds: [], taxIds: ['ppn'] });
  putItem(doc, {
    id: 'nasi',
    categoryId: 'food',
    name: 'Nasi Goreng',
    price: 32_000,
    available: true,
    station: 'kitchen',
    modifierGroupIds: [],
    taxIds: ['pb1'],
  });
  putItem(doc, { id: 'mie', categoryId: 'food', name: 'Mie Ayam', price: 28_000, available: true, station: 'kitchen', modifierGroupIds: [], taxIds: ['pb1'] });
  putPromotion(doc, {
    id: 'food10',
    name: 'Food 10%',
    active: true,
    scope: { kind: 'category', categoryIds: ['food'] },
    benefit: { kind: 'percent', rateBp: 1000 },
  });
  putDevice(doc, { id: 'till-a', name: 'Till A', kind: 'terminal', code: 'A', stations: [] });
  putDevice(doc, { id: 'till-b', name: 'Till B', kind: 'terminal', code: 'B', stations: [] });
  return doc;
}

/** Rings up the day on the shared domain functions, as terminals and kitchen displays would. */
function ringUpDay(outlet: Y.Doc, day: Y.Doc, count: number): Map<string, Record<string, number>> {
  const readyAfter = new Map<string, Record<string, number>>();
  const items = ['kopi', 'teh', 'nasi', 'mie'];
  for (let i = 0; i < count; i++) {
    const now = OPEN + i * 3 * 60_000 + (i % 7) * 1_000;
    const deviceId = i % 3 === 0 ? 'till-b' : 'till-a';
    const staffId = i % 5 === 4 ? undefined : i % 2 === 0 ? 'staff-sari' : 'staff-budi';
    const lines = [0, 1, 2].slice(0, 1 + (i % 3)).map((k) => {
      const itemId = items[(i + k * 3) % 4];
      return { itemId, qty: 1 + ((i + k) % 2), modifiers: itemId === 'kopi' && i % 4 === 0 ? [{ groupId: 'size', optionId: 'large' }] : [] };
    });
    const { id } = submitOrder(
      outlet,
      day,
      {
        deviceId,
        staffId,
        type: i % 4 === 3 ? 'takeaway' : 'dine_in',
        lines,
        manualDiscount: i % 9 === 5 ? { amount: 5_000, approvedBy: 'staff-budi', reason: 'regular' } : undefined,
      },
      { now, businessDay: DAY },
    );
    if (i === 23) {
      cancelOrder(day, id, { deviceId, reason: 'customer left', approvedBy: 'staff-budi' }, { now: now + 5_000 });
      continue;
    }
    if (i === 11)
      voidLine(
        day,
        id,
        { deviceId, lineId: readOrder(day, id)!.header.lines[0].id, qty: 1, reason: 'wrong item', approvedBy: 'staff-budi' },
        { now: now + 10_000 },
      );
    const record = readOrder(day, id)!;
    const due = foldOrder(record).netTotal;
    if (i % 4 === 1) {
      const cash = Math.floor(due / 2);
      addPayment(day, id, { deviceId, staffId, method: 'cash', amount: cash }, { now: now + 20_000 });
      addPayment(day, id, { deviceId, staffId, method: 'card', amount: due - cash }, { now: now + 21_000 });
    } else {
      addPayment(day, id, { deviceId, staffId, method: (['cash', 'card', 'qris'] as const)[i % 3], amount: due }, { now: now + 20_000 });
    }
    if (i === 17) refund(day, id, { deviceId, method: 'card', amount: 10_000, reason: 'cold', approvedBy: 'staff-budi' }, { now: now + 3_600_000 });
    const ready: Record<string, number> = {};
    for (const station of new Set(record.header.lines.map((l) => l.station))) {
      const seconds = 120 + ((i * 37 + station.length * 11) % 900);
      setStationStatus(day, id, { deviceId: 'kds', station, status: 'ready' }, { now: record.header.createdAt + seconds * 1000 });
      ready[station] = seconds;
    }
    readyAfter.set(id, ready);
  }
  return readyAfter;
}

/** An order record as the fixture shape, summed by hand from its header and events. */
function asFixture(record: OrderRecord, ready: Record<string, number> | undefined): FixtureOrder {
  const { header, events } = record;
  const voided = new Map<string, number>();
  for (const e of events)
    if (e.kind === 'void_line') voided.set(e.lineId, Math.min(header.lines.find((l) => l.id === e.lineId)!.qty, (voided.get(e.lineId) ?? 0) + e.qty));
  const refundEvent = events.find((e) => e.kind === 'refund');
  const voidedAmount = foldOrder(record).voidedAmount;
  return {
    id: header.id,
    businessDay: header.businessDay,
    number: 0,
    provisionalRef: header.provisionalRef,
    deviceId: header.deviceId,
    staffId: header.staffId ?? null,
    type: header.type === 'takeaway' ? 'takeaway' : 'dine_in',
    createdAt: header.createdAt,
    cancelled: events.some((e) => e.kind === 'cancel'),
    taxInclusive: false,
    lines: header.lines.map((l) => ({
      lineId: l.id,
      itemId: l.itemId,
      name: l.name,
      categoryId: l.categoryId,
      station: l.station,
      qty: l.qty,
      voidedQty: voided.get(l.id) ?? 0,
      unitPrice: l.unitPrice,
      modifiersTotal: l.modifiers.reduce((s, m) => s + m.priceDelta, 0),
      gross: l.gross,
      discount: l.discount,
    })),
    subtotal: header.totals.subtotal,
    discount: header.totals.discount,
    serviceCharge: header.totals.serviceCharge,
    tax: header.totals.tax,
    total: header.totals.total,
    voidedAmount,
    netTotal: header.totals.total - voidedAmount,
    payments: events.flatMap((e) => (e.kind === 'payment' ? [{ id: e.id, method: e.method as 'cash', amount: e.amount, at: e.at }] : [])),
    refund:
      refundEvent?.kind === 'refund'
        ? { id: refundEvent.id, amount: refundEvent.amount, method: refundEvent.method as 'card', approvedBy: refundEvent.approvedBy, at: refundEvent.at }
        : null,
    void: null,
    ready: ready ?? {},
    flags: [],
  };
}

describe.each(testDatabaseTargets())('reports over projected orders on $name', (target) => {
  let store: KioskDatabase;
  let orders: FixtureOrder[];
  const range = { tenant: TENANT, outlet: OUTLET, from: DAY, to: DAY, timeZone: TZ };

  beforeAll(async () => {
    store = await target.open();
    const outlet = outletDoc();
    const day = new Y.Doc();
    const ready = ringUpDay(outlet, day, 320);
    await appendUpdates(store.db, [
      { docName: `${TENANT}/${OUTLET}`, update: Y.encodeStateAsUpdate(outlet), deviceId: 'seed', origin: 'test' },
      { docName: `${TENANT}/${OUTLET}/${DAY}`, update: Y.encodeStateAsUpdate(day), deviceId: 'till-a', origin: 'test' },
    ]);
    await rebuild({ store });
    orders = readOrders(day).map((r) => asFixture(r, ready.get(r.header.id)));
  });

  afterAll(async () => {
    await store?.close();
  });

  test('the day has discounts, taxes both ways, split payments, a void, a refund', () => {
    expect(orders).toHaveLength(320);
    expect(orders.some((o) => o.discount > 0)).toBe(true);
    const live = orders.filter((o) => !o.cancelled);
    // Inclusive tax: drinks-only orders pay their price; exclusive: food orders pay more than net.
    expect(live.some((o) => o.lines.every((l) => l.categoryId === 'drinks') && o.tax > 0 && o.total === o.subtotal - o.discount + o.serviceCharge)).toBe(true);
    expect(live.some((o) => o.lines.every((l) => l.categoryId === 'food') && o.total === o.subtotal - o.discount + o.serviceCharge + o.tax)).toBe(true);
    expect(live.some((o) => o.payments.length === 2)).toBe(true);
    expect(live.filter((o) => o.voidedAmount > 0)).toHaveLength(1);
    expect(live.filter((o) => o.refund)).toHaveLength(1);
    expect(orders.filter((o) => o.cancelled)).toHaveLength(1);
  });

  test('summary, items, categories, payments, hours, devices, staff and kitchen match the hand sums', async () => {
    expect(await salesSummary(store.db, range)).toEqual(expectedSummary(orders));
    expect(await salesByItem(store.db, range)).toEqual(expectedByItem(orders));
    expect(await salesByCategory(store.db, range)).toEqual(expectedByCategory(orders));
    expect(await salesByPaymentMethod(store.db, range)).toEqual(expectedByPayment(orders));
    expect(await salesByHour(store.db, range)).toEqual(expectedByHour(orders));
    expect(await salesByDevice(store.db, range)).toEqual(expectedByDevice(orders));
    expect(await salesByStaff(store.db, range)).toEqual(expectedByStaff(orders));
    expect(await kitchenTimes(store.db, range)).toEqual(expectedKitchen(orders));
  });
});
