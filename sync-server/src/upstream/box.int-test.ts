/**
 * LAN box: cloud relay + box relay (own PGlite on disk) linked through a TCP proxy we can cut;
 * a kitchen display and a terminal on the box. Cut the link, write orders, restart the box,
 * write more, restore the link: the cloud's document equals the box's. A cloud-side menu
 * change reaches the box's kitchen.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { eventually, putTestOrder } from '@kiosk/shared/testing';
import { connectDatabase, migrateToLatest, type KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { signToken } from '../auth/tokens';
import { startSyncServer, type SyncServer } from '../server';
import { openTestClient, startTestRelay, type TestClient, type TestRelay } from '../testing/start-test-relay';
import { cuttableProxy } from '../testing/cuttable-proxy';

const BOX_SECRET = 'box-secret-different-from-the-cloud-1234';

describe.each(testDatabaseTargets())('LAN box with the cloud on $name', (target) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  test('store-and-forward across a cut link and a box restart; cloud menu changes reach the box', async () => {
    const cloudStore = await target.open();
    cleanups.push(() => cloudStore.close());
    const cloud: TestRelay = await startTestRelay({ store: cloudStore });
    cleanups.push(() => cloud.close());
    const proxy = await cuttableProxy(cloud.server.port);
    cleanups.push(() => proxy.close());

    const outletDoc = 'demo/main';
    const dayDoc = 'demo/main/2026-11-21';
    // A fixed past day stays writable whatever the date (the window has its own tests).
    const dayWindow = { graceDays: 36_500 };
    // the cloud's menu
    const manager = cloud.client(outletDoc, await cloud.tokenFor('manager', { deviceId: 'M-cloud' }));
    await manager.synced();
    manager.doc.getMap('items').set('nasi', { price: 25_000 });

    const dir = await mkdtemp(path.join(tmpdir(), 'kiosk-box-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const upstream = {
      url: `ws://127.0.0.1:${proxy.port}/sync`,
      token: await cloud.tokenFor('box', { deviceId: 'lan-box-1' }),
      backoff: { baseMs: 20, maxMs: 200 },
    };
    let boxStore: KioskDatabase = await connectDatabase({ dataDir: dir });
    await migrateToLatest(boxStore.db);
    let box: SyncServer = await startSyncServer({
      store: boxStore,
      secret: BOX_SECRET,
      port: 0,
      host: '127.0.0.1',
      upstream,
      defaultMetrics: false,
      log: () => {},
      dayWindow,
    });
    const boxPort = box.port;
    cleanups.push(async () => {
      await box.close();
      await boxStore.close();
    });
    const boxWs = `ws://127.0.0.1:${boxPort}/sync`;
    const boxToken = (role: 'terminal' | 'kitchen', deviceId: string) => signToken(BOX_SECRET, { tenant: 'demo', outlet: 'main', role, deviceId });
    const terminal: TestClient = openTestClient(boxWs, dayDoc, await boxToken('terminal', 'T-box'));
    const kitchenDay: TestClient = openTestClient(boxWs, dayDoc, await boxToken('kitchen', 'K-box'));
    const kitchenMenu: TestClient = openTestClient(boxWs, outletDoc, await boxToken('kitchen', 'K-box'));
    cleanups.push(async () => {
      for (const c of [terminal, kitchenDay, kitchenMenu]) c.destroy();
    });
    await Promise.all([terminal.synced(), kitchenDay.synced(), kitchenMenu.synced()]);

    // the cloud's menu reaches the box's kitchen; the box's order reaches the cloud
    await eventually(() => expect(kitchenMenu.doc.getMap('items').get('nasi')).toEqual({ price: 25_000 }));
    const cloudDay = cloud.client(dayDoc, await cloud.tokenFor('manager', { deviceId: 'M-cloud-day' }));
    let seq = 0;
    const order = (id: string) => putTestOrder(terminal.doc, dayDoc, { id, deviceId: 'T-box', total: 25_000, deviceSeq: ++seq });
    order('online-1');
    await eventually(() => expect(cloudDay.doc.getMap('orders').get('online-1')).toBeTruthy());

    // internet down: the shop keeps working locally
    await proxy.cut();
    for (let i = 0; i < 5; i++) order(`offline-${i}`);
    await eventually(() => expect(kitchenDay.doc.getMap('orders').size).toBe(6));
    await box.relay.flush();

    // the box restarts while the internet is still down
    await box.close();
    await boxStore.close();
    boxStore = await connectDatabase({ dataDir: dir });
    box = await startSyncServer({
      store: boxStore,
      secret: BOX_SECRET,
      port: boxPort,
      host: '127.0.0.1',
      upstream,
      defaultMetrics: false,
      log: () => {},
      dayWindow,
    });
    await eventually(() => expect(terminal.provider.synced).toBe(true), { timeoutMs: 15_000 });
    for (let i = 0; i < 3; i++) order(`after-restart-${i}`);
    await eventually(() => expect(kitchenDay.doc.getMap('orders').size).toBe(9));
    expect(cloudDay.doc.getMap('orders').size).toBe(1);

    // a menu change in the cloud while the box is cut off
    manager.doc.getMap('items').set('nasi', { price: 27_000 });

    // the link returns: both sides converge
    await proxy.restore();
    await eventually(
      async () => {
        const cloudState = await cloud.server.relay.getDoc(dayDoc);
        const boxState = await box.relay.getDoc(dayDoc);
        expect(cloudState.getMap('orders').toJSON()).toEqual(boxState.getMap('orders').toJSON());
        expect(Y.encodeStateVector(cloudState)).toEqual(Y.encodeStateVector(boxState));
        expect(cloudDay.doc.getMap('orders').size).toBe(9);
      },
      { timeoutMs: 15_000 },
    );
    await eventually(() => expect(kitchenMenu.doc.getMap('items').get('nasi')).toEqual({ price: 27_000 }), { timeoutMs: 15_000 });
    const cloudOutlet = await cloud.server.relay.getDoc(outletDoc);
    const boxOutlet = await box.relay.getDoc(outletDoc);
    expect(Y.encodeStateVector(boxOutlet)).toEqual(Y.encodeStateVector(cloudOutlet));

    // attribution on both sides: the cloud logs the box, the box logs 'upstream' for cloud rows
    await Promise.all([cloud.server.relay.flush(), box.relay.flush()]);
    const cloudDevices = await cloudStore.db.selectFrom('update_log').select('device_id').distinct().where('doc_name', '=', dayDoc).execute();
    expect(cloudDevices.map((r) => r.device_id)).toEqual(['lan-box-1']);
    const boxDevices = await boxStore.db.selectFrom('update_log').select('device_id').distinct().where('doc_name', '=', outletDoc).execute();
    expect(boxDevices.map((r) => r.device_id)).toEqual(['upstream']);
    const ready = await (await fetch(`${box.url}/readyz`)).json();
    expect(ready.upstream.total).toBeGreaterThanOrEqual(2);
  });
});
