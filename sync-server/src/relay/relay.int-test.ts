import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { CloseCode } from '@kiosk/shared';
import { eventually, orderIds, putTestOrder, testOrderTotal } from '@kiosk/shared/testing';
import { appendUpdates, type KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { revokeToken } from '../auth/revocation-cache';
import { signToken, verifyToken } from '../auth/tokens';
import { startTestRelay, type TestClient, type TestRelay } from '../testing/start-test-relay';
import { encodeUpdate } from '@kiosk/shared';
import type { RelayCore } from './relay';

/** Stored state vectors (sync step 1 messages) a stock client received from the relay. */
function recordStoredStateVectors(client: TestClient): Array<Map<number, number>> {
  const seen: Array<Map<number, number>> = [];
  const provider = client.provider;
  const original = provider.messageHandlers[0];
  provider.messageHandlers[0] = (encoder, decoder, p, emitSynced, messageType) => {
    const peek = decoding.clone(decoder);
    if (decoding.readVarUint(peek) === 0) seen.push(Y.decodeStateVector(decoding.readVarUint8Array(peek)));
    original(encoder, decoder, p, emitSynced, messageType);
  };
  return seen;
}

/** A raw socket for messages the stock client never sends. */
async function rawSocket(
  relay: TestRelay,
  docName: string,
  token: string,
): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }>; messages: Uint8Array[] }> {
  const ws = new WebSocket(`${relay.wsUrl}/${docName}?token=${encodeURIComponent(token)}`);
  const messages: Uint8Array[] = [];
  ws.on('message', (data: Buffer) => messages.push(new Uint8Array(data)));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  // the relay's first message (sync step 1) means the connection is admitted
  await eventually(() => expect(messages.length).toBeGreaterThan(0));
  return { ws, closed, messages };
}

async function logRows(store: KioskDatabase, docName: string) {
  return store.db.selectFrom('update_log').select(['id', 'device_id', 'origin', 'update']).where('doc_name', '=', docName).orderBy('id').execute();
}

describe.each(testDatabaseTargets())('relay on $name', (target) => {
  let store: KioskDatabase;
  let relay: TestRelay;
  let core: RelayCore;
  beforeAll(async () => {
    store = await target.open();
    relay = await startTestRelay({ store, unloadAfterMs: 300, ackIntervalMs: 20 });
    core = relay.server.relay as RelayCore;
  });
  afterAll(async () => {
    await relay?.close();
    await store?.close();
  });

  test('two stock y-websocket clients converge; updates are logged with the sending device', async () => {
    const doc = 'demo/main/2026-11-01';
    const a = relay.client(doc, await relay.tokenFor('terminal', { deviceId: 'T1' }));
    const b = relay.client(doc, await relay.tokenFor('terminal', { deviceId: 'T2' }));
    await Promise.all([a.synced(), b.synced()]);
    putTestOrder(a.doc, doc, { id: 'o1', deviceId: 'T1', total: 1 });
    putTestOrder(b.doc, doc, { id: 'o2', deviceId: 'T2', total: 2 });
    await eventually(() => {
      expect(orderIds(a.doc)).toEqual(['o1', 'o2']);
      expect(orderIds(b.doc)).toEqual(['o1', 'o2']);
    });
    await eventually(async () => expect((await logRows(store, doc)).map((r) => r.device_id).sort()).toEqual(['T1', 'T2']));
    const claims = await store.db.selectFrom('device_client_ids').selectAll().where('doc_name', '=', doc).execute();
    expect(claims.map((c) => [Number(c.client_id), c.device_id]).sort()).toEqual(
      [
        [a.doc.clientID, 'T1'],
        [b.doc.clientID, 'T2'],
      ].sort(),
    );
    // a third client loads the same state from the relay
    const c = relay.client(doc, await relay.tokenFor('manager'));
    await c.synced();
    expect(orderIds(c.doc)).toEqual(['o1', 'o2']);
    expect([testOrderTotal(c.doc, 'o1'), testOrderTotal(c.doc, 'o2')]).toEqual([1, 2]);
  });

  test('auth matrix: each refusal closes with its named code and reason', async () => {
    const day = 'demo/main/2026-11-02';
    const expired = await signToken(relay.secret, { tenant: 'demo', outlet: 'main', role: 'terminal', ttlSeconds: 1 }, { now: Date.now() - 60_000 });
    const revoked = await relay.tokenFor('terminal', { deviceId: 'T-revoked' });
    await revokeToken(store, (await verifyToken(relay.secret, revoked)).jti);
    const forged = await signToken('another-secret-of-32-characters-x', { tenant: 'demo', outlet: 'main', role: 'owner' });
    const cases: Array<[string, string, string, number, RegExp]> = [
      ['no token', day, '', CloseCode.unauthorized, /no token/],
      ['expired', day, expired, CloseCode.unauthorized, /expired/],
      ['revoked', day, revoked, CloseCode.unauthorized, /revoked/],
      ['bad signature', day, forged, CloseCode.unauthorized, /signature/],
      ['other tenant', 'acme/main/2026-11-02', await relay.tokenFor('owner'), CloseCode.forbidden, /tenant demo/],
      ['other outlet', 'demo/branch/2026-11-02', await relay.tokenFor('terminal'), CloseCode.forbidden, /outlet demo\/main/],
      ['bad document name', 'demo/main/2026-13-45', await relay.tokenFor('terminal'), CloseCode.badRequest, /calendar date|YYYY-MM-DD/],
      ['unknown document shape', 'demo', await relay.tokenFor('terminal'), CloseCode.badRequest, /document name/],
    ];
    const clients = cases.map(([, doc, token]) => relay.client(doc, token));
    await eventually(() => {
      for (const c of clients) expect(c.closes.length).toBeGreaterThan(0);
    });
    cases.forEach(([what, , , code, reason], i) => {
      expect({ what, code: clients[i].closes[0].code }).toEqual({ what, code });
      expect(clients[i].closes[0].reason).toMatch(reason);
      // 44xx: the stock client gives up instead of hammering the relay
      expect(clients[i].provider.shouldConnect).toBe(false);
    });
    // a projector token opens any outlet of its tenant
    const projector = relay.client('demo/branch/2026-11-02', await relay.tokenFor('projector'));
    await projector.synced();
  });

  test('a kitchen writing the outlet document is closed 4403; its update reaches neither clients nor the log', async () => {
    const outlet = 'demo/main';
    const manager = relay.client(outlet, await relay.tokenFor('manager', { deviceId: 'M1' }));
    const kitchen = relay.client(outlet, await relay.tokenFor('kitchen', { deviceId: 'K-outlet' }));
    await Promise.all([manager.synced(), kitchen.synced()]);
    manager.doc.getMap('items').set('nasi', { price: 25000 });
    await eventually(() => expect(kitchen.doc.getMap('items').get('nasi')).toEqual({ price: 25000 }));
    // reading works (the kitchen's sync step 2 reply changed nothing and was accepted)
    expect(kitchen.closes).toEqual([]);
    kitchen.doc.getMap('items').set('nasi', { price: 1 });
    await eventually(() => expect(kitchen.closes[0]?.code).toBe(CloseCode.forbidden));
    expect(kitchen.closes[0].reason).toMatch(/read-only: role kitchen cannot write demo\/main/);
    manager.doc.getMap('items').set('teh', { price: 8000 });
    await relay.server.relay.flush();
    await eventually(async () => expect((await logRows(store, outlet)).map((r) => r.device_id)).toEqual(['M1', 'M1']));
    expect(manager.doc.getMap('items').get('nasi')).toEqual({ price: 25000 });
    const fresh = relay.client(outlet, await relay.tokenFor('owner'));
    await fresh.synced();
    expect(fresh.doc.getMap('items').toJSON()).toEqual({ nasi: { price: 25000 }, teh: { price: 8000 } });
  });

  test('a live update written with another device’s client id is refused and never logged', async () => {
    const doc = 'demo/main/2026-11-03';
    const owner = relay.client(doc, await relay.tokenFor('terminal', { deviceId: 'T-owner' }));
    await owner.synced();
    putTestOrder(owner.doc, doc, { id: 'mine', deviceId: 'T-owner' });
    await eventually(async () => expect(await logRows(store, doc)).toHaveLength(1));
    await relay.server.relay.flush();
    // forge: same client id, next clock
    const forger = new Y.Doc();
    Y.applyUpdate(forger, Y.encodeStateAsUpdate(owner.doc));
    // after the apply: Yjs moves a doc off a client id it sees in a remote update
    forger.clientID = owner.doc.clientID;
    const before = Y.encodeStateVector(forger);
    putTestOrder(forger, doc, { id: 'forged', deviceId: 'T-owner' });
    const raw = await rawSocket(relay, doc, await relay.tokenFor('terminal', { deviceId: 'T-forger' }));
    raw.ws.send(encodeUpdate(Y.encodeStateAsUpdate(forger, before)));
    const closed = await raw.closed;
    expect(closed.code).toBe(CloseCode.tryAgain);
    expect(closed.reason).toMatch(/client id \d+ of another device/);
    await relay.server.relay.flush();
    expect((await logRows(store, doc)).map((r) => r.device_id)).toEqual(['T-owner']);
    expect(owner.doc.getMap('orders').get('forged')).toBeUndefined();
    expect((await core.getDoc(doc)).getMap('orders').get('forged')).toBeUndefined();
  });

  test('after each persisted batch a writer receives the stored state vector; no sync loop follows', async () => {
    const doc = 'demo/main/2026-11-04';
    const writer = relay.client(doc, await relay.tokenFor('terminal', { deviceId: 'T-ack' }));
    const reader = relay.client(doc, await relay.tokenFor('kitchen', { deviceId: 'K-ack' }));
    const stored = recordStoredStateVectors(writer);
    await Promise.all([writer.synced(), reader.synced()]);
    const count = async () => {
      const text = await (await fetch(`${relay.url}/metrics`)).text();
      return [...text.matchAll(/^kiosk_relay_messages_total\{type="[a-z_0-9]+"\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    };
    const baseline = await count();
    for (let i = 0; i < 20; i++) putTestOrder(writer.doc, doc, { id: `o${i}`, deviceId: 'T-ack', deviceSeq: i + 1 });
    const clock = Y.getState(writer.doc.store, writer.doc.clientID);
    await eventually(() => expect(stored.at(-1)?.get(writer.doc.clientID)).toBe(clock));
    // what the relay says is stored is in the log
    const fromLog = new Y.Doc();
    for (const row of await logRows(store, doc)) Y.applyUpdate(fromLog, row.update);
    expect(Y.getState(fromLog.store, writer.doc.clientID)).toBe(clock);
    // quiescence: the acknowledgements and the replies they cause stop
    let previous = -1;
    await eventually(
      async () => {
        const now = await count();
        const stable = now === previous;
        previous = now;
        expect(stable).toBe(true);
      },
      { intervalMs: 200 },
    );
    const settled = (await count()) - baseline;
    // 20 updates + at most one reply per acknowledgement (+ the reader's lazy one), not a storm
    expect(settled).toBeLessThanOrEqual(42);
  });

  test('a row appended to the log by another writer reaches connected clients (tail)', async () => {
    const doc = 'demo/main/2026-11-05';
    const client = relay.client(doc, await relay.tokenFor('kitchen', { deviceId: 'K-tail' }));
    await client.synced();
    const projectorDoc = new Y.Doc();
    Y.applyUpdate(projectorDoc, Y.encodeStateAsUpdate(client.doc));
    const sv = Y.encodeStateVector(projectorDoc);
    putTestOrder(projectorDoc, doc, { id: 'numbered', deviceId: 'projector', total: 42 });
    const started = performance.now();
    await appendUpdates(store.db, [{ docName: doc, update: Y.encodeStateAsUpdate(projectorDoc, sv), deviceId: 'projector', origin: 'projector' }]);
    await eventually(() => expect(testOrderTotal(client.doc, 'numbered')).toBe(42), { intervalMs: 2 });
    const ms = performance.now() - started;
    if (process.env.PRINT_FIGURES) console.info(`tail latency on ${target.name}: ${ms.toFixed(1)} ms (append → client)`);
    expect(ms).toBeLessThan(1_000);
    // tailed rows are not written again
    await relay.server.relay.flush();
    expect((await logRows(store, doc)).map((r) => r.origin)).toEqual(['projector']);
  });

  test('two relay instances on one database converge through the log tail', async () => {
    const second = await startTestRelay({ store, instanceId: 'relay:second' });
    try {
      const doc = 'demo/main/2026-11-09';
      const a = relay.client(doc, await relay.tokenFor('terminal', { deviceId: 'T-one' }));
      const b = second.client(doc, await second.tokenFor('terminal', { deviceId: 'T-two' }));
      await Promise.all([a.synced(), b.synced()]);
      putTestOrder(a.doc, doc, { id: 'via-one', deviceId: 'T-one' });
      putTestOrder(b.doc, doc, { id: 'via-two', deviceId: 'T-two' });
      await eventually(() => {
        expect(orderIds(a.doc)).toEqual(['via-one', 'via-two']);
        expect(orderIds(b.doc)).toEqual(['via-one', 'via-two']);
      });
      // each row written once, by the instance that received it
      await Promise.all([relay.server.relay.flush(), second.server.relay.flush()]);
      const rows = await logRows(store, doc);
      expect(rows.map((r) => [r.device_id, r.origin]).sort()).toEqual([
        ['T-one', relay.server.relay.instanceId],
        ['T-two', 'relay:second'],
      ]);
    } finally {
      await second.close();
    }
  });

  test('a document unloads after the idle grace period and reloads intact', async () => {
    const doc = 'demo/main/2026-11-06';
    const a = relay.client(doc, await relay.tokenFor('terminal', { deviceId: 'T-unload' }));
    await a.synced();
    putTestOrder(a.doc, doc, { id: 'kept', deviceId: 'T-unload', total: 7 });
    await eventually(async () => expect(await logRows(store, doc)).toHaveLength(1));
    expect(core.isLoaded(doc)).toBe(true);
    a.destroy();
    await eventually(() => expect(core.isLoaded(doc)).toBe(false));
    const b = relay.client(doc, await relay.tokenFor('terminal', { deviceId: 'T-unload' }));
    await b.synced();
    expect(testOrderTotal(b.doc, 'kept')).toBe(7);
  });

  test('a document whose log does not load is refused with 1013, never served empty', async () => {
    const doc = 'demo/main/2026-11-07';
    await appendUpdates(store.db, [{ docName: doc, update: new Uint8Array([9, 9, 9, 9, 9, 9]), deviceId: 'x', origin: 'test' }]);
    const c = relay.client(doc, await relay.tokenFor('terminal'));
    await eventually(() => expect(c.closes[0]?.code).toBe(CloseCode.tryAgain));
    expect(c.closes[0].reason).toMatch(/could not be loaded/);
    expect(c.provider.synced).toBe(false);
    expect(core.isLoaded(doc)).toBe(false);
    c.destroy();
  });

  test('disconnect({ tokenId }) closes live connections with 4401', async () => {
    const token = await relay.tokenFor('terminal', { deviceId: 'T-kick' });
    const c = relay.client('demo/main/2026-11-08', token);
    await c.synced();
    expect(relay.server.relay.disconnect({ tokenId: (await verifyToken(relay.secret, token)).jti })).toBe(1);
    await eventually(() => expect(c.closes[0]?.code).toBe(CloseCode.unauthorized));
  });

  test('healthz, readyz and metrics with the named series', async () => {
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${relay.url}/readyz`);
    const body = await ready.json();
    expect(ready.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ database: true, migrations: true });
    const text = await (await fetch(`${relay.url}/metrics`)).text();
    for (const name of [
      'kiosk_relay_connections',
      'kiosk_relay_loaded_docs',
      'kiosk_relay_updates_total',
      'kiosk_relay_persisted_bytes_total',
      'kiosk_relay_persist_seconds_bucket',
      'kiosk_relay_refused_total{reason="read_only"}',
      'kiosk_relay_refused_total{reason="unauthorized"}',
    ]) {
      expect(text).toContain(name);
    }
    expect((await fetch(`${relay.url}/nope`)).status).toBe(404);
  });
});
