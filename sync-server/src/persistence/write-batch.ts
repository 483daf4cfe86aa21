/**
 * One group commit: every queued update row plus the client-id claims they introduced, in one
 * transaction (the append goes through `appendUpdatesInTransaction`, so ids stay visible in
 * order for the tailers).
 */
import { appendUpdatesInTransaction, type KioskDatabase, type NewUpdate } from '@kiosk/projector/db';
import { parseDocName } from '@kiosk/shared';

export interface ClientIdClaim {
  docName: string;
  clientId: number;
  deviceId: string;
}

export async function writeBatch(store: KioskDatabase, updates: NewUpdate[], claims: ClientIdClaim[]): Promise<number[]> {
  if (updates.length === 0 && claims.length === 0) return [];
  return store.db.transaction().execute(async (trx) => {
    const ids = await appendUpdatesInTransaction(trx, updates);
    if (claims.length > 0) {
      await trx
        .insertInto('device_client_ids')
        .values(claims.map((c) => ({ doc_name: c.docName, client_id: c.clientId, tenant_id: parseDocName(c.docName).tenant, device_id: c.deviceId })))
        // First claim wins; a concurrent claim by another relay instance keeps the earlier owner.
        .onConflict((oc) => oc.columns(['doc_name', 'client_id']).doNothing())
        .execute();
    }
    return ids;
  });
}
