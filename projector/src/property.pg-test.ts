/**
 * Property: for random histories (several terminals and kitchen displays editing replicas of
 * the day documents, syncing at random, some updates delivered twice, a day change), the rows
 * equal the pure projection of the final documents — whatever the batch boundaries, whatever
 * the restarts, and however the log arrives (appended in random chunks while projecting).
 *
 * Seeds are pinned (a failing seed is printed with its settings and becomes a regression case).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'kysely';
import * as Y from 'yjs';
import { addPayment, cancelOrder, readOrder, readOrders, recall, refund, setStationStatus, voidLine } from '@kiosk/shared';
import type { KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { appendUpdates, readSince, type NewUpdate } from '@kiosk/store';
import { PROJECTED_TABLES } from './maintenance/rebuild';
import type { Lease } from './numbering/lease';
import { verify } from './maintenance/verify';
import { projectOrder } from './project/project-order';
import { cursorNameFor, readCursor } from './projector';
import { DocCache } from './tail/doc-cache';
import { BatchProjector } from './tail/batch-projector';
import { seededRandom } from '@kiosk/shared/testing';
import { Workload } from './testing/workload';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

/** A random history as update-log rows, in the order the relay would append them. */
async function history(seed: number): Promise<{ rows: NewUpdate[]; outlet: Uint8Array }> {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const w = await Workload.create({ seed, terminals: 3 });
  const rows: NewUpdate[] = [w.outletUpdate()];
  // Each replica's updates not yet delivered to the others (per day).
  const pending: { from: number; day: string; update: Uint8Array }[] = [];
  const known: { id: string; day: string; docName: string }[] = [];
  let now = Date.parse('2026-11-21T18:00:00Z'); // 01:00 in Jakarta: the business day (from 04:00) changes mid-history.
  const steps = 25 + Math.floor(random() * 25);
  for (let s = 0; s < steps; s++) {
    now += Math.floor(random() * 20 * 60_000);
    const t = Math.floor(random() * 3);
    const r = random();
    if (r < 0.35 || known.length === 0) {
      const o = w.order(t, now, { pay: random() < 0.5 });
      known.push({ id: o.orderId, day: o.day, docName: o.docName });
      rows.push(o);
      pending.push({ from: t, day: o.day, update: o.update });
      continue;
    }
    if (r < 0.5) {
      // Sync: replica t receives everything pending from the others.
      for (const p of pending) if (p.from !== t) w.receive(t, p.day, p.update);
      continue;
    }
    const target = pick(known);
    const doc = w.dayReplica(t, target.day);
    const record = readOrder(doc, target.id);
    if (!record) continue; // this replica has not seen the order yet
    const parts: Uint8Array[] = [];
    const collect = (u: Uint8Array) => parts.push(u);
    doc.on('update', collect);
    const opts = { now };
    const line = pick(record.header.lines);
    const deviceId = w.deviceIds[t];
    try {
      const kind = pick(['pay', 'bump', 'bump', 'recall', 'void', 'refund', 'cancel'] as const);
      switch (kind) {
        case 'pay':
          addPayment(
            doc,
            target.id,
            { method: pick(['cash', 'card', 'qris'] as const), amount: Math.floor(record.header.totals.total * (0.3 + random())), deviceId },
            opts,
          );
          break;
        case 'bump':
          setStationStatus(
            doc,
            target.id,
            { station: line.station, status: pick(['preparing', 'ready', 'served'] as const), lineId: random() < 0.3 ? line.id : undefined, deviceId: 'K1' },
            opts,
          );
          break;
        case 'recall':
          recall(doc, target.id, { station: line.station, status: 'preparing', deviceId: 'K1' }, opts);
          break;
        case 'void':
          voidLine(doc, target.id, { lineId: line.id, qty: 1, reason: 'customer changed mind', approvedBy: 'M1', deviceId }, opts);
          break;
        case 'refund':
          refund(doc, target.id, { amount: Math.floor(record.header.totals.total / 4), method: 'cash', reason: 'cold', approvedBy: 'M1', deviceId }, opts);
          break;
        case 'cancel':
          cancelOrder(doc, target.id, { reason: 'walked out', approvedBy: 'M1', deviceId }, opts);
          break;
      }
    } catch {
      // The domain refused the event (e.g. voiding more than ordered): nothing was written.
    } finally {
      doc.off('update', collect);
    }
    if (parts.length === 0) continue;
    const update = Y.mergeUpdates(parts);
    rows.push({ docName: target.docName, update, deviceId, origin: 'test' });
    pending.push({ from: t, day: target.day, update });
    // Sometimes the same update arrives twice (LAN box and direct connection).
    if (random() < 0.15) rows.push({ docName: target.docName, update, deviceId, origin: 'test-dup' });
  }
  return { rows, outlet: rows[0].update };
}

describe.each(testDatabaseTargets())('projection property on $name', (target) => {
  let store: KioskDatabase;
  beforeAll(async () => {
    store = await target.open();
  });
  afterAll(async () => {
    await store.close();
  });

  test.each(SEEDS)('seed %i: rows = projection of the final documents, whatever batches and restarts', async (seed) => {
    await sql.raw(`truncate ${PROJECTED_TABLES.join(', ')}, projector_leases, update_log`).execute(store.db);
    const random = seededRandom(seed * 7919);
    const { rows } = await history(seed);
    const cursorName = cursorNameFor('authority');
    let engine: BatchProjector | null = null;
    let cache: DocCache | null = null;
    let cursor = 0;
    let appended = 0;
    const settings = { restarts: 0, failures: 0, batches: [] as number[] };
    try {
      for (let guard = 0; guard < 10_000; guard++) {
        // The log grows in random chunks while the projector runs.
        if (appended < rows.length && random() < 0.6) {
          const n = 1 + Math.floor(random() * 8);
          await appendUpdates(store.db, rows.slice(appended, appended + n));
          appended = Math.min(rows.length, appended + n);
        }
        if (!engine || random() < 0.1) {
          // Restart: fresh memory, cursor from the database.
          cache?.evictAll();
          cache = new DocCache({ store });
          // Some transactions fail (as a lost connection would): memory must not run ahead of the log.
          const failing = {
            renewIn: async () => {
              if (random() < 0.08) {
                settings.failures++;
                throw new Error('injected failure');
              }
            },
          } as unknown as Lease;
          engine = new BatchProjector({ store, cache, cursorName, assignNumbers: true, lease: failing, maxOrdersPerTransaction: 1 + Math.floor(random() * 4) });
          cursor = await readCursor(store, cursorName);
          settings.restarts++;
        }
        const batchSize = 1 + Math.floor(random() * 6);
        settings.batches.push(batchSize);
        const batch = await readSince(store, cursor, batchSize);
        if (batch.length === 0) {
          if (appended >= rows.length) break;
          continue;
        }
        try {
          await engine.processBatch(batch, { afterId: cursor, lastId: batch[batch.length - 1].id, inScope: () => true });
          cursor = batch[batch.length - 1].id;
        } catch (error) {
          if (!(error instanceof Error && error.message === 'injected failure')) throw error;
        }
      }
      cache?.evictAll();

      // The final documents, folded purely, against the rows.
      const finals = new Map<string, Y.Doc>();
      for (const row of await store.db.selectFrom('update_log').select(['doc_name', 'update', 'business_day']).orderBy('id').execute()) {
        if (row.business_day === null) continue;
        let doc = finals.get(row.doc_name);
        if (!doc) finals.set(row.doc_name, (doc = new Y.Doc()));
        Y.applyUpdate(doc, row.update);
      }
      let expectedOrders = 0;
      for (const [docName, doc] of finals) {
        const [tenant, outlet, day] = docName.split('/');
        const records = readOrders(doc);
        expectedOrders += records.length;
        const dbRows = await store.db
          .selectFrom('orders')
          .select(['id', 'total', 'paid', 'status', 'kitchen_status', 'number'])
          .where('doc_name', '=', docName)
          .orderBy('id')
          .execute();
        const pure = records
          .map((r) => projectOrder(r, { tenant, outlet, day, docName }).order)
          .map((o) => ({ id: o.id, total: o.total, paid: o.paid, status: o.status, kitchen_status: o.kitchen_status, number: o.number }))
          .sort((a, b) => (a.id < b.id ? -1 : 1));
        expect(dbRows).toEqual(pure);
        // Every order numbered: the numbers of the day are exactly 1..N.
        expect(dbRows.map((r) => r.number).sort((a, b) => a! - b!)).toEqual(records.map((_, i) => i + 1));
      }
      expect(await store.db.selectFrom('orders').select('id').execute()).toHaveLength(expectedOrders);
      expect(await verify({ store })).toEqual([]);
    } catch (error) {
      console.error(
        `property failed for seed ${seed}: ${rows.length} log rows, ${settings.restarts} restarts, ${settings.failures} failed transactions, batch sizes ${settings.batches.join(',')}`,
      );
      throw error;
    }
  });
});
