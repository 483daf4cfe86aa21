/**
 * kill -9 of the projector at 20 random points during a 5,000-order stream from 5 terminals,
 * restarting it each time. At the end every order has exactly one row, the numbers of the day
 * are exactly 1..5000, and verify finds no difference.
 *
 * PostgreSQL (KIOSK_TEST_DATABASE_URL set): the terminals stream from this process into the
 * update log while the projector runs — and is killed — in a child process.
 * PGlite: a data directory belongs to one process, so the child runs the projector AND the
 * stream; both die on kill -9 and the stream resumes after the last order it had committed
 * (like terminals replaying from IndexedDB). This process only opens the directory at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { eventually } from '@kiosk/shared/testing';
import { sql } from 'kysely';
import { connectDatabase, type KioskDatabase } from '@kiosk/store';
import { migrateToLatest } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { appendUpdates } from '@kiosk/store';
import { verify } from './maintenance/verify';
import { seededRandom } from '@kiosk/shared/testing';
import { Workload } from './testing/workload';

const TOTAL = 5_000;
const KILLS = 20;
const STREAM_ORIGIN = 'stream';
const STREAM_T0 = Date.parse('2026-11-22T01:00:00Z');
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing', 'kill-child.ts');

interface Progress {
  written: number;
  cursor: number;
  batches: number;
}

/** The child's last progress line before it died. */
function lastProgress(output: string): Progress | undefined {
  const lines = output.split('\n').filter((l) => l.startsWith('progress '));
  const last = lines.at(-1);
  return last ? (JSON.parse(last.slice('progress '.length)) as Progress) : undefined;
}

function spawnChild(env: Record<string, string>): { child: ChildProcess; ready: Promise<void>; exited: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', () => reject(new Error(`child exited before ready: ${out}`)));
  });
  ready.catch(() => {});
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready, exited, output: () => out };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function checkEnd(store: KioskDatabase): Promise<void> {
  const streamed = await store.db
    .selectFrom('update_log')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('origin', '=', STREAM_ORIGIN)
    .executeTakeFirstOrThrow();
  expect(streamed.n).toBe(TOTAL);
  const rows = await store.db.selectFrom('orders').select(['id', 'number', 'business_day']).execute();
  expect(rows).toHaveLength(TOTAL);
  expect(new Set(rows.map((r) => r.id)).size).toBe(TOTAL);
  const numbers = rows.map((r) => r.number).sort((a, b) => (a ?? 0) - (b ?? 0));
  expect(numbers).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
  expect(await verify({ store })).toEqual([]);
}

describe.each(testDatabaseTargets())('kill -9 during a 5,000-order stream on $name', (target) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn();
  });

  // CPU-bound (20 child processes, 5,000 orders): 226 s alone on a loaded 2-core machine, so the
  // ceiling leaves room for the other test files running beside it.
  test('20 kills and restarts: one row per order, numbers 1..N, verify clean', { timeout: 600_000 }, async () => {
    const random = seededRandom(20261122);
    const w = await Workload.create({ seed: 99, rotateEvery: 10 });
    let live: ReturnType<typeof spawnChild> | undefined;
    cleanup.push(async () => {
      live?.child.kill('SIGKILL');
    });

    if (target.name === 'postgres') {
      const store = await target.open();
      cleanup.push(() => store.close());
      const url = (store as KioskDatabase & { url?: string }).url!;
      await appendUpdates(store.db, [w.outletUpdate()]);
      // The terminals stream from here, at a pace that spreads 5,000 orders over the kills.
      let streamed = 0;
      const writer = (async () => {
        while (streamed < TOTAL) {
          const batch = [];
          for (let i = 0; i < 25 && streamed < TOTAL; i++, streamed++)
            batch.push({ ...w.order(streamed % 5, STREAM_T0 + streamed * 100), origin: STREAM_ORIGIN });
          await appendUpdates(store.db, batch);
          await sleep(250);
        }
      })();
      cleanup.push(() => writer.catch(() => {}));
      const cursorNow = async () => (await store.db.selectFrom('projector_cursor').select('last_id').executeTakeFirst())?.last_id ?? 0;
      const atKill: { streamed: number; cursor: number }[] = [];
      for (let k = 0; k < KILLS; k++) {
        const before = await cursorNow();
        live = spawnChild({ KILL_DB: url });
        await live.ready;
        // A random point after this run committed something (a restart replays the day
        // documents first; killing before its first commit would test nothing new).
        await eventually(async () => expect(streamed === TOTAL || (await cursorNow()) > before).toBe(true), { timeoutMs: 30_000, intervalMs: 10 });
        await sleep(Math.floor(random() * 400));
        live.child.kill('SIGKILL');
        await live.exited;
        atKill.push({ streamed, cursor: await cursorNow() });
      }
      // Honest kills: most of them while orders were still streaming in.
      expect(atKill.filter((a) => a.streamed < TOTAL).length).toBeGreaterThanOrEqual(15);
      expect(new Set(atKill.map((a) => a.cursor)).size).toBeGreaterThanOrEqual(15);
      await writer;
      live = spawnChild({ KILL_DB: url, KILL_FINISH: '1' });
      expect(await live.exited, live.output()).toBe(0);
      await checkEnd(store);
    } else {
      const dir = mkdtempSync(path.join(tmpdir(), 'kiosk-kill-'));
      cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
      const setup = await connectDatabase({ dataDir: dir });
      await migrateToLatest(setup.db);
      await appendUpdates(setup.db, [w.outletUpdate()]);
      await setup.close();
      const env = { KILL_DB: dir, KILL_WRITER: '1', KILL_TOTAL: String(TOTAL), KILL_CHUNK: '20', KILL_INTERVAL_MS: '100' };
      const atKill: Progress[] = [];
      let lastCursor = 0;
      for (let k = 0; k < KILLS; k++) {
        const child = spawnChild(env);
        live = child;
        await child.ready;
        // A random point after this run committed something (see above).
        await eventually(
          () => {
            const progress = lastProgress(child.output());
            expect(progress !== undefined && (progress.written === TOTAL || progress.cursor > lastCursor)).toBe(true);
          },
          { timeoutMs: 30_000, intervalMs: 10 },
        );
        await sleep(Math.floor(random() * 400));
        child.child.kill('SIGKILL');
        await child.exited;
        const progress = lastProgress(child.output());
        if (progress) {
          atKill.push(progress);
          lastCursor = progress.cursor;
        }
      }
      // Honest kills: most of them while this child was still streaming orders in.
      expect(atKill.filter((a) => a.written >= 0 && a.written < TOTAL).length).toBeGreaterThanOrEqual(12);
      expect(new Set(atKill.map((a) => a.cursor)).size).toBeGreaterThanOrEqual(12);
      live = spawnChild({ ...env, KILL_FINISH: '1' });
      expect(await live.exited, live.output()).toBe(0);
      const store = await connectDatabase({ dataDir: dir });
      cleanup.push(() => store.close());
      await checkEnd(store);
    }
  });
});
