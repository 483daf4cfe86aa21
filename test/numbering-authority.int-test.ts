/**
 * One numbering authority per outlet (issue 14): a cloud relay and a LAN box, each with its own
 * database and its own projector, BOTH in authority mode for the same outlet. The outlet's
 * record says who numbers: first the cloud, then (handed over) box 1, then (box replaced mid-day)
 * box 2. Terminals on the cloud and on the box ring up orders all along. Every order has one
 * number, the same in the cloud's rows, the box's rows and every document; the day's numbers are
 * 1..n with no gap; a hand-over forged by a manager's device is refused by the relay.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import {
  appendNumberingEntry,
  boxAuthority,
  CLOUD_AUTHORITY,
  handOverTo,
  numberingArray,
  readNumbering,
  type NumberingAuthority,
  type HandOverEntry,
} from '@kiosk/shared';
import { eventually, putTestOrder } from '@kiosk/shared/testing';
import { connectDatabase, migrateToLatest, type KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { startProjector, type Projector } from '@kiosk/projector';
import { signToken, startSyncServer, type SyncServer } from '@kiosk/sync-server';
import { openTestClient, startTestRelay, type TestClient } from '@kiosk/sync-server/testing';

const BOX_SECRET = 'box-secret-different-from-the-cloud-1234';
const OUTLET_DOC = 'demo/main';
const DAY = '2026-11-21';
const DAY_DOC = `demo/main/${DAY}`;

interface Box {
  server: SyncServer;
  store: KioskDatabase;
  projector: Projector;
  terminal: TestClient;
  close(): Promise<void>;
}

async function numbersIn(store: KioskDatabase): Promise<Map<string, number | null>> {
  const rows = await store.db.selectFrom('orders').select(['id', 'number']).where('outlet_id', '=', 'main').where('business_day', '=', DAY).execute();
  return new Map(rows.map((r) => [r.id, r.number]));
}

function expectGapless(numbers: Map<string, number | null>, count: number): void {
  const values = [...numbers.values()];
  expect(values.length).toBe(count);
  expect(values.every((n) => n !== null)).toBe(true);
  expect([...values].sort((a, b) => a! - b!)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
}

describe.each(testDatabaseTargets())('numbering authority on $name', (target) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  test('cloud and box projectors both in authority mode: one gapless sequence; a box replaced mid-day continues it; a hand-over forged by a device is refused', async () => {
    const cloudStore = await target.open();
    cleanups.push(() => cloudStore.close());
    const cloud = await startTestRelay({ store: cloudStore });
    cleanups.push(() => cloud.close());
    const cloudProjector = await startProjector({ store: cloudStore, numberingIdentity: CLOUD_AUTHORITY, pollMs: 50, leaseTtlMs: 3_000 });
    cleanups.push(() => cloudProjector.close());

    const handOver = (to: NumberingAuthority, reason: HandOverEntry['reason']) =>
      cloud.server.relay.transactDoc(OUTLET_DOC, { deviceId: 'user:owner' }, (doc) =>
        appendNumberingEntry(doc, handOverTo(readNumbering(doc), { to, at: '2026-11-21T03:00:00.000Z', by: 'user:owner', reason })),
      );

    async function startBox(boxId: string): Promise<Box> {
      const dir = await mkdtemp(path.join(tmpdir(), `kiosk-${boxId}-`));
      const store = await connectDatabase({ dataDir: dir });
      await migrateToLatest(store.db);
      const server = await startSyncServer({
        store,
        secret: BOX_SECRET,
        port: 0,
        host: '127.0.0.1',
        upstream: { url: cloud.wsUrl, token: await cloud.tokenFor('box', { deviceId: boxId }), backoff: { baseMs: 20, maxMs: 200 } },
        defaultMetrics: false,
        log: () => {},
        dayWindow: { graceDays: 36_500 },
      });
      const projector = await startProjector({ store, numberingIdentity: boxAuthority(boxId), pollMs: 50, leaseTtlMs: 3_000 });
      const token = await signToken(BOX_SECRET, { tenant: 'demo', outlet: 'main', role: 'terminal', deviceId: `T-${boxId}` });
      const terminal = openTestClient(`ws://127.0.0.1:${server.port}/sync`, DAY_DOC, token);
      await terminal.synced();
      const box = {
        server,
        store,
        projector,
        terminal,
        async close() {
          terminal.destroy();
          await projector.close();
          await server.close();
          await store.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
      cleanups.push(() => box.close());
      return box;
    }

    // A terminal straight on the cloud (no box yet): the cloud numbers.
    const cloudTerminal = cloud.client(DAY_DOC, await cloud.tokenFor('terminal', { deviceId: 'T-cloud' }));
    await cloudTerminal.synced();
    const ids: string[] = [];
    const seq = new Map<string, number>();
    const ring = (client: TestClient, deviceId: string, count: number) => {
      for (let i = 0; i < count; i++) {
        const n = (seq.get(deviceId) ?? 0) + 1;
        seq.set(deviceId, n);
        const id = `${deviceId}-${n}`;
        ids.push(id);
        putTestOrder(client.doc, DAY_DOC, { id, deviceId, deviceSeq: n, createdAt: ids.length });
      }
    };
    ring(cloudTerminal, 'T-cloud', 3);
    await eventually(async () => expectGapless(await numbersIn(cloudStore), 3), { timeoutMs: 15_000 });

    // Box 1 is paired: the authority moves to it. The cloud projector releases (last number 3).
    const box1 = await startBox('box-1');
    await handOver(boxAuthority('box-1'), 'box_paired');
    await eventually(
      async () => {
        const state = readNumbering(await box1.server.relay.getDoc(OUTLET_DOC));
        expect(state.authority).toBe('box:box-1');
        expect(state.released).toBe(true);
        expect(state.lastNumbers[DAY]).toBe(3);
      },
      { timeoutMs: 15_000 },
    );

    // Both keep ringing: orders on the box and straight on the cloud, both projectors in authority mode.
    ring(box1.terminal, 'T-box-1', 5);
    ring(cloudTerminal, 'T-cloud', 4);
    await eventually(
      async () => {
        const box = await numbersIn(box1.store);
        const cloudRows = await numbersIn(cloudStore);
        expectGapless(box, 12);
        expectGapless(cloudRows, 12);
        expect(cloudRows).toEqual(box);
      },
      { timeoutMs: 20_000 },
    );
    const firstNumbers = await numbersIn(cloudStore);

    // A manager's device forges a hand-over back to the cloud: refused where it enters (the record is the server's).
    const manager = cloud.client(OUTLET_DOC, await cloud.tokenFor('manager', { deviceId: 'M-rogue' }));
    await manager.synced();
    const recordBefore = numberingArray(await cloud.server.relay.getDoc(OUTLET_DOC)).length;
    const forged = handOverTo(readNumbering(manager.doc), {
      to: CLOUD_AUTHORITY,
      at: '2026-11-21T04:00:00.000Z',
      by: 'user:rogue',
      reason: 'moved',
      force: true,
    });
    numberingArray(manager.doc).push([forged]);
    await eventually(() => expect(manager.closes.some((c) => c.code === 4403 && c.reason.startsWith('write_rule'))).toBe(true));
    manager.destroy();
    expect(numberingArray(await cloud.server.relay.getDoc(OUTLET_DOC)).length).toBe(recordBefore);
    expect(readNumbering(await box1.server.relay.getDoc(OUTLET_DOC)).authority).toBe('box:box-1');
    ring(cloudTerminal, 'T-cloud', 2);
    await eventually(
      async () => {
        const cloudRows = await numbersIn(cloudStore);
        expectGapless(cloudRows, 14);
        expect(await numbersIn(box1.store)).toEqual(cloudRows);
      },
      { timeoutMs: 20_000 },
    );
    // The two orders were numbered by the box (the cloud's rows adopted them): the box's write-back reached the cloud through the link.
    const boxNumbered = await box1.store.db.selectFrom('orders').select('id').where('number', '>', 12).execute();
    expect(boxNumbered.length).toBe(2);

    // Box 1 is replaced mid-day by box 2: box 1 releases with the last number it gave; box 2 continues.
    const box2 = await startBox('box-2');
    await handOver(boxAuthority('box-2'), 'box_replaced');
    await eventually(
      async () => {
        const state = readNumbering(await box2.server.relay.getDoc(OUTLET_DOC));
        expect(state.authority).toBe('box:box-2');
        expect(state.from).toBe('box:box-1');
        expect(state.released).toBe(true);
        expect(state.lastNumbers[DAY]).toBe(14);
      },
      { timeoutMs: 15_000 },
    );
    ring(box2.terminal, 'T-box-2', 4);
    ring(box1.terminal, 'T-box-1', 2); // box 1 still runs (not yet unplugged): it relays, it does not number
    ring(cloudTerminal, 'T-cloud', 2);
    await eventually(
      async () => {
        const cloudRows = await numbersIn(cloudStore);
        expectGapless(cloudRows, 22);
        expect(await numbersIn(box2.store)).toEqual(cloudRows);
        expect(await numbersIn(box1.store)).toEqual(cloudRows);
      },
      { timeoutMs: 25_000 },
    );
    // Numbers given before a hand-over never change.
    const final = await numbersIn(cloudStore);
    for (const [id, n] of firstNumbers) expect(final.get(id)).toBe(n);
    // Every document shows the same number as the rows.
    const cloudDay = await cloud.server.relay.getDoc(DAY_DOC);
    for (const id of ids) expect((cloudDay.getMap('orders').get(id) as Y.Map<unknown>).get('number')).toBe(final.get(id));
    expect(ids.length).toBe(22);
  });
});
