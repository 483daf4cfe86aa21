/**
 * Loading a document from the store: the latest snapshot (if any) plus every update_log row
 * after it, and the document's client-id claims. Any row that does not apply makes the whole
 * load fail: serving a partial or empty document would let clients "heal" the server with
 * an older state and hide the damage (the caller closes with 1013 instead).
 */
import * as Y from 'yjs';
import type { KioskDatabase } from '../connect';

export interface LoadedDocument {
  doc: Y.Doc;
  /** Highest update_log id applied (0 when the log has no row for this document). */
  lastLogId: number;
  /** Yjs client id → device id that owns it. */
  owners: Map<number, string>;
  rows: number;
}

export class LoadError extends Error {
  override name = 'LoadError';
}

export async function loadDocument(store: KioskDatabase, docName: string): Promise<LoadedDocument> {
  const snapshot = await store.db.selectFrom('doc_snapshots').select(['snapshot', 'upto_id']).where('doc_name', '=', docName).executeTakeFirst();
  const rows = await store.db
    .selectFrom('update_log')
    .select(['id', 'update'])
    .where('doc_name', '=', docName)
    .where('id', '>', snapshot?.upto_id ?? 0)
    .orderBy('id')
    .execute();
  const claims = await store.db.selectFrom('device_client_ids').select(['client_id', 'device_id']).where('doc_name', '=', docName).execute();
  const doc = new Y.Doc();
  let lastLogId = snapshot?.upto_id ?? 0;
  let current = 'snapshot';
  try {
    // One transaction: observers (none yet) and cleanup run once, not once per row.
    doc.transact(() => {
      if (snapshot) Y.applyUpdate(doc, snapshot.snapshot);
      for (const row of rows) {
        current = `update_log row ${row.id}`;
        Y.applyUpdate(doc, row.update);
        lastLogId = row.id;
      }
    });
  } catch (error) {
    doc.destroy();
    throw new LoadError(`cannot load ${docName}: ${current} does not apply: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const owners = new Map<number, string>();
  for (const c of claims) owners.set(Number(c.client_id), c.device_id);
  return { doc, lastLogId, owners, rows: rows.length };
}
