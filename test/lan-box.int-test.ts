/**
 * The LAN box test (issue 14, "Done when"): a cloud (relay + API + projector, its own database)
 * and a box (own port, own data directory, own PGlite) linked through a TCP proxy we can cut.
 * The owner creates a box code in the cloud back-office; the box is paired with it (what
 * `kiosk box pair` runs) and starts in box mode. With the internet cut, a NEW terminal and a
 * kitchen display are paired on the box (a code from `kiosk pairing-code`'s function, then the
 * box's own POST /api/pair); the terminal's orders reach the kitchen on the box and the box's
 * projector numbers them. The link returns: the cloud has every order with the box's numbers,
 * gapless from 1, and lists the new devices.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { afterAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { businessDayOf, dayDocName, numberingState, OUTLET, outletDocName, readOutlet, submitOrder } from '@kiosk/shared';
import { eventually } from '@kiosk/shared/testing';
import { startProjector } from '@kiosk/projector';
import { connectDatabase, migrateToLatest, type KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { boxFilePath, createBoxPairingCode, pairBox, readBoxFile, seedDemo, startBox, type RunningBox } from '@kiosk/cli';
import { callApi, cuttableProxy, openTestClient, startApiServer, type TestClient } from '@kiosk/sync-server/testing';

const BOX_SECRET = 'the-box-own-secret-not-the-cloud-one-0123';
const TENANT = 'demo';
const OUTLET_ID = 'main';

describe.each(testDatabaseTargets())('LAN box paired from the cloud on $name', (target) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  test('pair the box, pair a new terminal and kitchen on it offline, orders numbered on the box reach the cloud', async () => {
    // Noon in Jakarta on a fixed day: every clock below (APIs, relays, renewal) reads this one.
    const clock = Date.UTC(2026, 11, 4, 5, 0, 0);
    const now = () => clock;
    // The box's own clock, moved on once below to make its token due for renewal.
    let boxClock = clock;
    const boxNow = () => boxClock;

    // --- the cloud
    const cloudStore = await target.open();
    cleanups.push(() => cloudStore.close());
    await seedDemo(cloudStore);
    const cloud = await startApiServer({ store: cloudStore, now }, { now, dayWindow: { graceDays: 36_500 } });
    cleanups.push(() => cloud.close());
    const cloudProjector = await startProjector({ store: cloudStore, pollMs: 100 });
    cleanups.push(() => cloudProjector.close());
    const proxy = await cuttableProxy(cloud.relay.server.port);
    cleanups.push(() => proxy.close());

    // --- the owner creates a box code in the cloud back-office
    const login = await cloud.call('POST', '/api/auth/login', { body: { email: 'owner@demo.kiosk', password: 'demo1234' } });
    expect(login.status).toBe(200);
    const owner: string = login.body.accessToken;
    const boxCode = await cloud.call('POST', `/api/outlets/${OUTLET_ID}/pairing-codes`, { token: owner, body: { kind: 'box' } });
    expect(boxCode.status).toBe(201);

    // --- the box is paired with it (through the proxy: the box reaches the cloud only that way)
    const dir = await mkdtemp(path.join(tmpdir(), 'kiosk-lan-box-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const boxStore: KioskDatabase = await connectDatabase({ dataDir: path.join(dir, 'pglite') });
    cleanups.push(() => boxStore.close());
    await migrateToLatest(boxStore.db);
    const cloudAddress = `http://127.0.0.1:${proxy.port}`;
    // a wrong code is refused with a message the operator can act on
    await expect(pairBox({ cloud: cloudAddress, code: 'WRONG1', name: 'Shop box', dataDir: dir, store: boxStore, now })).rejects.toThrow(/refused the code/);
    const paired = await pairBox({ cloud: cloudAddress, code: boxCode.body.code, name: 'Shop box', dataDir: dir, store: boxStore, now });
    expect(paired).toMatchObject({ tenant: TENANT, outlet: OUTLET_ID, upstreamUrl: `ws://127.0.0.1:${proxy.port}/sync`, cloudApiUrl: `${cloudAddress}/api` });
    expect((await stat(boxFilePath(dir))).mode & 0o777).toBe(0o600);
    const boxFile = (await readBoxFile(dir))!;
    expect(boxFile).toEqual(paired);
    // the box can hand out codes for its outlet: the rows are in its own database
    expect(await boxStore.db.selectFrom('outlets').select(['tenant_id', 'id']).execute()).toEqual([{ tenant_id: TENANT, id: OUTLET_ID }]);

    // --- the box starts in box mode
    let box: RunningBox | null = await startBox({
      store: boxStore,
      dataDir: dir,
      box: boxFile,
      secret: BOX_SECRET,
      port: 0,
      host: '127.0.0.1',
      now: boxNow,
      backoff: { baseMs: 20, maxMs: 200 },
      checkEveryMs: 200,
      log: () => {},
      server: { defaultMetrics: false, log: () => {}, now: boxNow, dayWindow: { graceDays: 36_500 } },
    });
    cleanups.push(async () => box?.close());
    const running = box;
    const outletDoc = outletDocName(TENANT, OUTLET_ID);
    // The cloud handed numbering to the box and the cloud projector released; the box has seen both.
    await eventually(
      async () => {
        const state = numberingState((await running.server.relay.getDoc(outletDoc)).getArray(OUTLET.numbering).toArray());
        expect(state.authority).toBe(`box:${boxFile.deviceId}`);
        expect(state.released).toBe(true);
      },
      { timeoutMs: 20_000 },
    );

    // --- the internet goes down
    await proxy.cut();
    await expect(pairBox({ cloud: cloudAddress, code: 'ABCDEF', dataDir: path.join(dir, 'other'), store: boxStore })).rejects.toThrow(
      /cannot reach the cloud at http:\/\/127\.0\.0\.1:\d+\/api/,
    );

    // a device code from the box's own database, then a NEW terminal and a kitchen display pair on the box
    const boxApi = running.server.url;
    const pairOnBox = async (name: string, kind: 'terminal' | 'kitchen', stations?: string[]) => {
      const { code } = await createBoxPairingCode(boxStore, { tenant: TENANT, outlet: OUTLET_ID, now: clock });
      const res = await callApi(boxApi, 'POST', '/api/pair', { body: { code, name, kind, stations } });
      expect(res.status, res.text).toBe(201);
      // the device learns both relays: this box first, the cloud it forwards to
      expect((res.body as { relays?: Array<{ kind: string }> }).relays?.map((r) => r.kind)).toEqual(['box', 'cloud']);
      return res.body as { token: string; deviceId: string; code: string };
    };
    const till = await pairOnBox('Till 2', 'terminal');
    const kitchen = await pairOnBox('Kitchen 2', 'kitchen', ['main']);
    // signed with the box key: the cloud accepts these tokens too
    expect(decodeProtectedHeader(till.token).kid).toBe(`box:${boxFile.deviceId}`);

    const boxWs = `ws://127.0.0.1:${running.server.port}/sync`;
    const clients: TestClient[] = [];
    cleanups.push(async () => {
      for (const c of clients) c.destroy();
    });
    const open = (doc: string, token: string) => {
      const client = openTestClient(boxWs, doc, token);
      clients.push(client);
      return client;
    };
    const tillOutlet = open(outletDoc, till.token);
    await tillOutlet.synced();
    await eventually(() => expect(readOutlet(tillOutlet.doc).devices.some((d) => d.id === till.deviceId)).toBe(true));
    const outlet = readOutlet(tillOutlet.doc);
    const day = businessDayOf(clock, outlet.settings!);
    const dayDoc = dayDocName(TENANT, OUTLET_ID, day);
    const tillDay = open(dayDoc, till.token);
    const kitchenDay = open(dayDoc, kitchen.token);
    await Promise.all([tillDay.synced(), kitchenDay.synced()]);

    const item = outlet.items.find((i) => i.available && i.modifierGroupIds.length === 0)!;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { id } = submitOrder(
        tillOutlet.doc,
        tillDay.doc,
        { deviceId: till.deviceId, type: 'takeaway', lines: [{ itemId: item.id, qty: 1 + (i % 2) }] },
        { now: clock - 30 * 60_000 + i * 60_000 },
      );
      ids.push(id);
    }
    // the kitchen display on the box gets every order, numbered by the box's projector
    const numberOf = (doc: Y.Doc, id: string) => (doc.getMap('orders').get(id) as Y.Map<unknown> | undefined)?.get('number');
    await eventually(() => expect(ids.map((id) => numberOf(kitchenDay.doc, id))).toEqual([1, 2, 3, 4, 5]), { timeoutMs: 30_000 });
    const rowsOf = (store: KioskDatabase) => store.db.selectFrom('orders').select(['id', 'number']).where('business_day', '=', day).orderBy('number').execute();
    const boxRows = await rowsOf(boxStore);
    expect(boxRows.map((r) => r.number)).toEqual([1, 2, 3, 4, 5]);
    // nothing crossed while the link was cut
    expect(await rowsOf(cloudStore)).toEqual([]);

    // --- the link returns
    await proxy.restore();
    await eventually(async () => expect(await rowsOf(cloudStore)).toEqual(boxRows), { timeoutMs: 30_000 });
    await eventually(
      async () => {
        const listed = await cloud.call('GET', `/api/outlets/${OUTLET_ID}/devices`, { token: owner });
        expect(listed.status).toBe(200);
        const byId = new Map((listed.body.devices as Array<{ id: string; name: string; kind: string }>).map((d) => [d.id, d]));
        expect(byId.get(till.deviceId)).toMatchObject({ name: 'Till 2', kind: 'terminal' });
        expect(byId.get(kitchen.deviceId)).toMatchObject({ name: 'Kitchen 2', kind: 'kitchen' });
      },
      { timeoutMs: 30_000 },
    );
    // the terminal's box-signed token works against the cloud relay too
    const tillOnCloud = openTestClient(`ws://127.0.0.1:${cloud.relay.server.port}/sync`, dayDoc, till.token);
    clients.push(tillOnCloud);
    await tillOnCloud.synced();
    await eventually(() => expect(ids.map((id) => numberOf(tillOnCloud.doc, id))).toEqual([1, 2, 3, 4, 5]));

    // --- the box token is renewed through the cloud two thirds into its life; box.json keeps the new one
    const before = running.renewer.current.token;
    boxClock = clock + 17 * 3600_000;
    await running.renewer.check();
    boxClock = clock;
    expect(running.renewer.current.token).not.toBe(before);
    expect((await readBoxFile(dir))!.token).toBe(running.renewer.current.token);
    // new connections present it: cut and restore, and a later order still reaches the cloud
    await proxy.cut();
    await proxy.restore();
    const { id: late } = submitOrder(
      tillOutlet.doc,
      tillDay.doc,
      { deviceId: till.deviceId, type: 'takeaway', lines: [{ itemId: item.id, qty: 1 }] },
      { now: clock - 5 * 60_000 },
    );
    await eventually(async () => expect((await rowsOf(cloudStore)).find((r) => r.id === late)?.number).toBe(6), { timeoutMs: 30_000 });

    await box.close();
    box = null;
  });
});
