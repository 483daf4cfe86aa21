/**
 * Readers of the update log, beside its writer (`append.ts`). Every query of `update_log`
 * outside the loader (`load.ts`) and compaction lives here, so a change to the log's shape
 * is one file.
 */
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
