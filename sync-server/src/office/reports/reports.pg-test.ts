/**
 * Report queries against a seeded day of 320 orders (discounts, taxes inclusive and
 * exclusive, service charge, split payments, a void, a refund, a cancellation), compared
 * with figures computed in TypeScript from the generated orders. Then the day is closed
 * (Z), a late order arrives, and the closed figures stay as they were while the next
 * report carries the adjustment.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { appendUpdates } from '@kiosk/store';
import {
  expectedByCategory,
  expectedByDevice,
  expectedByHour,
  expectedByItem,
  expectedByPayment,
  expectedByStaff,
  expectedKitchen,
  expectedSummary,
  generateDay,
  insertFixtureOrders,
  type FixtureOrder,
} from '../../testing/report-fixtures';
import {
  auditTrail,
  cashDrawer,
  closeDay,
  flaggedOrders,
  kitchenTimes,
  LATE_AFTER_CLOSE,
  REPORTS,
  salesByCategory,
  salesByDevice,
  salesByHour,
  salesByItem,
  salesByPaymentMethod,
  salesByStaff,
  salesSummary,
  summaryByDay,
  toCsv,
  xReport,
} from './index';

const TENANT = 'demo';
const OUTLET = 'main';
const DAY = '2026-11-20';
const NEXT = '2026-11-21';
const TZ = 'Asia/Jakarta';

describe.each(testDatabaseTargets())('reports on $name', (target) => {
  let store: KioskDatabase;
  let day: FixtureOrder[];
  let next: FixtureOrder[];
  const range = { tenant: TENANT, outlet: OUTLET, from: DAY, to: DAY, timeZone: TZ };

  beforeAll(async () => {
    store = await target.open();
    day = generateDay({ businessDay: DAY, count: 320, seed: 20261120 });
    next = generateDay({ businessDay: NEXT, count: 40, seed: 20261121 });
    await insertFixtureOrders(store.db, TENANT, OUTLET, [...day, ...next]);
    // Another tenant's orders on the same day and outlet id must never be counted.
    await insertFixtureOrders(store.db, 'other', OUTLET, generateDay({ businessDay: DAY, count: 30, seed: 7, idPrefix: 'other' }));
  });

  afterAll(async () => {
    await store?.close();
  });

  test('the fixture day has what the issue asks for', () => {
    expect(day.length).toBeGreaterThanOrEqual(300);
    expect(day.some((o) => o.discount > 0)).toBe(true);
    expect(day.some((o) => o.taxInclusive) && day.some((o) => !o.taxInclusive)).toBe(true);
    expect(day.some((o) => o.payments.length > 1)).toBe(true);
    expect(day.filter((o) => o.void).length).toBe(1);
    expect(day.filter((o) => o.refund).length).toBe(1);
    // Orders after local midnight still belong to the business day.
    expect(day.some((o) => (new Date(o.createdAt).getUTCHours() + 7) % 24 < 4)).toBe(true);
  });

  test('sales summary', async () => {
    const summary = await salesSummary(store.db, range);
    expect(summary).toEqual(expectedSummary(day));
    // Spot-check the derived figures by their definition.
    expect(summary.net).toBe(summary.total - summary.tax - summary.serviceCharge - summary.refunds);
    expect(summary.voids).toBeGreaterThan(0);
    expect(summary.refunds).toBe(15_000);
    expect(summary.cancelled).toBe(1);
    // Two days at once, and per day.
    const both = await salesSummary(store.db, { ...range, to: NEXT });
    expect(both).toEqual(expectedSummary([...day, ...next]));
    const perDay = await summaryByDay(store.db, { ...range, to: NEXT });
    expect(perDay).toEqual([
      { businessDay: DAY, ...expectedSummary(day) },
      { businessDay: NEXT, ...expectedSummary(next) },
    ]);
  });

  test('by item and by category', async () => {
    expect(await salesByItem(store.db, range)).toEqual(expectedByItem(day));
    expect(await salesByCategory(store.db, range)).toEqual(expectedByCategory(day));
  });

  test('by payment method (split tenders counted per tender, refunds per method)', async () => {
    const rows = await salesByPaymentMethod(store.db, range);
    expect(rows).toEqual(expectedByPayment(day));
    expect(rows.reduce((s, r) => s + r.amount, 0)).toBe(expectedSummary(day).payments);
  });

  test('by hour of day in the outlet time zone', async () => {
    const rows = await salesByHour(store.db, range);
    expect(rows).toEqual(expectedByHour(day));
    // Orders after local midnight sit at hours 0–2, not at 17–19 (UTC).
    expect(rows.some((r) => r.hour === 1)).toBe(true);
  });

  test('by device and by staff', async () => {
    expect(await salesByDevice(store.db, range)).toEqual(expectedByDevice(day));
    expect(await salesByStaff(store.db, range)).toEqual(expectedByStaff(day));
  });

  test('kitchen times per station: p50 and p90 from submission to ready', async () => {
    expect(await kitchenTimes(store.db, range)).toEqual(expectedKitchen(day));
  });

  test("flagged orders: the projector's trust findings, with the devices and staff by name (a staff id never seen is not shown)", async () => {
    const order = day[7];
    await sql`insert into tenants (tenant_id, name) values (${TENANT}, 'Demo') on conflict do nothing`.execute(store.db);
    await sql`insert into outlets (tenant_id, id, name, time_zone, currency) values (${TENANT}, ${OUTLET}, 'Main', ${TZ}, 'IDR') on conflict do nothing`.execute(
      store.db,
    );
    await sql`insert into devices (id, tenant_id, outlet_id, name, kind, code, created_by) values ('dev-evil', ${TENANT}, ${OUTLET}, 'Kasir Belakang', 'terminal', 'Z', 'test')`.execute(
      store.db,
    );
    const findings = [
      { flag: 'price_mismatch', field: 'lines.0.unitPrice', expected: 20000, claimed: 1 },
      { flag: 'device_mismatch', field: 'deviceId', claimed: order.deviceId, writer: 'dev-evil' },
      { flag: 'unknown_staff', field: 'staffId', claimed: 'ghost-manager' },
    ];
    try {
      await sql`update orders set trust_flags = ${JSON.stringify(findings)}::jsonb, flagged = true where tenant_id = ${TENANT} and id = ${order.id}`.execute(
        store.db,
      );
      const row = (await flaggedOrders(store.db, range)).find((f) => f.orderId === order.id);
      expect(row).toMatchObject({ reasons: [], staffName: null });
      expect(row!.trust).toEqual([
        { flag: 'price_mismatch', field: 'lines.0.unitPrice', expected: 20000, claimed: 1 },
        { flag: 'device_mismatch', field: 'deviceId', claimed: order.deviceId, writerName: 'Kasir Belakang' },
        { flag: 'unknown_staff', field: 'staffId' },
      ]);
    } finally {
      await sql`update orders set trust_flags = '[]'::jsonb, flagged = false where tenant_id = ${TENANT} and id = ${order.id}`.execute(store.db);
      await sql`delete from devices where id = 'dev-evil'`.execute(store.db);
    }
  });

  test('flagged orders', async () => {
    const flagged = await flaggedOrders(store.db, range);
    expect(flagged).toEqual([
      {
        orderId: day[5].id,
        businessDay: DAY,
        number: 6,
        provisionalRef: day[5].provisionalRef,
        reasons: ['payments exceed the total'],
        trust: [],
        deviceName: expect.any(String),
        staffName: null,
      },
    ]);
  });

  test('CSV of every report has a header and one line per row', async () => {
    for (const [name, report] of Object.entries(REPORTS)) {
      const rows = await report.query(store.db, range);
      const csv = toCsv(report.columns as never, rows as never[]);
      const lines = csv.split('\r\n').filter(Boolean);
      // Quoted fields here have no line breaks, so lines = rows + header.
      expect(lines.length, name).toBe(rows.length + 1);
    }
    const items = toCsv(REPORTS.items.columns, await REPORTS.items.query(store.db, range));
    expect(items).toContain('"Kopi Susu, ""Gula Aren"""');
  });

  test('audit trail lists the void and the refund with their approver', async () => {
    const entries = await auditTrail(store.db, { tenant: TENANT, outlet: OUTLET, from: DAY, to: DAY, limit: 50, timeZone: TZ, action: 'order' });
    const voids = entries.filter((e) => e.action === 'order.void');
    const refunds = entries.filter((e) => e.action === 'order.refund');
    expect(voids).toHaveLength(1);
    expect(voids[0].details).toMatchObject({ orderId: day[11].id, approvedBy: 'staff-budi', approvedByName: null, amount: day[11].voidedAmount });
    await store.db
      .insertInto('tenants')
      .values({ tenant_id: TENANT, name: 'Demo' })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await store.db
      .insertInto('outlets')
      .values({ tenant_id: TENANT, id: OUTLET, name: 'Main', time_zone: TZ, currency: 'IDR' })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await store.db
      .insertInto('staff')
      .values({ tenant_id: TENANT, outlet_id: OUTLET, id: 'staff-budi', name: 'Budi', role: 'manager', pin_hash: 'x' })
      .execute();
    const named = await auditTrail(store.db, { tenant: TENANT, outlet: OUTLET, from: DAY, to: DAY, limit: 50, timeZone: TZ, action: 'order.void' });
    expect(named[0].details).toMatchObject({ approvedBy: 'staff-budi', approvedByName: 'Budi' });
    expect(refunds).toHaveLength(1);
    expect(refunds[0].details).toMatchObject({ orderId: day[17].id, approvedBy: 'staff-budi', amount: 15_000, method: 'card' });
  });

  test('audit trail lists writes to the outlet document with their author', async () => {
    await appendUpdates(store.db, [{ docName: `${TENANT}/${OUTLET}`, update: new Uint8Array([0, 0]), deviceId: 'user:manager-1', origin: 'relay:test' }]);
    await appendUpdates(store.db, [{ docName: `${TENANT}/${OUTLET}/${DAY}`, update: new Uint8Array([0, 0]), deviceId: 'dev-a', origin: 'relay:test' }]);
    const entries = await auditTrail(store.db, { tenant: TENANT, outlet: OUTLET, limit: 50, timeZone: TZ, action: 'document' });
    expect(entries).toEqual([
      expect.objectContaining({
        action: 'document.update',
        actor: 'user:manager-1',
        source: 'document',
        details: expect.objectContaining({ doc: 'demo/main', bytes: 2 }),
      }),
    ]);
  });

  test('cash drawer: float, in/out, counted, over/short', async () => {
    const add = (kind: string, amount: number) =>
      store.db
        .insertInto('cash_drawer_events')
        .values({ tenant_id: TENANT, outlet_id: OUTLET, business_day: DAY, kind: kind as 'float', amount, actor: 'test' })
        .execute();
    await add('float', 500_000);
    await add('cash_in', 100_000);
    await add('cash_out', 40_000);
    const cashSales = day.filter((o) => !o.cancelled).reduce((s, o) => s + o.payments.filter((p) => p.method === 'cash').reduce((t, p) => t + p.amount, 0), 0);
    const expected = 500_000 + cashSales + 100_000 - 40_000;
    const before = await cashDrawer(store.db, { tenant: TENANT, outlet: OUTLET, day: DAY });
    expect(before).toMatchObject({ float: 500_000, cashIn: 100_000, cashOut: 40_000, cashSales, cashRefunds: 0, expected, counted: null, overShort: null });
    await add('count', expected - 2_500);
    const after = await cashDrawer(store.db, { tenant: TENANT, outlet: OUTLET, day: DAY });
    expect(after).toMatchObject({ counted: expected - 2_500, overShort: -2_500 });
  });

  test('Z report: closed figures never change; a late order is an adjustment on the next report and flagged', async () => {
    const closed = await store.db
      .transaction()
      .execute((trx) =>
        closeDay(trx, { tenant: TENANT, outlet: OUTLET, day: DAY, timeZone: TZ, closedBy: 'user:test', closedAt: new Date('2026-11-21T20:00:00Z') }),
      );
    expect(closed.figures.summary).toEqual(expectedSummary(day));
    expect(closed.figures.lateOrders).toEqual([]);
    expect(closed.figures.cashDrawer.overShort).toBe(-2_500);
    const frozen = await store.db.selectFrom('z_reports').select('figures').where('business_day', '=', DAY).executeTakeFirstOrThrow();
    await expect(
      store.db
        .transaction()
        .execute((trx) => closeDay(trx, { tenant: TENANT, outlet: OUTLET, day: DAY, timeZone: TZ, closedBy: 'user:again', closedAt: new Date() })),
    ).rejects.toThrow();

    // The database itself refuses to change or delete a closed report.
    await expect(store.db.updateTable('z_reports').set({ closed_by: 'someone else' }).where('business_day', '=', DAY).execute()).rejects.toThrow(
      /closed and cannot change/,
    );
    await expect(store.db.deleteFrom('z_reports').where('business_day', '=', DAY).execute()).rejects.toThrow(/closed and cannot change/);

    // An offline terminal delivers an order of the closed day.
    const [late] = generateDay({ businessDay: DAY, count: 1, seed: 99, idPrefix: `${DAY}-late` });
    late.number = 321;
    await insertFixtureOrders(store.db, TENANT, OUTLET, [late]);

    // The closed day's Z figures are as frozen…
    const again = await store.db.selectFrom('z_reports').select('figures').where('business_day', '=', DAY).executeTakeFirstOrThrow();
    expect(again.figures).toEqual(frozen.figures);
    const x = await xReport(store.db, { tenant: TENANT, outlet: OUTLET, day: DAY, timeZone: TZ });
    expect(x.closed).toBe(true);
    expect(x.zReport).toEqual(frozen.figures);
    // …the order is flagged as late…
    const flagged = await flaggedOrders(store.db, range);
    expect(flagged.find((f) => f.orderId === late.id)?.reasons).toEqual([LATE_AFTER_CLOSE]);
    // …the running X report of the next day shows it pending…
    const xNext = await xReport(store.db, { tenant: TENANT, outlet: OUTLET, day: NEXT, timeZone: TZ });
    expect(xNext.lateOrders.map((o) => o.orderId)).toEqual([late.id]);
    expect(xNext.pendingAdjustments).toEqual([{ businessDay: DAY, delta: { ...expectedSummary([late]), averageTicket: late.netTotal } }]);
    expect(xNext.summary).toEqual(expectedSummary(next));

    // …and the next Z report carries it as an adjustment, once.
    const closedNext = await store.db
      .transaction()
      .execute((trx) =>
        closeDay(trx, { tenant: TENANT, outlet: OUTLET, day: NEXT, timeZone: TZ, closedBy: 'user:test', closedAt: new Date('2026-11-22T20:00:00Z') }),
      );
    expect(closedNext.figures.summary).toEqual(expectedSummary(next));
    expect(closedNext.figures.lateOrders).toEqual([
      { orderId: late.id, businessDay: DAY, number: 321, provisionalRef: late.provisionalRef, total: late.netTotal },
    ]);
    expect(closedNext.figures.adjustments).toEqual([{ businessDay: DAY, delta: { ...expectedSummary([late]), averageTicket: late.netTotal } }]);
    const xAfter = await xReport(store.db, { tenant: TENANT, outlet: OUTLET, day: '2026-11-22', timeZone: TZ });
    expect(xAfter.pendingAdjustments).toEqual([]);
    expect(xAfter.lateOrders).toEqual([]);
    // Still flagged after it was adjusted for.
    expect((await flaggedOrders(store.db, range)).find((f) => f.orderId === late.id)?.reasons).toEqual([LATE_AFTER_CLOSE]);
    expect((await store.db.selectFrom('z_reports').select('figures').where('business_day', '=', DAY).executeTakeFirstOrThrow()).figures).toEqual(
      frozen.figures,
    );
  });

  test('another tenant is invisible to a tenant-scoped role even without a tenant filter', async () => {
    const counts = await store.db.transaction().execute(async (trx) => {
      await sql`set local role kiosk_app`.execute(trx);
      await sql`select set_config('app.tenant_id', ${'other'}, true)`.execute(trx);
      const rows = await sql<{ tenant_id: string; n: number }>`select tenant_id, count(*)::int as n from orders group by tenant_id`.execute(trx);
      return rows.rows;
    });
    expect(counts).toEqual([{ tenant_id: 'other', n: 30 }]);
  });
});
