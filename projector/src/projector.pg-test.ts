import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { sql } from 'kysely';
import * as Y from 'yjs';
import { eventually } from '@kiosk/shared/testing';
import { ORDER, DAY, readOrder, setStationStatus } from '@kiosk/shared';
import type { KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { appendUpdates } from '@kiosk/store';
import { rebuild, PROJECTED_TABLES } from './maintenance/rebuild';
import { verify } from './maintenance/verify';
import { startProjector, type Projector } from './projector';
import { Workload } from './testing/workload';

const quiet = { info() {}, warn() {}, error() {} };
/** 2026-11-22 10:00 in Jakarta (UTC+7), well inside the business day. */
const T0 = Date.parse('2026-11-22T03:00:00Z');

async function loadDoc(store: KioskDatabase, docName: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  const rows = await store.db.selectFrom('update_log').select('update').where('doc_name', '=', docName).orderBy('id').execute();
  for (const r of rows) Y.applyUpdate(doc, r.update);
  return doc;
}

describe.each(testDatabaseTargets())('projector on $name', (target) => {
  let store: KioskDatabase;
  let projectors: Projector[] = [];
  const start = async (options: Partial<Parameters<typeof startProjector>[0]> = {}) => {
    const p = await startProjector({ store, logger: quiet, pollMs: 500, ...options });
    projectors.push(p);
    return p;
  };

  beforeAll(async () => {
    store = await target.open();
  });
  afterAll(async () => {
    await store.close();
  });
  beforeEach(async () => {
    await sql.raw(`truncate ${PROJECTED_TABLES.join(', ')}, projector_leases, update_log`).execute(store.db);
  });
  afterEach(async () => {
    await Promise.all(projectors.map((p) => p.close()));
    projectors = [];
  });

  test('orders from 5 terminals: one row each, numbers 1..N written back into the document, verify finds nothing', async () => {
    const w = await Workload.create({ seed: 1 });
    await appendUpdates(store.db, [w.outletUpdate()]);
    const orders = Array.from({ length: 40 }, (_, i) => w.order(i % 5, T0 + i * 1000));
    await appendUpdates(store.db, orders);
    const projector = await start();
    await projector.waitForIdle();
    const rows = await store.db.selectFrom('orders').select(['id', 'number', 'business_day', 'flagged']).orderBy('number').execute();
    expect(rows).toHaveLength(40);
    expect(rows.map((r) => r.number)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // Numbering order: createdAt, so the i-th order made gets number i + 1.
    expect(rows.map((r) => r.id)).toEqual(orders.map((o) => o.orderId));
    expect(rows.every((r) => r.business_day === '2026-11-22' && !r.flagged)).toBe(true);
    expect(await store.db.selectFrom('order_lines').select('line_id').execute()).toHaveLength(120);
    expect(await store.db.selectFrom('payments').select('id').execute()).toHaveLength(40);
    const doc = await loadDoc(store, orders[0].docName);
    expect(readOrder(doc, orders[7].orderId)?.number).toBe(8);
    const own = await store.db.selectFrom('update_log').select(['device_id', 'origin']).where('device_id', '=', 'projector').execute();
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((r) => r.origin === 'projector')).toBe(true);
    expect(await verify({ store })).toEqual([]);
    // Its own write-back, read back from the log, re-projects nothing.
    await projector.waitForIdle();
    expect(projector.stats().orders).toBe(40);
  });

  test('an order placed on an idle system has its number within 200 ms', async () => {
    const w = await Workload.create({ seed: 2 });
    await appendUpdates(store.db, [w.outletUpdate()]);
    const projector = await start({ pollMs: 5_000 });
    await projector.waitForIdle();
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const o = w.order(0, T0 + i * 1000);
      const t = performance.now();
      await appendUpdates(store.db, [o]);
      await eventually(
        async () => {
          const row = await store.db.selectFrom('orders').select('number').where('id', '=', o.orderId).executeTakeFirst();
          expect(row?.number).toBe(i + 1);
        },
        { intervalMs: 2, timeoutMs: 5_000 },
      );
      latencies.push(performance.now() - t);
    }
    // Median, not max: the CI box is shared, and one scheduling hiccup is not the projector's
    // latency. Every order still gets its number well within a second.
    const sorted = [...latencies].sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)], `latencies ${latencies.map((l) => l.toFixed(1)).join(', ')} ms`).toBeLessThan(200);
    expect(sorted.at(-1)).toBeLessThan(1_000);
  });

  test('an offline terminal reconnecting after the day changed: its order lands in the day it was made', async () => {
    const w = await Workload.create({ seed: 3 });
    await appendUpdates(store.db, [w.outletUpdate()]);
    const projector = await start();
    // Terminal 2 is offline on the evening of the 21st (Jakarta) and takes an order.
    const offline = w.order(1, Date.parse('2026-11-21T16:30:00Z'));
    expect(offline.day).toBe('2026-11-21');
    // The others sell on the 22nd, then terminal 2 reconnects.
    const today = [w.order(0, T0), w.order(2, T0 + 1000)];
    await appendUpdates(store.db, today);
    await projector.waitForIdle();
    await appendUpdates(store.db, [offline]);
    await projector.waitForIdle();
    const rows = await store.db.selectFrom('orders').select(['id', 'business_day', 'number']).orderBy('business_day').orderBy('number').execute();
    expect(rows).toEqual([
      { id: offline.orderId, business_day: '2026-11-21', number: 1 },
      { id: today[0].orderId, business_day: '2026-11-22', number: 1 },
      { id: today[1].orderId, business_day: '2026-11-22', number: 2 },
    ]);
    expect(await verify({ store })).toEqual([]);
  });

  test('suspicious orders are stored with their reasons, never dropped; a bad update is recorded and skipped', async () => {
    const w = await Workload.create({ seed: 4 });
    await appendUpdates(store.db, [w.outletUpdate()]);
    const good = w.order(0, T0);
    // Overpaid: a second payment of the full amount.
    const overpaid = w.order(1, T0 + 1000);
    // Tampered: the header's total does not add up and names an unknown item.
    const forger = new Y.Doc();
    Y.applyUpdate(forger, good.update);
    const header = { ...readOrder(forger, good.orderId)!.header };
    const badId = '0190f000-0000-7000-8000-00000000bad1';
    const tampered = {
      ...header,
      id: badId,
      provisionalRef: 'A-999',
      deviceSeq: 999,
      lines: header.lines.map((l, i) => (i === 0 ? { ...l, itemId: 'ghost-item' } : l)),
      totals: { ...header.totals, total: header.totals.total + 12345 },
    };
    const before = Y.encodeStateVector(forger);
    const entry = new Y.Map<unknown>();
    forger.getMap(DAY.orders).set(badId, entry);
    entry.set(ORDER.header, tampered);
    entry.set(ORDER.events, new Y.Array());
    const tamperedUpdate = Y.encodeStateAsUpdate(forger, before);
    await appendUpdates(store.db, [
      good,
      overpaid,
      { docName: good.docName, update: new Uint8Array([1, 2, 3, 4, 5]), deviceId: 'T9', origin: 'test' },
      { docName: good.docName, update: tamperedUpdate, deviceId: 'T1', origin: 'test' },
    ]);
    // Pay the overpaid order twice over.
    const payer = new Y.Doc();
    Y.applyUpdate(payer, overpaid.update);
    const payBefore = Y.encodeStateVector(payer);
    const { addPayment } = await import('@kiosk/shared');
    addPayment(
      payer,
      overpaid.orderId,
      { method: 'card', amount: readOrder(payer, overpaid.orderId)!.header.totals.total, deviceId: 'T2' },
      { now: T0 + 5000 },
    );
    await appendUpdates(store.db, [{ docName: good.docName, update: Y.encodeStateAsUpdate(payer, payBefore), deviceId: 'T2', origin: 'test' }]);

    const projector = await start();
    await projector.waitForIdle();
    const rows = await store.db.selectFrom('orders').select(['id', 'flagged', 'flags', 'number']).orderBy('number').execute();
    expect(rows).toHaveLength(3);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(good.orderId)?.flagged).toBe(false);
    expect(byId.get(overpaid.orderId)?.flagged).toBe(true);
    expect(byId.get(badId)?.flagged).toBe(true);
    expect(byId.get(badId)?.flags.join(' ')).toMatch(/ghost-item|unknown/i);
    expect(byId.get(badId)?.flags.length).toBeGreaterThanOrEqual(2);
    const errors = await store.db.selectFrom('projector_errors').select(['update_id', 'doc_name']).execute();
    expect(errors).toHaveLength(1);
    expect(errors[0].update_id).toBeGreaterThan(0);
    expect(await verify({ store })).toEqual([]);
  });

  test('kitchen events and later changes update the rows; rebuild reproduces rows and numbers', async () => {
    const w = await Workload.create({ seed: 5 });
    await appendUpdates(store.db, [w.outletUpdate()]);
    const orders = Array.from({ length: 12 }, (_, i) => w.order(i % 3, T0 + i * 1000));
    await appendUpdates(store.db, orders);
    const projector = await start();
    await projector.waitForIdle();
    const kitchen = await loadDoc(store, orders[0].docName);
    const before = Y.encodeStateVector(kitchen);
    const record = readOrder(kitchen, orders[3].orderId)!;
    setStationStatus(kitchen, orders[3].orderId, { station: record.header.lines[0].station, status: 'ready', deviceId: 'K1' }, { now: T0 + 60_000 });
    await appendUpdates(store.db, [{ docName: orders[0].docName, update: Y.encodeStateAsUpdate(kitchen, before), deviceId: 'K1', origin: 'test' }]);
    await projector.waitForIdle();
    expect(await store.db.selectFrom('kitchen_events').select(['order_id', 'status']).execute()).toEqual([{ order_id: orders[3].orderId, status: 'ready' }]);
    await projector.close();

    const snapshot = async () => ({
      orders: await store.db.selectFrom('orders').select(['id', 'number', 'total', 'status', 'kitchen_status', 'updated_at']).orderBy('id').execute(),
      lines: await store.db.selectFrom('order_lines').select(['order_id', 'line_id', 'status', 'net']).orderBy('order_id').orderBy('line_id').execute(),
    });
    const first = await snapshot();
    const progress: number[] = [];
    const result = await rebuild({ store, onProgress: (p) => progress.push(p.done) });
    expect(result.numbersAssigned).toBe(0);
    expect(progress.at(-1)).toBeGreaterThan(0);
    expect(await snapshot()).toEqual(first);
    expect(await verify({ store })).toEqual([]);
  });

  test('lease: a second authority waits while the first holds the outlet, then takes over', async () => {
    const w = await Workload.create({ seed: 6 });
    await appendUpdates(store.db, [w.outletUpdate()]);
    const a = await start({ instanceId: 'a' });
    await a.waitForIdle();
    const b = await start({ instanceId: 'b' });
    await appendUpdates(store.db, [w.order(0, T0), w.order(1, T0 + 1000)]);
    await a.waitForIdle();
    expect(a.stats().leaseHeld).toBe(true);
    expect(b.stats().leaseHeld).toBe(false);
    expect(b.stats().orders).toBe(0);
    await a.close();
    await appendUpdates(store.db, [w.order(2, T0 + 2000)]);
    await eventually(() => expect(b.stats().leaseHeld).toBe(true));
    await b.waitForIdle();
    const numbers = await store.db.selectFrom('orders').select('number').orderBy('number').execute();
    expect(numbers.map((r) => r.number)).toEqual([1, 2, 3]);
  });

  test('mirror mode writes rows but never numbers; numbers arrive from the authority through the log', async () => {
    const w = await Workload.create({ seed: 7 });
    await appendUpdates(store.db, [w.outletUpdate()]);
    const o = w.order(0, T0);
    await appendUpdates(store.db, [o]);
    const mirror = await start({ mode: 'mirror' });
    await mirror.waitForIdle();
    expect(await store.db.selectFrom('orders').select(['id', 'number']).execute()).toEqual([{ id: o.orderId, number: null }]);
    expect(await store.db.selectFrom('order_numbers').selectAll().execute()).toEqual([]);
    // The LAN box's authority numbers it; its write-back reaches this log through the upstream link.
    const box = await loadDoc(store, o.docName);
    const before = Y.encodeStateVector(box);
    const { setOrderNumber } = await import('@kiosk/shared');
    setOrderNumber(box, o.orderId, 1);
    await appendUpdates(store.db, [{ docName: o.docName, update: Y.encodeStateAsUpdate(box, before), deviceId: 'projector', origin: 'upstream' }]);
    await mirror.waitForIdle();
    expect(await store.db.selectFrom('orders').select(['id', 'number']).execute()).toEqual([{ id: o.orderId, number: 1 }]);
  });

  test('an order whose rows cannot be written is recorded in projector_errors; the others go on', async () => {
    const w = await Workload.create({ seed: 8 });
    await appendUpdates(store.db, [w.outletUpdate()]);
    const orders = [w.order(0, T0), w.order(1, T0 + 1000), w.order(2, T0 + 2000)];
    const poison = orders[1].orderId;
    // Stands in for any write the database refuses for one order (a constraint, a bad value).
    await sql
      .raw(
        `create or replace function refuse_poison() returns trigger language plpgsql as $$
      begin if new.id = '${poison}' then raise exception 'refusing order %', new.id; end if; return new; end $$`,
      )
      .execute(store.db);
    await sql`create trigger refuse_poison before insert on orders for each row execute function refuse_poison()`.execute(store.db);
    try {
      await appendUpdates(store.db, orders);
      const projector = await start();
      await projector.waitForIdle({ timeoutMs: 30_000 });
      const rows = await store.db.selectFrom('orders').select(['id', 'number']).orderBy('number').execute();
      expect(rows).toEqual([
        { id: orders[0].orderId, number: 1 },
        { id: orders[2].orderId, number: 2 },
      ]);
      const errors = await store.db.selectFrom('projector_errors').select(['order_id', 'error']).execute();
      expect(errors).toHaveLength(1);
      expect(errors[0].order_id).toBe(poison);
      expect(errors[0].error).toMatch(/refusing order/);
      // Nothing else moves on: later orders still project.
      const later = w.order(3, T0 + 3000);
      await appendUpdates(store.db, [later]);
      await projector.waitForIdle();
      expect((await store.db.selectFrom('orders').select('number').where('id', '=', later.orderId).executeTakeFirst())?.number).toBe(3);
    } finally {
      await sql`drop trigger refuse_poison on orders`.execute(store.db);
    }
  });
});
