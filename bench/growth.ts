/**
 * growth: what a year of trading does to the documents a device loads.
 *
 * - The outlet document after 365 business days of a manager's daily menu edits (each day: two
 *   items 86'd and brought back, one price changed, one setting touched): size and load time.
 * - A day document with 500 orders (3 lines, paid, numbered, every station bumped): size, load
 *   time and load + fold of every order. Day documents are separate per business day (DESIGN.md
 *   "Documents"), so day 365's document holds day 365's orders only; its size does not depend on
 *   how many days came before, which is the point of the design.
 * - The peer: one document that keeps every order, after 30 days at 500 orders a day (15,000
 *   orders): size and load time.
 *
 * Load time = `Y.applyUpdate` of the stored state into a fresh document (what y-indexeddb and
 * a sync step 2 do), median of several loads.
 */
import * as Y from 'yjs';
import { foldOrder, readOrders, readOutlet, setItemAvailable, setOrderNumber, setStationStatus, putItem, writeSettings, type Item } from '@kiosk/shared';
import { Workload } from '@kiosk/projector/testing';
import { kb, percentile, record, round, say } from './lib';

const DAYS = 365;
const ORDERS_PER_DAY = 500;
const PEER_DAYS = Number(process.env.KIOSK_BENCH_GROWTH_PEER_DAYS ?? 30);
/** 2026-01-01 10:00 in Jakarta. */
const T0 = Date.parse('2026-01-01T03:00:00Z');
const DAY_MS = 86_400_000;

function loadMs(state: Uint8Array, then?: (doc: Y.Doc) => void, runs = 9): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state);
    then?.(doc);
    times.push(performance.now() - t);
    doc.destroy();
  }
  return percentile(times, 0.5);
}

/** A business day of `orders` orders from 5 terminals, numbered and bumped like a real day. */
function tradingDay(workload: Workload, day: number, orders: number): Y.Doc {
  const doc = new Y.Doc();
  for (let i = 0; i < orders; i++) {
    const order = workload.order(i % 5, T0 + day * DAY_MS + i * 60_000);
    Y.applyUpdate(doc, order.update);
  }
  // The projector's numbers and the kitchen's bumps are part of every real day document.
  const kitchen = new Y.Doc();
  Y.applyUpdate(kitchen, Y.encodeStateAsUpdate(doc));
  readOrders(kitchen).forEach((record, i) => {
    setOrderNumber(kitchen, record.header.id, i + 1);
    for (const station of new Set(record.header.lines.map((l) => l.station))) {
      setStationStatus(kitchen, record.header.id, { station, status: 'ready', deviceId: 'K1' }, { now: record.header.createdAt + 300_000 });
    }
  });
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(kitchen, Y.encodeStateVector(doc)));
  return doc;
}

export async function growth(): Promise<void> {
  // The outlet document through a year of menu edits.
  const workload = await Workload.create({ terminals: 5, seed: 7, rotateEvery: 100 });
  const outlet = workload.outletDoc;
  const initialSize = Y.encodeStateAsUpdate(outlet).byteLength;
  const items = readOutlet(outlet).items;
  for (let d = 0; d < DAYS; d++) {
    const a = items[d % items.length];
    const b = items[(d * 7 + 3) % items.length];
    setItemAvailable(outlet, a.id, false);
    setItemAvailable(outlet, b.id, false);
    setItemAvailable(outlet, a.id, true);
    setItemAvailable(outlet, b.id, true);
    const c = items[(d * 3 + 1) % items.length];
    putItem(outlet, { ...(outlet.getMap('items').get(c.id) as Item), price: c.price + (d % 2 === 0 ? 1_000 : 0) });
    writeSettings(outlet, { kitchenWarnSeconds: d % 2 === 0 ? 240 : 300 });
  }
  const outletState = Y.encodeStateAsUpdate(outlet);
  const outletLoad = loadMs(outletState, (doc) => readOutlet(doc));
  record({
    bench: 'growth',
    metric: `outlet document after ${DAYS} days of menu edits: size`,
    value: kb(outletState.byteLength),
    unit: 'KB',
    target: '≤ 300 KB',
    note: `${kb(initialSize)} KB when seeded`,
  });
  record({ bench: 'growth', metric: `outlet document after ${DAYS} days: load + read`, value: round(outletLoad, 2), unit: 'ms' });

  // One day document of 500 orders.
  say(`growth: a day of ${ORDERS_PER_DAY} orders`);
  const day = tradingDay(workload, DAYS - 1, ORDERS_PER_DAY);
  const dayState = Y.encodeStateAsUpdate(day);
  const dayLoad = loadMs(dayState);
  const dayLoadFold = loadMs(dayState, (doc) => readOrders(doc).map(foldOrder));

  // The peer: one document keeping every order, PEER_DAYS days of them.
  say(`growth: one document keeping every order for ${PEER_DAYS} days (${PEER_DAYS * ORDERS_PER_DAY} orders)`);
  const everything = new Y.Doc();
  for (let d = 0; d < PEER_DAYS; d++) {
    const oneDay = d === PEER_DAYS - 1 ? day : tradingDay(workload, d, ORDERS_PER_DAY);
    Y.applyUpdate(everything, Y.encodeStateAsUpdate(oneDay));
  }
  const everythingState = Y.encodeStateAsUpdate(everything);
  const everythingLoad = loadMs(everythingState, undefined, 3);
  const peerName = `one document with every order, ${PEER_DAYS} days`;
  record({
    bench: 'growth',
    metric: `day document (${ORDERS_PER_DAY} orders), day ${DAYS}: size`,
    value: kb(dayState.byteLength),
    unit: 'KB',
    peer: kb(everythingState.byteLength),
    peerName,
  });
  record({
    bench: 'growth',
    metric: `day document (${ORDERS_PER_DAY} orders), day ${DAYS}: load`,
    value: round(dayLoad, 2),
    unit: 'ms',
    peer: round(everythingLoad, 1),
    peerName,
    target: '≤ 50 ms',
  });
  record({ bench: 'growth', metric: `day document (${ORDERS_PER_DAY} orders): load + fold every order`, value: round(dayLoadFold, 2), unit: 'ms' });
}
