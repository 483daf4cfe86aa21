/**
 * Appending to the update log. Every writer (relay, projector write-back, seed, upstream
 * link) goes through `appendUpdates`, which holds a transaction-scoped advisory lock so that
 * ids become visible in id order: a reader that remembers "last id seen" never skips a row
 * that commits late with a smaller id.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { parseDocName } from '@kiosk/shared';
import type { Database } from '../schema';

/** Arbitrary constant key for pg_advisory_xact_lock. */
/** Serialises appends so ids become visible in order (taken for the rest of the transaction). */
export const APPEND_LOCK_KEY = 727_001;

export interface NewUpdate {
  docName: string;
  update: Uint8Array;
  deviceId: string;
  origin: string;
  /** Devices whose content this catch-up of `deviceId` relays (flagged by the projector). */
  relayedFor?: string[];
}

/** Appends rows inside `trx` (caller commits). Returns the ids in input order. */
export async function appendUpdatesInTransaction(trx: Transaction<Database>, updates: NewUpdate[]): Promise<number[]> {
  if (updates.length === 0) return [];
  await sql`select pg_advisory_xact_lock(${APPEND_LOCK_KEY})`.execute(trx);
  const rows = updates.map(updateLogRow);
  const inserted = await trx.insertInto('update_log').values(rows).returning('id').execute();
  return inserted.map((r) => r.id);
}

/** The `update_log` row of an update (tenant, outlet and day split out of the document name). */
export function updateLogRow(u: NewUpdate) {
  const name = parseDocName(u.docName);
  return {
    doc_name: u.docName,
    tenant_id: name.tenant,
    outlet_id: name.outlet,
    business_day: name.kind === 'day' ? name.day : null,
    update: u.update,
    device_id: u.deviceId,
    origin: u.origin,
    relayed_for: u.relayedFor && u.relayedFor.length > 0 ? u.relayedFor.join(',') : null,
  };
}

/** Appends rows in their own transaction. */
export async function appendUpdates(db: Kysely<Database>, updates: NewUpdate[]): Promise<number[]> {
  if (updates.length === 0) return [];
  return db.transaction().execute((trx) => appendUpdatesInTransaction(trx, updates));
}
