/**
 * `kiosk rebuild`: project the whole update log again, into a SHADOW of the projected tables
 * (`shadow-tables.ts`), and swap the result in with one transaction at the end. A failure at any
 * point before that commit — an order the database refuses (a number of 3,000,000,000 does not
 * fit `integer`), a kill -9, a lost connection — leaves the live rows exactly as they were;
 * the next rebuild drops the leftover shadow and starts again.
 *
 * Numbers are reproduced, not re-drawn: documents are loaded to the end of the log, so an
 * order's number (written back earlier) is in its document when the order is projected, and the
 * counters are raised to those numbers before any new one is assigned. Orders that never got a
 * number get the next ones, after every existing number of their day (their write-back goes to
 * the log at once, as the projector's own; if the rebuild fails later the live projector reads
 * those numbers back from the log and keeps them, so none is ever assigned twice).
 *
 * Decisions:
 * - An order the database refuses FAILS the rebuild with a `RebuildError` listing every refused
 *   order (order id, business day, reason), and nothing is swapped. A rebuild is an operator's
 *   repair; silently producing a projection with holes would hide the very fault it was run
 *   for. Every other order is still tried (one per transaction after the first failure), so the
 *   list is complete in one run.
 * - An order whose document no longer holds it (deleted by a device before the relay's write
 *   rules refused that) is KEPT: its live row and child rows are copied over with the flag
 *   `deleted_from_document`. History is never removed by a rebuild. Live orders that are still
 *   in their document but could not be read (their errors are in `projector_errors`) are kept
 *   the same way, flagged `not_projected_by_rebuild`.
 * - Counters never go down (`carryCounters`).
 *
 * Exclusion: a session advisory lock (`REBUILD_LOCK_KEY`, one rebuild at a time; released by
 * the database when a killed rebuild's connection dies) and the all-outlets projector lease held
 * as `rebuild` (a projector that starts meanwhile waits; the lease of a killed rebuild is taken
 * over at once by the next one, which holds the advisory lock). A projector that is already
 * running must be stopped first.
 *
 * Everything runs on ONE connection of the store (`connection()`), whose `search_path` points at
 * the shadow while the projector's unchanged writer fills it; it is set back before the
 * connection returns to the pool.
 */
import { sql } from 'kysely';
import { ordersMap } from '@kiosk/shared';
import { countLogRows, readSince, type KioskDatabase } from '@kiosk/store';
import { ALL_OUTLETS, Lease, LeaseLostError, type ProjectorMode } from '../numbering/lease';
import { cursorNameFor } from '../projector';
import { DocCache } from '../tail/doc-cache';
import { BatchProjector } from '../tail/batch-projector';
import {
  carryCounters,
  createShadow,
  DELETED_FROM_DOCUMENT,
  dropShadow,
  keepLiveOrders,
  ordersMissingFromShadow,
  REBUILD_LOCK_KEY,
  SHADOW_SCHEMA,
  SHADOWED_TABLES,
  swapIn,
  useLive,
  useShadow,
} from './shadow-tables';

export { DELETED_FROM_DOCUMENT, SHADOW_SCHEMA } from './shadow-tables';

/** Flag of a live order that is still in its document but could not be projected again. */
export const NOT_PROJECTED_BY_REBUILD = 'not_projected_by_rebuild';

/** Holder name of the rebuild's lease (stable, so the next rebuild takes over a killed one's). */
export const REBUILD_HOLDER = 'rebuild';

export interface RebuildProgress {
  /** Update-log rows processed so far. */
  done: number;
  /** Rows in the log (grows by the number write-backs the rebuild itself appends). */
  total: number;
  /** Rows per second so far. */
  rate: number;
}

export interface RebuildOptions {
  store: KioskDatabase;
  onProgress?: (progress: RebuildProgress) => void;
  /** Default 'authority' (numbers orders that have none). */
  mode?: ProjectorMode;
  batchSize?: number;
  /** Milliseconds clock for the reported durations (default `performance.now`). */
  now?: () => number;
  /** As the projector's `trustedWriters`: the same checks as the live projection. */
  trustedWriters?: readonly string[];
}

export interface RebuildResult {
  updates: number;
  orders: number;
  numbersAssigned: number;
  errors: number;
  /** Live orders kept because their document no longer holds them (flag `deleted_from_document`). */
  keptDeleted: number;
  /** Live orders kept because they could not be projected again (flag `not_projected_by_rebuild`). */
  keptUnreadable: number;
  seconds: number;
  /** Duration of the swap transaction alone, in milliseconds. */
  swapMs: number;
}

export interface RefusedOrder {
  orderId: string;
  docName: string;
  businessDay: string;
  reason: string;
}

/** The rebuild refused to swap: these orders cannot be written. The live rows are unchanged. */
export class RebuildError extends Error {
  override name = 'RebuildError';
  constructor(readonly refused: readonly RefusedOrder[]) {
    super(
      `rebuild refused: ${refused.length} order(s) cannot be written; the live tables are unchanged\n` +
        refused.map((r) => `  order ${r.orderId} (${r.businessDay}): ${r.reason}`).join('\n'),
    );
  }
}

/** Tables a rebuild replaces (the projection and its bookkeeping; never the log or the documents). */
export const PROJECTED_TABLES = SHADOWED_TABLES;

const WRITE_FAILURE = 'order cannot be written: ';

export async function rebuild(options: RebuildOptions): Promise<RebuildResult> {
  const { store } = options;
  const now = options.now ?? (() => performance.now());
  const started = now();
  const mode = options.mode ?? 'authority';
  // One connection for everything: the session advisory lock and the search_path live on it.
  return store.db.connection().execute(async (conn) => {
    const locked = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${REBUILD_LOCK_KEY}) as ok`.execute(conn);
    if (!locked.rows[0]?.ok) throw new Error('another `kiosk rebuild` is running');
    const onConn: KioskDatabase = {
      kind: store.kind,
      db: conn,
      description: store.description,
      listen: (channel, onNotify) => store.listen(channel, onNotify),
      close: async () => {},
    };
    const lease = new Lease({ holder: REBUILD_HOLDER, mode, scopes: [ALL_OUTLETS], ttlMs: 120_000 });
    try {
      const others = await conn
        .selectFrom('projector_leases')
        .select(['tenant_id', 'outlet_id', 'holder'])
        .where('expires_at', '>', sql<Date>`now()`)
        .where('holder', '<>', REBUILD_HOLDER)
        .execute();
      if (others.length > 0 || !(await lease.tryAcquire(conn))) {
        const who = others.map((o) => `${o.holder} (${o.tenant_id}/${o.outlet_id})`).join(', ');
        throw new Error(`projectors are running${who ? `: ${who}` : ''}; stop them (kiosk project / kiosk start) before \`kiosk rebuild\``);
      }
      await createShadow(conn);
      await useShadow(conn);
      const result = await projectIntoShadow(onConn, lease, mode, options, now, started);
      result.swapMs = await swap(conn, lease);
      await dropShadow(conn);
      result.seconds = (now() - started) / 1000;
      return result;
    } finally {
      await useLive(conn).catch(() => {});
      await lease.release(conn).catch(() => {});
      await sql`select pg_advisory_unlock(${REBUILD_LOCK_KEY})`.execute(conn).catch(() => {});
    }
  });
}

async function projectIntoShadow(
  store: KioskDatabase,
  lease: Lease,
  mode: ProjectorMode,
  options: RebuildOptions,
  now: () => number,
  started: number,
): Promise<RebuildResult> {
  const cache = new DocCache({ store, maxDocs: 200, idleMs: 60_000 });
  const engine = new BatchProjector({
    store,
    cache,
    cursorName: cursorNameFor(mode),
    assignNumbers: mode === 'authority',
    lease,
    trustedWriters: options.trustedWriters,
    numbersFromLive: true,
  });
  let total = await countLogRows(store);
  let done = 0;
  let cursor = 0;
  const result: RebuildResult = { updates: 0, orders: 0, numbersAssigned: 0, errors: 0, keptDeleted: 0, keptUnreadable: 0, seconds: 0, swapMs: 0 };
  const report = () => options.onProgress?.({ done, total: Math.max(total, done), rate: done / Math.max(0.001, (now() - started) / 1000) });
  report();
  for (;;) {
    const rows = await readSince(store, cursor, options.batchSize ?? 5_000, cache.appliedUpTo());
    if (rows.length === 0) break;
    const lastId = rows[rows.length - 1].id;
    const batch = { afterId: cursor, lastId, inScope: () => true };
    let outcome;
    try {
      outcome = await engine.processBatch(rows, batch);
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      // One order per transaction: every order that can be written is, and each one that
      // cannot is recorded (in the shadow's projector_errors) for the RebuildError below.
      outcome = await engine.processBatch(rows, { ...batch, isolate: true });
    }
    cursor = lastId;
    done += rows.length;
    result.orders += outcome.orders;
    result.numbersAssigned += outcome.assigned;
    result.errors += outcome.errors;
    if (done >= total) total = await countLogRows(store);
    cache.evictIdle();
    report();
  }
  result.updates = done;

  const refused = await store.db
    .selectFrom('projector_errors')
    .select(['order_id', 'doc_name', 'error'])
    .where('error', 'like', `${WRITE_FAILURE}%`)
    .orderBy('id')
    .execute();
  if (refused.length > 0) {
    cache.evictAll();
    throw new RebuildError(
      refused.map((r) => ({
        orderId: r.order_id ?? '?',
        docName: r.doc_name,
        businessDay: r.doc_name.split('/')[2] ?? '?',
        reason: r.error.slice(WRITE_FAILURE.length),
      })),
    );
  }

  // Live rows the rebuild did not produce are kept, flagged with why.
  const missing = await ordersMissingFromShadow(store.db);
  const keep: { tenant_id: string; id: string; flag: string }[] = [];
  for (const m of missing) {
    const [tenant, outlet, day] = m.doc_name.split('/');
    let inDocument = false;
    if (day) {
      const entry = await cache.get({ docName: m.doc_name, tenant, outlet, day });
      inDocument = ordersMap(entry.doc).has(m.id);
    }
    keep.push({ tenant_id: m.tenant_id, id: m.id, flag: inDocument ? NOT_PROJECTED_BY_REBUILD : DELETED_FROM_DOCUMENT });
    if (inDocument) result.keptUnreadable++;
    else result.keptDeleted++;
  }
  cache.evictAll();
  await keepLiveOrders(store.db, keep);
  await carryCounters(store.db);
  return result;
}

/** The one transaction that replaces the live rows; returns its duration in milliseconds. */
async function swap(conn: KioskDatabase['db'], lease: Lease): Promise<number> {
  const t0 = performance.now();
  await conn.transaction().execute(async (trx) => {
    await lease.renewIn(trx);
    await swapIn(trx);
  });
  return performance.now() - t0;
}
