/**
 * Readers of the update log, beside its writer (`append.ts`). Every query of `update_log`
 * outside the loader (`load.ts`), compaction and the group commit lives here (and the
 * back-office audit trail's report query, which stays with the reports), so a change to the
 * log's shape is one file. Tests read the table directly.
 */
import { sql } from 'kysely';
import type { KioskDatabase } from '../connect';

export interface TailRow {
  id: number;
  doc_name: string;
  origin: string | null;
  update: Uint8Array;
}

/** Rows of any of `docNames` after log id `since`, in id order (a relay's log tail). */
export async function tailDocs(store: KioskDatabase, docNames: string[], since: number): Promise<TailRow[]> {
  return store.db
    .selectFrom('update_log')
    .select(['id', 'doc_name', 'origin', 'update'])
    .where('doc_name', 'in', docNames)
    .where('id', '>', since)
    .orderBy('id')
    .execute();
}

/** A row of `update_log` as the projector's tail reads it. */
export interface LogRow {
  id: number;
  doc_name: string;
  tenant_id: string;
  outlet_id: string;
  business_day: string | null;
  /** Null when the loaded document already holds this row (see `readSince`). */
  update: Uint8Array | null;
}

/**
 * The next `limit` rows of the log after id `afterId` (the projector's tail). `applied`
 * (document name → highest id already in the loaded document) leaves out the bytes of rows a
 * document already holds: after a document is loaded to the end of the log, the rows the
 * cursor has not reached yet cost nothing to read again.
 */
export async function readSince(store: KioskDatabase, afterId: number, limit: number, applied?: ReadonlyMap<string, number>): Promise<LogRow[]> {
  if (!applied || applied.size === 0) {
    return store.db
      .selectFrom('update_log')
      .select(['id', 'doc_name', 'tenant_id', 'outlet_id', 'business_day', 'update'])
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
  }
  const json = JSON.stringify(Object.fromEntries(applied));
  const result = await sql<LogRow>`
    select id, doc_name, tenant_id, outlet_id, business_day,
      case when id > coalesce((${json}::jsonb ->> doc_name)::bigint, 0) then update end as update
    from update_log where id > ${afterId} order by id limit ${limit}`.execute(store.db);
  return result.rows;
}

/** Highest log id (0 for an empty log). */
export async function maxLogId(store: KioskDatabase): Promise<number> {
  return Number((await sql<{ max: number | null }>`select max(id) as max from update_log`.execute(store.db)).rows[0]?.max ?? 0);
}

/** Rows in the whole log. */
export async function countLogRows(store: KioskDatabase): Promise<number> {
  return Number((await sql<{ n: number }>`select count(*)::int as n from update_log`.execute(store.db)).rows[0].n);
}

/** Names of the documents with rows for a business day (day documents), sorted. */
export async function dayDocNames(store: KioskDatabase): Promise<string[]> {
  return (await store.db.selectFrom('update_log').select('doc_name').distinct().where('business_day', 'is not', null).orderBy('doc_name').execute()).map(
    (r) => r.doc_name,
  );
}

/** Names of one outlet's documents written to since `since` (a box's upstream links on start). */
export async function recentDocNames(store: KioskDatabase, tenant: string, outlet: string, since: Date): Promise<string[]> {
  const rows = await store.db
    .selectFrom('update_log')
    .select('doc_name')
    .distinct()
    .where('tenant_id', '=', tenant)
    .where('outlet_id', '=', outlet)
    .where('created_at', '>=', since)
    .execute();
  return rows.map((r) => r.doc_name);
}

/** True when the log holds at least one row of `docName`. */
export async function hasLogRows(store: KioskDatabase, docName: string): Promise<boolean> {
  const row = await store.db.selectFrom('update_log').select('id').where('doc_name', '=', docName).limit(1).executeTakeFirst();
  return row !== undefined;
}
