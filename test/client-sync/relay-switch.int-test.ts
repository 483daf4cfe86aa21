/**
 * A device that knows the shop box and the cloud (two real relays on port 0 sharing one token
 * secret, as the box and the cloud accept each other's device tokens): it syncs through the
 * box; when the box stops it moves to the cloud and what it writes meanwhile reaches the
 * cloud's document; when the box answers again it moves back, and the box's document ends up
 * equal to the device's — nothing lost either way.
 */
import 'fake-indexeddb/auto';
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { seedDemoOutlet } from '@kiosk/shared/demo';
import { eventually, putTestOrder } from '@kiosk/shared/testing';
import { connectDatabase, migrateToLatest, type KioskDatabase } from '@kiosk/store';
import { MemoryStorage, TestWebSocket } from '@kiosk/client/sync/testing';
import { openTestClient, startTestRelay, type TestClient, type TestRelay } from '@kiosk/sync-server/testing';
import { DeviceSession, DocSync, RelayLink, webSocketProbe } from '@kiosk/client/sync';

const fastProbes = { probeBaseMs: 100, probeMaxMs: 400, probeFreshMs: 5_000 };

let seq = 0;
function addOrder(doc: Y.Doc, docName: string, id: string, deviceId = 'T1'): void {
  putTestOrder(doc, docName, { id, deviceId, deviceSeq: ++seq });
}

function contents(doc: Y.Doc): unknown {
  return doc.getMap('orders').toJSON();
}

describe('a device with a shop box and the cloud', () => {
  let cloud: TestRelay;
  let boxStore: KioskDatabase;
  let box: TestRelay;
  let boxPort: number;
  const readers: TestClient[] = [];
  const reader = (relay: TestRelay, name: string, token: string) => {
    const c = openTestClient(relay.wsUrl, name, token);
    readers.push(c);
    return c;
  };

  beforeAll(async () => {
    cloud = await startTestRelay();
    // The box keeps its own data across a restart on the same port (the address in the device's list).
    boxStore = await connectDatabase({});
    await migrateToLatest(boxStore.db);
    box = await startTestRelay({ store: boxStore });
    boxPort = Number(new URL(box.url).port);
    expect(box.secret).toBe(cloud.secret);
  });
  afterAll(async () => {
    for (const c of readers) c.destroy();
    await box?.close();
    await cloud?.close();
    await boxStore?.close();
  });

  async function restartBox(): Promise<void> {
    box = await startTestRelay({ store: boxStore, port: boxPort });
  }

  test('DocSync prefers the box, falls back to the cloud while it is down, and comes back', async () => {
    const name = 'demo/main/2026-11-25';
    const token = await cloud.tokenFor('terminal', { deviceId: 'T1' });
    const link = new RelayLink({
      relays: [
        // The cloud listed first: the box is preferred by kind, not by order.
        { kind: 'cloud', url: cloud.wsUrl },
        { kind: 'box', url: box.wsUrl },
      ],
      probe: webSocketProbe({ docName: name, token: () => token, WebSocketPolyfill: TestWebSocket, timeoutMs: 2_000 }),
      config: fastProbes,
    });
    const sync = new DocSync({ name, relays: link, serverUrl: cloud.url, token, storage: new MemoryStorage(), WebSocketPolyfill: TestWebSocket });
    try {
      await sync.open();
      await eventually(() => expect(sync.getState()).toMatchObject({ link: 'online', via: 'box', relayUrl: box.wsUrl }));
      addOrder(sync.doc, name, 'order-on-box');
      await eventually(() => expect(sync.getState().pending).toBe(0));

      // The box stops: the device moves to the cloud; an order written meanwhile reaches the cloud.
      await box.close();
      addOrder(sync.doc, name, 'order-while-box-down');
      await eventually(() => expect(sync.getState()).toMatchObject({ link: 'online', via: 'cloud', relayUrl: cloud.wsUrl }));
      addOrder(sync.doc, name, 'order-on-cloud');
      const onCloud = reader(cloud, name, await cloud.tokenFor('terminal', { deviceId: 'reader-cloud' }));
      await eventually(() => expect(contents(onCloud.doc)).toEqual(contents(sync.doc)));
      expect(Object.keys(contents(onCloud.doc) as object).sort()).toEqual(['order-on-box', 'order-on-cloud', 'order-while-box-down']);
      await eventually(() => expect(sync.getState().pending).toBe(0));

      // The box answers again (same address, same data): the probe finds it and the device moves back.
      await restartBox();
      await eventually(() => expect(sync.getState()).toMatchObject({ link: 'online', via: 'box', relayUrl: box.wsUrl }));
      addOrder(sync.doc, name, 'order-back-on-box');
      const onBox = reader(box, name, await box.tokenFor('terminal', { deviceId: 'reader-box' }));
      await eventually(() => expect(contents(onBox.doc)).toEqual(contents(sync.doc)));
      expect(Object.keys(contents(onBox.doc) as object)).toHaveLength(4);
      // Byte for byte the same state: what the cloud received while the box was down is on the box now.
      await eventually(() => expect(Y.encodeStateVector(onBox.doc)).toEqual(Y.encodeStateVector(sync.doc)));
      await eventually(() => expect(sync.getState().pending).toBe(0));
    } finally {
      await sync.destroy();
      link.close();
    }
  });

  test('a box that accepts the connection but never answers counts as down after the connect timeout', async () => {
    // A TCP listener that never completes the WebSocket handshake: the socket stays "connecting".
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const name = 'demo/main/2026-11-27';
    const token = await cloud.tokenFor('terminal', { deviceId: 'T1' });
    const link = new RelayLink({
      relays: [
        { kind: 'box', url: `ws://127.0.0.1:${port}/sync` },
        { kind: 'cloud', url: cloud.wsUrl },
      ],
      probe: webSocketProbe({ docName: name, token: () => token, WebSocketPolyfill: TestWebSocket, timeoutMs: 300 }),
      config: fastProbes,
    });
    const sync = new DocSync({
      name,
      relays: link,
      serverUrl: cloud.url,
      token,
      connectTimeoutMs: 300,
      storage: new MemoryStorage(),
      WebSocketPolyfill: TestWebSocket,
    });
    try {
      await sync.open();
      expect(sync.getState().relayUrl).toBe(`ws://127.0.0.1:${port}/sync`);
      await eventually(() => expect(sync.getState()).toMatchObject({ link: 'online', via: 'cloud', relayUrl: cloud.wsUrl }));
    } finally {
      await sync.destroy();
      link.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('DeviceSession: every document follows the choice, and a renewed token works on either relay', async () => {
    // Both relays know the outlet (the box got it from the cloud in real life).
    const seeded = new Y.Doc();
    const keys = new Y.Doc();
    await seedDemoOutlet(seeded, { staffKeys: keys, kdf: { memoryKiB: 256, passes: 1, parallelism: 1 } });
    for (const relay of [cloud, box]) {
      await relay.server.relay.transactDoc('demo/main', { deviceId: 'seed' }, (doc) => Y.applyUpdate(doc, Y.encodeStateAsUpdate(seeded)));
      await relay.server.relay.transactDoc('demo/main/staff-keys', { deviceId: 'seed' }, (doc) => Y.applyUpdate(doc, Y.encodeStateAsUpdate(keys)));
    }
    const now = Date.parse('2026-11-26T05:00:00Z');
    const token = await cloud.tokenFor('terminal', { deviceId: 'T2' });
    const renewed = await cloud.tokenFor('terminal', { deviceId: 'T2' });
    const session = new DeviceSession(
      {
        serverUrl: box.url,
        token,
        renewalKey: 'k'.repeat(32),
        expiresAt: now + 60 * 60 * 1000, // within RENEW_BEFORE_MS: renewed at open
        deviceId: 'T2',
        tenant: 'demo',
        outlet: 'main',
        code: 'B',
        kind: 'terminal',
        name: 'Kasir 2',
        stations: [],
        relays: [
          { kind: 'box', url: box.wsUrl },
          // An http(s) base is accepted too.
          { kind: 'cloud', url: cloud.url },
        ],
      },
      {
        now: () => now,
        storage: new MemoryStorage(),
        WebSocketPolyfill: TestWebSocket,
        renew: async () => ({ token: renewed, expiresAt: now + 24 * 60 * 60 * 1000, deviceId: 'T2' }),
        relayChoice: { config: fastProbes },
      },
    );
    const docs = () => [session.outlet, session.staffKeys!, session.day!];
    try {
      await session.open();
      await eventually(() => expect(session.credentials.token).toBe(renewed));
      for (const d of docs()) await eventually(() => expect(d.getState()).toMatchObject({ link: 'online', via: 'box' }));
      expect(docs().every((d) => d.token === renewed)).toBe(true);

      await box.close();
      for (const d of docs()) await eventually(() => expect(d.getState()).toMatchObject({ link: 'online', via: 'cloud', relayUrl: cloud.wsUrl }));
      const dayName = session.day!.name;
      addOrder(session.day!.doc, dayName, 'session-order-on-cloud', 'T2');
      const onCloud = reader(cloud, dayName, await cloud.tokenFor('terminal', { deviceId: 'reader-cloud-2' }));
      await eventually(() => expect(Object.keys(contents(onCloud.doc) as object)).toContain('session-order-on-cloud'));

      await restartBox();
      for (const d of docs()) await eventually(() => expect(d.getState()).toMatchObject({ link: 'online', via: 'box', relayUrl: box.wsUrl }));
      const onBox = reader(box, dayName, await box.tokenFor('terminal', { deviceId: 'reader-box-2' }));
      await eventually(() => expect(contents(onBox.doc)).toEqual(contents(session.day!.doc)));
      expect(Object.keys(contents(onBox.doc) as object)).toEqual(['session-order-on-cloud']);
    } finally {
      await session.close();
    }
  });
});
