/**
 * Loading a document from the store: the latest snapshot (if any) plus every update_log row
 * after it, in id order. The one loader of the relay, the projector and the seeds; what
 * happens to a snapshot or row that does not apply is the caller's explicit choice
 * (`onBadRow`), because the right answer differs:
 *
 * - the relay (`loadDocument`) and the seeds throw: any row that does not apply makes the
 *   whole load fail. Serving a partial or empty document would let clients "heal" the server
 *   with an older state and hide the damage (the relay closes with 1013 instead).
 * - the projector reports and skips (it records the row in `projector_errors` and the rest of
 *   the log goes on). A bad snapshot is dropped and every row is read from the start instead:
 *   log rows are never deleted, so the document is still whole without the snapshot.
 */
import * as Y from 'yjs';
import type { KioskDatabase } from '../connect';

/** A snapshot or log row that did not apply. */
export interface BadRow {
  docName: string;
  /** The `update_log` id; null when the snapshot is bad. */
  id: number | null;
  /** The bad snapshot's `upto_id` (when `id` is null). */
  snapshotUpTo?: number;
  error: unknown;
}

/** 'throw': a `LoadError` and no document. 'skip': leave it out silently. A function: leave it out and tell it. */
export type BadRowPolicy = 'throw' | 'skip' | ((bad: BadRow) => void);

export interface ReadDocumentOptions {
  onBadRow: BadRowPolicy;
  /** Also read the document's client-id claims (`owners`). */
  owners?: boolean;
  /** Rows after this log id are read but not applied: they come back in `held`, for the caller to apply (e.g. once it observes the document). */
  applyUpTo?: number;
}

export interface LogUpdate {
  id: number;
  update: Uint8Array;
}

export interface ReadDocument {
  doc: Y.Doc;
  /** Highest update_log id read (applied, skipped or held), else the snapshot's; 0 when the log has no row for this document. */
  lastLogId: number;
  /** `upto_id` of the snapshot in `doc`; null when there is none (or it was bad and skipped). */
  snapshotUpTo: number | null;
  /** Log rows read after the snapshot (including skipped and held ones). */
  rows: number;
  /** Yjs client id → device id that owns it (empty unless `owners` was asked for). */
  owners: Map<number, string>;
  /** Rows after `applyUpTo`, not applied. */
  held: LogUpdate[];
}

export class LoadError extends Error {
  override name = 'LoadError';
}

export async function readDocument(store: KioskDatabase, docName: string, options: ReadDocumentOptions): Promise<ReadDocument> {
  const { onBadRow } = options;
  const applyUpTo = options.applyUpTo ?? Infinity;
  const readRows = (after: number) =>
    store.db.selectFrom('update_log').select(['id', 'update']).where('doc_name', '=', docName).where('id', '>', after).orderBy('id').execute();
  const snapshot = await store.db.selectFrom('doc_snapshots').select(['snapshot', 'upto_id']).where('doc_name', '=', docName).executeTakeFirst();
  let rows = await readRows(snapshot?.upto_id ?? 0);
  const claims = options.owners
    ? await store.db.selectFrom('device_client_ids').select(['client_id', 'device_id']).where('doc_name', '=', docName).execute()
    : [];
  const owners = new Map<number, string>();
  for (const c of claims) owners.set(Number(c.client_id), c.device_id);
  const splitAt = (list: LogUpdate[]) => {
    const i = list.findIndex((r) => r.id > applyUpTo);
    return i === -1 ? { applied: list, held: [] } : { applied: list.slice(0, i), held: list.slice(i) };
  };
  let { applied, held } = splitAt(rows);
  const lastId = (after: number) => (rows.length > 0 ? rows[rows.length - 1].id : after);

  if (onBadRow === 'throw') {
    const doc = new Y.Doc();
    let current = 'snapshot';
    try {
      // One transaction: observers (none yet) and cleanup run once, not once per row.
      doc.transact(() => {
        if (snapshot) Y.applyUpdate(doc, snapshot.snapshot);
        for (const row of applied) {
          current = `update_log row ${row.id}`;
          Y.applyUpdate(doc, row.update);
        }
      });
    } catch (error) {
      doc.destroy();
      throw new LoadError(`cannot load ${docName}: ${current} does not apply: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return { doc, lastLogId: lastId(snapshot?.upto_id ?? 0), snapshotUpTo: snapshot?.upto_id ?? null, rows: rows.length, owners, held };
  }

  const report = onBadRow === 'skip' ? () => {} : onBadRow;
  let doc = new Y.Doc();
  let snapshotUpTo: number | null = null;
  if (snapshot) {
    // Its own transaction: if it does not apply, the half-applied document is thrown away.
    try {
      Y.applyUpdate(doc, snapshot.snapshot);
      snapshotUpTo = snapshot.upto_id;
    } catch (error) {
      report({ docName, id: null, snapshotUpTo: snapshot.upto_id, error });
      doc.destroy();
      doc = new Y.Doc();
      rows = await readRows(0);
      ({ applied, held } = splitAt(rows));
    }
  }
  doc.transact(() => {
    for (const row of applied) {
      try {
        Y.applyUpdate(doc, row.update);
      } catch (error) {
        report({ docName, id: row.id, error });
      }
    }
  });
  return { doc, lastLogId: lastId(snapshotUpTo ?? 0), snapshotUpTo, rows: rows.length, owners, held };
}

/** The relay's load: snapshot + rows and the client-id claims; any row that does not apply throws `LoadError`. */
export interface LoadedDocument {
  doc: Y.Doc;
  /** Highest update_log id applied (0 when the log has no row for this document). */
  lastLogId: number;
  /** Yjs client id → device id that owns it. */
  owners: Map<number, string>;
  rows: number;
}

export async function loadDocument(store: KioskDatabase, docName: string): Promise<LoadedDocument> {
  const { doc, lastLogId, owners, rows } = await readDocument(store, docName, { onBadRow: 'throw', owners: true });
  return { doc, lastLogId, owners, rows };
}
