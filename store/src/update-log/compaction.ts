/**
 * Compaction: merges a document's snapshot and the update_log rows after it into a new
 * snapshot, in one transaction, so loads apply one update instead of thousands.
 *
 * Log rows are NEVER deleted here: the projector and `kiosk rebuild` read the log from the
 * start, and deleting only rows the projector has consumed would couple the relay to the
 * projector's cursor. The snapshot only makes loads fast. A crash mid-compaction rolls the
 * transaction back: the old snapshot and every row are still there, nothing is lost.
 */
import { sql } from 'kysely';
import * as Y from 'yjs';
import type { KioskDatabase } from '../connect';
import { parseDocName } from '@kiosk/shared';

export interface CompactionResult {
  docName: string;
  /** Rows merged into the snapshot by this call (0: nothing to do). */
  mergedRows: number;
  uptoId: number;
  snapshotBytes: number;
}

export async function compactDocument(store: KioskDatabase, docName: string): Promise<CompactionResult> {
  const name = parseDocName(docName);
  return store.db.transaction().execute(async (trx) => {
    // Serializes compactions of one document (two relays compacting at once would both merge
    // the same rows; harmless, but wasted work and a lost-update race on the snapshot row).
    await sql`select pg_advisory_xact_lock(727002, hashtext(${docName}))`.execute(trx);
    const snapshot = await trx.selectFrom('doc_snapshots').select(['snapshot', 'upto_id']).where('doc_name', '=', docName).executeTakeFirst();
    const rows = await trx
      .selectFrom('update_log')
      .select(['id', 'update'])
      .where('doc_name', '=', docName)
      .where('id', '>', snapshot?.upto_id ?? 0)
      .orderBy('id')
      .execute();
    if (rows.length === 0) {
      return { docName, mergedRows: 0, uptoId: snapshot?.upto_id ?? 0, snapshotBytes: snapshot?.snapshot.byteLength ?? 0 };
    }
    // mergeUpdates keeps every struct and deletion exactly (no garbage collection), so the
    // snapshot is equivalent to replaying the rows it replaces. It throws on a corrupt row,
    // which aborts the compaction rather than baking the damage into a snapshot.
    const merged = Y.mergeUpdates([...(snapshot ? [snapshot.snapshot] : []), ...rows.map((r) => r.update)]);
    const uptoId = rows[rows.length - 1].id;
    await trx
      .insertInto('doc_snapshots')
      .values({ doc_name: docName, tenant_id: name.tenant, outlet_id: name.outlet, snapshot: merged, upto_id: uptoId })
      .onConflict((oc) => oc.column('doc_name').doUpdateSet({ snapshot: merged, upto_id: uptoId, updated_at: new Date() }))
      .execute();
    return { docName, mergedRows: rows.length, uptoId, snapshotBytes: merged.byteLength };
  });
}

/** Rows a document has after its snapshot (the relay compacts on unload past a threshold). */
export async function rowsSinceSnapshot(store: KioskDatabase, docName: string): Promise<number> {
  const snapshot = await store.db.selectFrom('doc_snapshots').select('upto_id').where('doc_name', '=', docName).executeTakeFirst();
  const row = await store.db
    .selectFrom('update_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('doc_name', '=', docName)
    .where('id', '>', snapshot?.upto_id ?? 0)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
