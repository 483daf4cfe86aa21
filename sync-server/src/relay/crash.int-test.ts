/**
 * kill -9 of the relay during a stream of orders: after a restart and the clients' reconnect,
 * every order any client wrote is stored, and no struct is stored twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { eventually, putTestOrder } from '@kiosk/shared/testing';
import { connectDatabase, type KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { signToken } from '../auth/tokens';
import { openTestClient, TEST_SECRET, type TestClient } from '../testing/start-test-relay';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface RelayProcess {
  child: ChildProcess;
  port: number;
}

async function spawnRelay(env: Record<string, string>): Promise<RelayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/src/testing/relay-process.ts'], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"port":(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`relay process exited with ${code}: ${stderr}`)));
  });
  return { child, port };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Struct ranges per client in every log row; an overlap means something was stored twice. */
function overlaps(updates: Uint8Array[]): string[] {
  const ranges = new Map<number, Array<[number, number]>>();
  for (const u of updates) {
    for (const s of Y.decodeUpdate(u).structs) {
      if (s instanceof Y.Skip) continue;
      const list = ranges.get(s.id.client) ?? [];
      list.push([s.id.clock, s.id.clock + s.length]);
      ranges.set(s.id.client, list);
    }
  }
  const problems: string[] = [];
  for (const [client, list] of ranges) {
    list.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < list.length; i++) if (list[i][0] < list[i - 1][1]) problems.push(`client ${client}: ${list[i - 1]} and ${list[i]}`);
  }
  return problems;
}

describe.each(testDatabaseTargets())('kill -9 of the relay on $name', (target) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  test('every order written by clients is stored after restart and reconnect, nothing twice', async () => {
    let env: Record<string, string>;
    let openStore: () => Promise<KioskDatabase>;
    if (target.name === 'pglite') {
      const dir = await mkdtemp(path.join(tmpdir(), 'kiosk-crash-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      env = { KIOSK_TEST_DATA_DIR: dir };
      openStore = () => connectDatabase({ dataDir: dir });
    } else {
      const store = await target.open();
      cleanups.push(() => store.close());
      env = { KIOSK_TEST_DATABASE_URL: (store as KioskDatabase & { url: string }).url, KIOSK_TEST_DATA_DIR: '' };
      openStore = async () => store;
    }
    let relay = await spawnRelay(env);
    cleanups.push(async () => {
      relay.child.kill('SIGKILL');
      await exited(relay.child);
    });
    const wsUrl = (port: number) => `ws://127.0.0.1:${port}/sync`;
    const docName = 'demo/main/2026-11-20';
    const token = (role: 'terminal' | 'kitchen', deviceId: string) => signToken(TEST_SECRET, { tenant: 'demo', outlet: 'main', role, deviceId });
    const terminals: TestClient[] = [];
    for (const id of ['T1', 'T2']) terminals.push(openTestClient(wsUrl(relay.port), docName, await token('terminal', id)));
    const kitchen = openTestClient(wsUrl(relay.port), docName, await token('kitchen', 'K1'));
    cleanups.push(async () => {
      for (const c of [...terminals, kitchen]) c.destroy();
    });
    await Promise.all([...terminals, kitchen].map((c) => c.synced()));

    // a stream of orders from both terminals, every few ms, across the crash
    const written = new Set<string>();
    let stop = false;
    const writer = (async () => {
      let n = 0;
      while (!stop) {
        for (const [i, t] of terminals.entries()) {
          const id = `T${i + 1}-${n}`;
          putTestOrder(t.doc, docName, { id, deviceId: `T${i + 1}`, total: 1000 + n, deviceSeq: n + 1 });
          written.add(id);
        }
        n++;
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    })();
    await eventually(() => expect(written.size).toBeGreaterThan(150));
    relay.child.kill('SIGKILL');
    await exited(relay.child);
    const atCrash = written.size;
    // clients keep writing while the relay is down
    await eventually(() => expect(written.size).toBeGreaterThan(atCrash + 40));
    relay = await spawnRelay({ ...env, KIOSK_TEST_PORT: String(relay.port) });
    await eventually(() => expect(terminals.every((t) => t.provider.synced)).toBe(true), { timeoutMs: 20_000 });
    await eventually(() => expect(written.size).toBeGreaterThan(atCrash + 80));
    stop = true;
    await writer;

    // everything reaches a fresh client and the kitchen
    const fresh = openTestClient(wsUrl(relay.port), docName, await token('kitchen', 'K2'));
    cleanups.push(async () => fresh.destroy());
    await eventually(
      () => {
        expect(new Set(fresh.doc.getMap('orders').keys())).toEqual(written);
        expect(kitchen.doc.getMap('orders').size).toBe(written.size);
      },
      { timeoutMs: 20_000 },
    );

    // and is in the log, each struct once
    relay.child.kill('SIGTERM');
    await exited(relay.child);
    const store = await openStore();
    const rows = await store.db.selectFrom('update_log').select(['update', 'device_id']).where('doc_name', '=', docName).orderBy('id').execute();
    if (target.name === 'pglite') await store.close();
    const fromLog = new Y.Doc();
    for (const r of rows) Y.applyUpdate(fromLog, r.update);
    expect(new Set(fromLog.getMap('orders').keys())).toEqual(written);
    expect(overlaps(rows.map((r) => r.update))).toEqual([]);
    // device_id is the device that delivered the row: the kitchen may deliver orders it had
    // received from the relay just before the crash (catch-up after reconnect)
    const devices = new Set(rows.map((r) => r.device_id));
    expect(devices.has('T1') && devices.has('T2')).toBe(true);
    expect([...devices].every((d) => ['T1', 'T2', 'K1'].includes(d))).toBe(true);
  });
});
