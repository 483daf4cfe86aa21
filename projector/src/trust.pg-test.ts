/**
 * The projector verifies, never trusts (issue 13): writes a device should never have been able
 * to make — as if the relay's write rules had been bypassed — go straight into the update log
 * with the client-id claims the relay records, and the projector must ignore or flag them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { sql } from 'kysely';
import * as Y from 'yjs';
import { ORDER, OUTLET, ordersMap, readOrder, type OrderHeader } from '@kiosk/shared';
import { appendUpdates, readDocument, writeBatch, type KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { verify } from './maintenance/verify';
import { PROJECTED_TABLES } from './maintenance/rebuild';
import { startProjector } from './projector';
import { Workload } from './testing/workload';

const quiet = { info() {}, warn() {}, error() {} };
const T0 = Date.parse('2026-11-22T03:00:00Z');
let nextClient = 7_000_000;

/** The document as the log holds it (the store's one loader). */
const loadDoc = async (store: KioskDatabase, docName: string): Promise<Y.Doc> => (await readDocument(store, docName, { onBadRow: 'throw' })).doc;

/** An edit by `deviceId` through its own Yjs client, logged with the claim the relay would record. */
async function tamper(store: KioskDatabase, docName: string, deviceId: string, edit: (doc: Y.Doc) => void): Promise<void> {
  const doc = await loadDoc(store, docName);
  doc.clientID = nextClient++;
  const sv = Y.encodeStateVector(doc);
  edit(doc);
  await writeBatch(store, [{ docName, update: Y.encodeStateAsUpdate(doc, sv), deviceId, origin: 'test' }], [{ docName, clientId: doc.clientID, deviceId }]);
}

/** Terminal orders, logged with their terminals' client-id claims (as the relay writes them). */
async function honest(store: KioskDatabase, w: Workload, count: number, start: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const t = i % 3;
    const g = w.order(t, start + i * 1000);
    ids.push(g.orderId);
    await writeBatch(store, [g], [{ docName: g.docName, clientId: w.dayReplica(t, g.day).clientID, deviceId: w.deviceIds[t] }]);
  }
  return ids;
}

/** A header like a terminal's for a new order, changed by `change`, written by `writer` (default: the device it names). */
async function forged(store: KioskDatabase, w: Workload, change: (h: OrderHeader) => OrderHeader, writer?: string): Promise<string> {
  // Priced by a terminal (never sent), then changed.
  const g = w.order(0, T0 + 500_000, { pay: false });
  const header = change({ ...readOrder(w.dayReplica(0, g.day), g.orderId)!.header });
  await tamper(store, g.docName, writer ?? header.deviceId, (doc) => {
    const order = new Y.Map<unknown>();
    ordersMap(doc).set(header.id, order);
    order.set(ORDER.header, header);
    order.set(ORDER.events, new Y.Array());
  });
  return header.id;
}

describe.each(testDatabaseTargets())('projector trust checks on $name', (target) => {
  let store: KioskDatabase;
  let w: Workload;
  let day: string;
  beforeAll(async () => {
    store = await target.open();
  });
  afterAll(async () => {
    await store.close();
  });
  beforeEach(async () => {
    await sql.raw(`truncate ${PROJECTED_TABLES.join(', ')}, projector_leases, update_log, device_client_ids`).execute(store.db);
    w = await Workload.create({ seed: 31 });
    await appendUpdates(store.db, [w.outletUpdate()]);
    day = `${w.tenant}/${w.outlet}/${w.businessDay(T0)}`;
  });

  async function project(trustedWriters?: string[]) {
    const projector = await startProjector({ store, logger: quiet, pollMs: 100, trustedWriters });
    await projector.waitForIdle({ timeoutMs: 30_000 });
    await projector.close();
  }
  const rows = () => store.db.selectFrom('orders').select(['id', 'number', 'trust_flags', 'flagged']).orderBy('created_at').orderBy('id').execute();
  const numberInDoc = async (id: string) => (await loadDoc(store, day)).getMap('orders').get(id) as Y.Map<unknown>;

  test('numbers written by devices are ignored: preset #1000, an overwritten #2, −5; SQL stays 1..N and the documents are corrected', async () => {
    const ids = await honest(store, w, 3, T0);
    await project();
    expect((await rows()).map((r) => r.number)).toEqual([1, 2, 3]);

    // #2 overwritten with 1 (a duplicate), a new order arriving with #1000, another with −5.
    await tamper(store, day, w.deviceIds[1], (doc) => (ordersMap(doc).get(ids[1]) as Y.Map<unknown>).set(ORDER.number, 1));
    const preset = await honest(store, w, 1, T0 + 10_000);
    await tamper(store, day, w.deviceIds[0], (doc) => (ordersMap(doc).get(preset[0]) as Y.Map<unknown>).set(ORDER.number, 1000));
    const negative = await honest(store, w, 1, T0 + 20_000);
    await tamper(store, day, w.deviceIds[0], (doc) => (ordersMap(doc).get(negative[0]) as Y.Map<unknown>).set(ORDER.number, -5));
    await project();

    const after = await rows();
    expect(after.map((r) => r.number)).toEqual([1, 2, 3, 4, 5]);
    const byId = new Map(after.map((r) => [r.id, r]));
    expect(byId.get(ids[1])!.trust_flags).toEqual([expect.objectContaining({ flag: 'number_ignored', claimed: 1, writer: w.deviceIds[1] })]);
    expect(byId.get(preset[0])!.trust_flags).toEqual([expect.objectContaining({ flag: 'number_ignored', claimed: 1000 })]);
    expect(byId.get(negative[0])!.trust_flags).toEqual([expect.objectContaining({ flag: 'number_ignored', claimed: -5 })]);
    expect(byId.get(ids[0])!.flagged).toBe(false);
    // The projector wrote its numbers back over the devices' (every device converges on them).
    expect((await numberInDoc(ids[1])).get(ORDER.number)).toBe(2);
    expect((await numberInDoc(preset[0])).get(ORDER.number)).toBe(4);
    expect((await numberInDoc(negative[0])).get(ORDER.number)).toBe(5);
    // The next honest order continues the count; nothing to report.
    await honest(store, w, 1, T0 + 30_000);
    await project();
    expect((await rows()).map((r) => r.number)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await verify({ store })).toEqual([]);
  });

  test('a configured trusted writer (another numbering authority) is adopted; a number it gives twice is refused for the later order', async () => {
    const ids = await honest(store, w, 3, T0);
    await tamper(store, day, 'cloud-authority', (doc) => {
      (ordersMap(doc).get(ids[0]) as Y.Map<unknown>).set(ORDER.number, 7);
      (ordersMap(doc).get(ids[1]) as Y.Map<unknown>).set(ORDER.number, 7);
    });
    await project(['cloud-authority']);
    const after = await rows();
    expect(after.map((r) => r.number)).toEqual([7, 8, 9]);
    expect(after[0].flagged).toBe(false);
    expect(after[1].trust_flags).toEqual([expect.objectContaining({ flag: 'number_ignored', claimed: 7, detail: expect.stringMatching(/already/) })]);
  });

  test('re-pricing: a line priced 1 instead of the menu price is flagged; an order priced offline with the previous menu is not; an unknown menu version is', async () => {
    // An honest order priced with today's menu, sent after the menu changed (offline terminal).
    const offline = w.order(0, T0);
    const items = w.outletDoc.getMap(OUTLET.items);
    const sv = Y.encodeStateVector(w.outletDoc);
    for (const [id, item] of items.entries()) items.set(id, { ...(item as object), price: (item as { price: number }).price + 1_000 });
    await appendUpdates(store.db, [{ docName: `${w.tenant}/${w.outlet}`, update: Y.encodeStateAsUpdate(w.outletDoc, sv), deviceId: 'seed', origin: 'test' }]);
    await writeBatch(store, [offline], [{ docName: offline.docName, clientId: w.dayReplica(0, offline.day).clientID, deviceId: w.deviceIds[0] }]);
    const fresh = await honest(store, w, 1, T0 + 5_000);

    const cheap = await forged(store, w, (h) => {
      const line = { ...h.lines[0], unitPrice: 1 as never, gross: h.lines[0].qty as never };
      return { ...h, lines: [line, ...h.lines.slice(1)] };
    });
    const unknownMenu = await forged(store, w, (h) => ({ ...h, menuVersion: 'm1-00000000000000000000000000000000' }));
    await project();
    const byId = new Map((await rows()).map((r) => [r.id, r]));
    expect(byId.get(offline.orderId)!.trust_flags).toEqual([]);
    expect(byId.get(fresh[0])!.trust_flags).toEqual([]);
    expect(byId.get(cheap)!.trust_flags).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ flag: 'price_mismatch', field: 'lines.0.unitPrice', claimed: 1 }),
        expect.objectContaining({ flag: 'price_mismatch', field: 'lines.0.gross' }),
      ]),
    );
    expect(byId.get(unknownMenu)!.trust_flags).toEqual([expect.objectContaining({ flag: 'unknown_menu' })]);
    expect(await verify({ store })).toEqual([]);
  });

  test('attribution: a header naming another device is device_mismatch; a staff id the outlet never had is unknown_staff', async () => {
    const claimsOther = await forged(store, w, (h) => ({ ...h, deviceId: w.deviceIds[2] as never }), w.deviceIds[0]);
    const ghost = await forged(store, w, (h) => ({ ...h, staffId: 'ghost-manager' as never }));
    await project();
    const byId = new Map((await rows()).map((r) => [r.id, r]));
    expect(byId.get(claimsOther)!.trust_flags).toEqual([expect.objectContaining({ flag: 'device_mismatch', claimed: w.deviceIds[2], writer: w.deviceIds[0] })]);
    expect(byId.get(ghost)!.trust_flags).toEqual([expect.objectContaining({ flag: 'unknown_staff', claimed: 'ghost-manager' })]);
    expect(await verify({ store })).toEqual([]);
  });
});
