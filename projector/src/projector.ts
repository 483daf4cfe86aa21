/**
 * The projector process: tails the update log from its persisted cursor and turns document
 * changes into rows (see `tail/batch-projector.ts`), assigning daily order numbers when it is the
 * numbering authority.
 *
 * Wake-up: LISTEN on `kiosk_update_log` (PostgreSQL and PGlite both deliver it) wakes the loop
 * at once, so an order placed on an idle system is numbered within milliseconds; a slow poll
 * (`pollMs`) is the safety net for a lost notification or a dropped LISTEN connection.
 * Batching: each wake reads up to `batchSize` log rows — one row when idle, thousands under
 * load — and writes them in one transaction.
 */
import { randomUUID } from 'node:crypto';
import type { KioskDatabase } from '@kiosk/store';
import { maxLogId, readSince, UPDATE_LOG_CHANNEL } from '@kiosk/store';
import { ALL_OUTLETS, Lease, LeaseLostError, outletsLeasedByOthers, type LeaseScope, type ProjectorMode } from './numbering/lease';
import { CLOUD_AUTHORITY, type NumberingAuthority } from '@kiosk/shared';
import { OutletNumbering } from './numbering/authority';
import { DocCache, describe } from './tail/doc-cache';
import { BatchProjector } from './tail/batch-projector';

export interface ProjectorLogger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

const consoleLogger: ProjectorLogger = {
  info: () => {},
  warn: (message, data) => console.warn(`projector: ${message}`, data ?? ''),
  error: (message, data) => console.error(`projector: ${message}`, data ?? ''),
};

export interface ProjectorOptions {
  store: KioskDatabase;
  /** Lease holder name; default `projector-<random>`. */
  instanceId?: string;
  /** 'authority' assigns numbers (default) — for the outlets whose numbering authority it is; 'mirror' only writes rows. */
  mode?: ProjectorMode;
  /**
   * Who this projector is for the outlets' numbering record (`numbering/authority.ts`): `cloud`
   * (default) or `box:<device id>` on a LAN box. In 'authority' mode it numbers only the outlets
   * that name it, and releases an outlet handed over from it.
   */
  numberingIdentity?: NumberingAuthority;
  /** Only these outlets (`tenant/outlet`); default every outlet. */
  outlets?: readonly string[];
  /** Log rows read per batch (default 2,000). */
  batchSize?: number;
  /** Orders per transaction when a batch changes more (default 2,000). */
  maxOrdersPerTransaction?: number;
  /** Safety-net poll interval when no notification arrives (default 1,000 ms). */
  pollMs?: number;
  /** Lease length (default 15 s); renewed every third of it. */
  leaseTtlMs?: number;
  /** Cursor row name; default derived from mode and outlets (`authority:*`). */
  cursorName?: string;
  /** Device ids whose order numbers are adopted like the projector's own (`--trusted-writers`; see `project/trust.ts`). */
  trustedWriters?: readonly string[];
  logger?: ProjectorLogger;
}

export interface ProjectorStats {
  instanceId: string;
  mode: ProjectorMode;
  cursor: number;
  leaseHeld: boolean;
  batches: number;
  orders: number;
  numbersAssigned: number;
  errors: number;
  failures: number;
  docsLoaded: number;
  idle: boolean;
  /** Milliseconds spent applying log rows, projecting, and writing. */
  timings: { apply: number; project: number; write: number };
}

export interface Projector {
  /** Stops the loop, releases the lease and the LISTEN connection. Does not close the store. */
  close(): Promise<void>;
  /** Resolves once everything in the log at the time of the call has been projected. */
  waitForIdle(options?: { timeoutMs?: number }): Promise<void>;
  stats(): ProjectorStats;
}

/** Cursor row name of a projector configuration. */
export function cursorNameFor(mode: ProjectorMode, outlets?: readonly string[]): string {
  return `${mode}:${outlets && outlets.length > 0 ? [...outlets].sort().join(',') : '*'}`;
}

export async function readCursor(store: KioskDatabase, name: string): Promise<number> {
  const row = await store.db.selectFrom('projector_cursor').select('last_id').where('name', '=', name).executeTakeFirst();
  return row?.last_id ?? 0;
}

/**
 * Starts projecting. Resolves once the loop runs (the lease may still be held by another
 * projector: this one then waits, see `stats().leaseHeld`).
 *
 * ```ts
 * const projector = await startProjector({ store });
 * await projector.waitForIdle();
 * await projector.close();
 * ```
 */
export async function startProjector(options: ProjectorOptions): Promise<Projector> {
  const { store } = options;
  const mode = options.mode ?? 'authority';
  const instanceId = options.instanceId ?? `projector-${randomUUID().slice(0, 8)}`;
  const logger = options.logger ?? consoleLogger;
  const batchSize = options.batchSize ?? 2_000;
  const pollMs = options.pollMs ?? 1_000;
  const outlets = options.outlets && options.outlets.length > 0 ? new Set(options.outlets) : null;
  const scopes: LeaseScope[] = outlets
    ? [...outlets].map((o) => {
        const [tenant, outlet] = o.split('/');
        if (!tenant || !outlet) throw new Error(`outlets: ${JSON.stringify(o)} must be "tenant/outlet"`);
        return { tenant, outlet };
      })
    : [ALL_OUTLETS];
  const lease = new Lease({ holder: instanceId, mode, scopes, ttlMs: options.leaseTtlMs });
  const cursorName = options.cursorName ?? cursorNameFor(mode, options.outlets);
  const cache = new DocCache({ store });
  const engine = new BatchProjector({
    store,
    cache,
    cursorName,
    assignNumbers: mode === 'authority',
    numbering: mode === 'authority' ? new OutletNumbering(store, options.numberingIdentity ?? CLOUD_AUTHORITY) : undefined,
    lease,
    maxOrdersPerTransaction: options.maxOrdersPerTransaction,
    trustedWriters: options.trustedWriters,
  });

  let closed = false;
  let leaseHeld = false;
  let lastRenew = 0;
  let cursor = 0;
  let idle = false;
  const counters = { batches: 0, orders: 0, numbersAssigned: 0, errors: 0, failures: 0 };
  let wakeUp: (() => void) | null = null;
  let pendingWake = false;
  const idleWaiters = new Set<() => void>();

  const wake = () => {
    pendingWake = true;
    wakeUp?.();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (pendingWake || closed) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });

  const unlisten = await store.listen(UPDATE_LOG_CHANNEL, wake);

  const inScopeFor = (leasedByOthers: Set<string>) => (tenant: string, outlet: string) => {
    const key = `${tenant}/${outlet}`;
    if (outlets) return outlets.has(key);
    return !leasedByOthers.has(key);
  };

  async function loop(): Promise<void> {
    let sameBatchFailures = 0;
    let failedAt = -1;
    while (!closed) {
      try {
        if (!leaseHeld || Date.now() - lastRenew > lease.ttlMs / 3) {
          const held = await lease.tryAcquire(store.db);
          if (held && !leaseHeld) {
            // Another holder may have moved the cursor and the documents meanwhile.
            cache.evictAll();
            cursor = await readCursor(store, cursorName);
            await engine.restoreDeferred();
            logger.info('lease acquired', { instanceId, mode, cursor });
          }
          if (!held && leaseHeld) logger.warn('lease lost', { instanceId });
          leaseHeld = held;
          lastRenew = Date.now();
          if (!held) {
            await sleep(Math.min(pollMs, lease.ttlMs / 3));
            pendingWake = false;
            continue;
          }
        }
        pendingWake = false;
        const rows = await readSince(store, cursor, batchSize, cache.appliedUpTo());
        if (rows.length === 0) {
          idle = true;
          for (const resolve of idleWaiters) resolve();
          cache.evictIdle();
          await sleep(Math.min(pollMs, lease.ttlMs / 3));
          continue;
        }
        idle = false;
        const lastId = rows[rows.length - 1].id;
        const leasedByOthers = outlets ? new Set<string>() : await outletsLeasedByOthers(store.db, instanceId);
        for (const doc of cache.loaded()) if (leasedByOthers.has(`${doc.tenant}/${doc.outlet}`)) cache.evict([doc.name]);
        const isolate = sameBatchFailures >= 3 && failedAt === cursor;
        const outcome = await engine.processBatch(rows, { afterId: cursor, lastId, inScope: inScopeFor(leasedByOthers), isolate });
        cursor = lastId;
        lastRenew = Date.now();
        sameBatchFailures = 0;
        counters.batches++;
        counters.orders += outcome.orders;
        counters.numbersAssigned += outcome.assigned;
        counters.errors += outcome.errors;
      } catch (error) {
        if (closed) break;
        counters.failures++;
        if (error instanceof LeaseLostError) {
          leaseHeld = false;
          cache.evictAll();
          logger.warn('lease lost during a batch; waiting to take it again', { instanceId, error: describe(error) });
          continue;
        }
        sameBatchFailures = failedAt === cursor ? sameBatchFailures + 1 : 1;
        failedAt = cursor;
        logger.error('batch failed; retrying', { cursor, attempt: sameBatchFailures, error: describe(error) });
        await sleep(Math.min(5_000, 50 * 2 ** sameBatchFailures));
        pendingWake = false;
        try {
          cursor = await readCursor(store, cursorName);
        } catch {
          // The database is away; the next iteration retries.
        }
      }
    }
  }

  const running = loop();

  return {
    async close() {
      if (closed) return;
      closed = true;
      wakeUp?.();
      await running;
      for (const resolve of idleWaiters) resolve();
      await unlisten().catch(() => {});
      if (leaseHeld) await lease.release(store.db).catch(() => {});
      cache.evictAll();
    },
    async waitForIdle(waitOptions) {
      const timeoutMs = waitOptions?.timeoutMs ?? 60_000;
      const target = await maxLogId(store);
      const deadline = Date.now() + timeoutMs;
      while (!(idle && cursor >= Number(target))) {
        if (closed) throw new Error('projector is closed');
        if (Date.now() > deadline)
          throw new Error(`projector not idle after ${timeoutMs} ms (cursor ${cursor}, log at ${target}, lease ${leaseHeld ? 'held' : 'not held'})`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(finish, 50);
          function finish() {
            clearTimeout(timer);
            idleWaiters.delete(finish);
            resolve();
          }
          idleWaiters.add(finish);
          wake();
        });
      }
    },
    stats() {
      return { instanceId, mode, cursor, leaseHeld, ...counters, docsLoaded: cache.size, idle, timings: { ...engine.timings } };
    },
  };
}
