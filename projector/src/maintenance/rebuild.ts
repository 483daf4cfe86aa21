/**
 * `kiosk rebuild`: drop every projected row and project the whole update log again.
 *
 * Numbers are reproduced, not re-drawn: documents are loaded to the end of the log, so an
 * order's number (written back earlier) is in its document when the order is projected, and the
 * counters are raised to those numbers before any new one is assigned. Orders that never got a
 * number get the next ones, after every existing number of their day.
 *
 * Takes the all-outlets lease while it runs: a running projector must be stopped first.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { countLogRows, readSince, type KioskDatabase } from '@kiosk/store';
import { ALL_OUTLETS, Lease, type ProjectorMode } from '../numbering/lease';
import { cursorNameFor } from '../projector';
import { DocCache } from '../tail/doc-cache';
import { BatchProjector } from '../tail/batch-projector';

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
}

export interface RebuildResult {
  updates: number;
  orders: number;
  numbersAssigned: number;
  errors: number;
  seconds: number;
}

/** Tables a rebuild empties (the projection and its bookkeeping; never the log or the documents). */
export const PROJECTED_TABLES = [
  'orders',
  'order_lines',
  'order_line_modifiers',
  'payments',
  'kitchen_events',
  'voids_refunds',
  'order_numbers',
  'projector_cursor',
  'projector_errors',
] as const;

export async function rebuild(options: RebuildOptions): Promise<RebuildResult> {
  const { store } = options;
  const mode = options.mode ?? 'authority';
  const started = Date.now();
  const lease = new Lease({ holder: `rebuild-${randomUUID().slice(0, 8)}`, mode, scopes: [ALL_OUTLETS], ttlMs: 120_000 });
  const others = await store.db
    .selectFrom('projector_leases')
    .select(['tenant_id', 'outlet_id', 'holder'])
    .where('expires_at', '>', sql<Date>`now()`)
    .execute();
  if (others.length > 0 || !(await lease.tryAcquire(store.db))) {
    const who = others.map((o) => `${o.holder} (${o.tenant_id}/${o.outlet_id})`).join(', ');
    throw new Error(`projectors are running${who ? `: ${who}` : ''}; stop them (kiosk project / kiosk start) before \`kiosk rebuild\``);
  }
  try {
    await store.db.transaction().execute(async (trx) => {
      await sql.raw(`truncate ${PROJECTED_TABLES.join(', ')}`).execute(trx);
    });
    const cache = new DocCache({ store, maxDocs: 200, idleMs: 60_000 });
    const cursorName = cursorNameFor(mode);
    const engine = new BatchProjector({ store, cache, cursorName, assignNumbers: mode === 'authority', lease });
    const countRows = () => countLogRows(store);
    let total = await countRows();
    let done = 0;
    let cursor = 0;
    const result: RebuildResult = { updates: 0, orders: 0, numbersAssigned: 0, errors: 0, seconds: 0 };
    const report = () => options.onProgress?.({ done, total: Math.max(total, done), rate: done / Math.max(0.001, (Date.now() - started) / 1000) });
    report();
    for (;;) {
      const rows = await readSince(store, cursor, options.batchSize ?? 5_000, cache.appliedUpTo());
      if (rows.length === 0) break;
      const lastId = rows[rows.length - 1].id;
      const outcome = await engine.processBatch(rows, { afterId: cursor, lastId, inScope: () => true });
      cursor = lastId;
      done += rows.length;
      result.orders += outcome.orders;
      result.numbersAssigned += outcome.assigned;
      result.errors += outcome.errors;
      if (done >= total) total = await countRows();
      cache.evictIdle();
      report();
    }
    cache.evictAll();
    result.updates = done;
    result.seconds = (Date.now() - started) / 1000;
    return result;
  } finally {
    await lease.release(store.db).catch(() => {});
  }
}
