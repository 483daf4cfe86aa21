/**
 * A terminal's cold start, in a process of its own (run by `bench/cold-start.ts`).
 *
 * fake-indexeddb stands in for the browser's IndexedDB: it lives in this process's memory, so
 * the day is written first (as a terminal writes it: one IndexedDB record per update) and the
 * clock for the load starts after that. What is timed is the process start → modules a
 * terminal needs (Node's performance.now() counts from process start), and y-indexeddb's load
 * of the document (read every record, apply, compact) plus folding every order for the screen.
 * Prints one JSON line.
 */
import 'fake-indexeddb/auto';
import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { foldOrder, readOrders, setOrderNumber } from '@kiosk/shared';

// Static imports are evaluated before this line: the clock has run since process start.
const modulesReady = performance.now();

const ORDERS = Number(process.env.KIOSK_BENCH_COLD_START_ORDERS ?? 500);
const { Workload } = await import('@kiosk/projector/testing');
const workload = await Workload.create({ terminals: 1, seed: 5, rotateEvery: 100 });
const T0 = Date.parse('2026-11-22T03:00:00Z');
const day = workload.businessDay(T0);
const storeName = `kiosk:demo/main/${day}`;

// Yesterday's work: each order, then its number from the projector, as separate updates.
const writer = new Y.Doc();
const writing = new IndexeddbPersistence(storeName, writer);
await writing.whenSynced;
const ids: string[] = [];
for (let i = 0; i < ORDERS; i++) {
  const order = workload.order(0, T0 + i * 60_000);
  Y.applyUpdate(writer, order.update);
  ids.push(order.orderId);
}
ids.forEach((id, i) => setOrderNumber(writer, id, i + 1));
await writing.destroy(); // closes the database once its writes are done

async function load(): Promise<{ ms: number; loadMs: number }> {
  const t = performance.now();
  const doc = new Y.Doc();
  const persistence = new IndexeddbPersistence(storeName, doc);
  await persistence.whenSynced;
  const loadMs = performance.now() - t;
  const folded = readOrders(doc).map(foldOrder);
  const ms = performance.now() - t;
  if (folded.length !== ORDERS || folded.some((o) => o.number === null)) throw new Error(`cold start loaded ${folded.length} of ${ORDERS} orders`);
  await persistence.destroy();
  doc.destroy();
  return { ms, loadMs };
}
const first = await load(); // 1,000 records: y-indexeddb merges them into one on this load
const second = await load(); // the next start reads the compacted record
process.stdout.write(`${JSON.stringify({ orders: ORDERS, processToModulesMs: modulesReady, first, second })}\n`);
