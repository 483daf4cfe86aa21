/**
 * The sync layer against the real relay (PGlite, port 0) with IndexedDB (fake-indexeddb in
 * Node): changes count as "not yet stored" until the relay reports its stored state vector,
 * an order is "sent" only then, and after a restart with no network the device still has its
 * work and remembers what the server stored.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { eventually, putTestOrder } from '@kiosk/shared/testing';
import { MemoryStorage, TestWebSocket } from '@kiosk/client/sync/testing';
import { startTestRelay, type TestRelay } from '@kiosk/sync-server/testing';
import { DocSync } from '@kiosk/client/sync';
import { isOrderStored } from '@kiosk/client/sync';

let seq = 0;
function addOrder(doc: Y.Doc, id: string): void {
  putTestOrder(doc, 'demo/main/2026-11-23', { id, deviceId: 'T1', deviceSeq: ++seq });
}

describe('DocSync against the relay', () => {
  let relay: TestRelay;
  let token: string;
  const name = 'demo/main/2026-11-23';
  const storage = new MemoryStorage();
  const open = () => new DocSync({ name, wsUrl: relay.wsUrl, serverUrl: relay.url, token, storage, WebSocketPolyfill: TestWebSocket });

  beforeAll(async () => {
    relay = await startTestRelay();
    token = await relay.tokenFor('terminal', { deviceId: 'T1' });
  });
  afterAll(async () => {
    await relay?.close();
  });

  test('counts unsent changes from the stored state vector and calls an order sent only once stored', async () => {
    const sync = open();
    await sync.open();
    await eventually(() => expect(sync.getState().link).toBe('online'));
    await eventually(() => expect(sync.getState().via).toBe('cloud'));

    addOrder(sync.doc, 'order-1');
    // Written locally: pending at once, not sent.
    expect(sync.getState().pending).toBeGreaterThan(0);
    expect(isOrderStored(sync.doc.getMap('orders'), 'order-1', sync.getState().stored)).toBe(false);
    await eventually(() => expect(sync.getState().pending).toBe(0));
    expect(isOrderStored(sync.doc.getMap('orders'), 'order-1', sync.getState().stored)).toBe(true);
    const firstStoredAt = sync.getState().lastAllStoredAt;
    expect(firstStoredAt).not.toBeNull();

    // Offline: a second order waits, unsent, and is counted.
    sync.setNetwork(false);
    expect(sync.getState().link).toBe('offline');
    addOrder(sync.doc, 'order-2');
    const pendingOffline = sync.getState().pending;
    expect(pendingOffline).toBeGreaterThan(0);
    expect(isOrderStored(sync.doc.getMap('orders'), 'order-2', sync.getState().stored)).toBe(false);
    await sync.destroy();

    // Restart with no network: IndexedDB has both orders; what was stored is remembered.
    const restarted = open();
    await restarted.open();
    restarted.setNetwork(false);
    expect([...restarted.doc.getMap('orders').keys()].sort()).toEqual(['order-1', 'order-2']);
    expect(restarted.getState().pending).toBe(pendingOffline);
    expect(isOrderStored(restarted.doc.getMap('orders'), 'order-1', restarted.getState().stored)).toBe(true);
    expect(isOrderStored(restarted.doc.getMap('orders'), 'order-2', restarted.getState().stored)).toBe(false);

    // Back online: delivered, stored, acknowledged.
    restarted.setNetwork(true);
    await eventually(() => expect(restarted.getState().pending).toBe(0));
    expect(isOrderStored(restarted.doc.getMap('orders'), 'order-2', restarted.getState().stored)).toBe(true);
    const rows = await relay.store.db.selectFrom('update_log').select('id').where('doc_name', '=', name).execute();
    expect(rows.length).toBeGreaterThan(0);
    await restarted.destroy();
  });

  test('tells a LAN box from the cloud', async () => {
    const box = await startTestRelay({ upstream: { url: relay.wsUrl, token: await relay.tokenFor('box', { deviceId: 'lan-box-1' }) } });
    try {
      const sync = new DocSync({
        name: 'demo/main/2026-11-24',
        wsUrl: box.wsUrl,
        serverUrl: box.url,
        token: await box.tokenFor('terminal', { deviceId: 'T1' }),
        storage: new MemoryStorage(),
        WebSocketPolyfill: TestWebSocket,
      });
      await sync.open();
      await eventually(() => expect(sync.getState()).toMatchObject({ link: 'online', via: 'box' }));
      await sync.destroy();
    } finally {
      await box.close();
    }
  });
});
