/**
 * One group commit: every queued update row plus the client-id claims they introduced.
 *
 * It is ONE statement (a single implicit transaction): the append lock, the rows and the claims
 * travel in one round trip instead of begin / lock / insert / insert / commit. On the relay's hot
 * path every round trip is event-loop time that delays the next broadcast, and a statement is
 * atomic on its own. Ids are assigned in queue order under the same advisory lock that
 * `appendUpdatesInTransaction` takes, so they still become visible in order for the tailers.
 */
import { sql } from 'kysely';
import type { KioskDatabase } from '../connect';
import { APPEND_LOCK_KEY, appendUpdatesInTransaction, updateLogRow, type NewUpdate } from './append';
import { parseDocName } from '@kiosk/shared';

export interface ClientIdClaim {
  docName: string;
  clientId: number;
  deviceId: string;
  /** The device that delivered it in its catch-up, when that is not `deviceId`. */
  relayedBy?: string;
}

/** PostgreSQL's bind-parameter limit is 65,535; beyond this, fall back to several statements. */
const MAX_PARAMETERS = 60_000;

export async function writeBatch(store: KioskDatabase, updates: NewUpdate[], claims: ClientIdClaim[]): Promise<number[]> {
  if (updates.length === 0 && claims.length === 0) return [];
  if (updates.length * 8 + claims.length * 5 > MAX_PARAMETERS) return writeBatchInTransaction(store, updates, claims);
  const rows = updates.map((u, index) => {
    const r = updateLogRow(u);
    return sql`(${index}::int, ${r.doc_name}, ${r.tenant_id}, ${r.outlet_id}, ${r.business_day}::date, ${r.update}::bytea, ${r.device_id}, ${r.origin}, ${r.relayed_for}::text)`;
  });
  const claimRows = claims.map(
    (c) => sql`(${c.docName}, ${c.clientId}::bigint, ${parseDocName(c.docName).tenant}, ${c.deviceId}, ${c.relayedBy ?? null}::text)`,
  );
  // `cross join append_lock` makes every insert wait for the lock; `order by ord` assigns ids in
  // queue order. An empty list still needs a syntactically valid (empty) source.
  const updateSource = rows.length
    ? sql`(values ${sql.join(rows)})`
    : sql`(select null::int, null::text, null::text, null::text, null::date, null::bytea, null::text, null::text, null::text where false)`;
  const claimSource = claimRows.length
    ? sql`(values ${sql.join(claimRows)})`
    : sql`(select null::text, null::bigint, null::text, null::text, null::text where false)`;
  const result = await sql<{ id: string | number }>`
    with append_lock as materialized (select pg_advisory_xact_lock(${APPEND_LOCK_KEY}) as locked),
    inserted as (
      insert into update_log (doc_name, tenant_id, outlet_id, business_day, update, device_id, origin, relayed_for)
      select u.doc_name, u.tenant_id, u.outlet_id, u.business_day, u.update, u.device_id, u.origin, u.relayed_for
      from ${updateSource} as u(ord, doc_name, tenant_id, outlet_id, business_day, update, device_id, origin, relayed_for) cross join append_lock
      order by u.ord
      returning id
    ),
    claimed as (
      -- First claim wins; a concurrent claim by another relay instance keeps the earlier owner.
      insert into device_client_ids (doc_name, client_id, tenant_id, device_id, relayed_by)
      select c.doc_name, c.client_id, c.tenant_id, c.device_id, c.relayed_by
      from ${claimSource} as c(doc_name, client_id, tenant_id, device_id, relayed_by) cross join append_lock
      on conflict (doc_name, client_id) do nothing
    )
    select id from inserted order by id`.execute(store.db);
  return result.rows.map((r) => Number(r.id));
}

/** The same write as several statements in one transaction (very large batches). */
async function writeBatchInTransaction(store: KioskDatabase, updates: NewUpdate[], claims: ClientIdClaim[]): Promise<number[]> {
  return store.db.transaction().execute(async (trx) => {
    const ids = await appendUpdatesInTransaction(trx, updates);
    if (claims.length > 0) {
      await trx
        .insertInto('device_client_ids')
        .values(
          claims.map((c) => ({
            doc_name: c.docName,
            client_id: c.clientId,
            tenant_id: parseDocName(c.docName).tenant,
            device_id: c.deviceId,
            relayed_by: c.relayedBy ?? null,
          })),
        )
        .onConflict((oc) => oc.columns(['doc_name', 'client_id']).doNothing())
        .execute();
    }
    return ids;
  });
}
