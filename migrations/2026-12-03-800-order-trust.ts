import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code here (Kysely migration docs).
export async function up(db: Kysely<any>): Promise<void> {
  // What the projector found when it verified an order instead of trusting it (issue 13):
  // `TrustFlag` objects (shared/src/domain/trust-flags.ts), apart from the audit's text `flags`.
  await db.schema
    .alterTable('orders')
    .addColumn('trust_flags', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();

  // Numbers a device tampered with before the projector verified them: out of range, or taken
  // twice in one outlet-day. The first order of a day (by creation) keeps a taken number; the
  // others lose it and are flagged, and get a fresh number when next projected (or at
  // `kiosk rebuild`). Then the database itself refuses a second copy of a number.
  await sql`
    with ranked as (
      select tenant_id, id, number,
        row_number() over (partition by tenant_id, outlet_id, business_day, number order by created_at, id) as rank
      from orders where number is not null
    )
    update orders o set number = null, flagged = true,
      trust_flags = o.trust_flags || jsonb_build_array(jsonb_build_object('flag', 'number_ignored', 'field', 'number', 'claimed', r.number, 'detail', 'cleared by migration 2026-12-03-800: duplicate or out of range'))
    from ranked r
    where r.tenant_id = o.tenant_id and r.id = o.id and (r.rank > 1 or r.number < 1 or r.number > 1000000)`.execute(db);
  await db.schema
    .createIndex('orders_number_per_day')
    .on('orders')
    .columns(['tenant_id', 'outlet_id', 'business_day', 'number'])
    .unique()
    .where(sql.ref('number'), 'is not', null)
    .execute();

  // A client id whose first structs reached the relay in ANOTHER device's catch-up (sync step 2):
  // the device that delivered them. Legitimate after a relay lost updates it had broadcast; also
  // what a device forging another's order looks like, so the projector flags such headers.
  await db.schema.alterTable('device_client_ids').addColumn('relayed_by', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('device_client_ids').dropColumn('relayed_by').execute();
  await db.schema.dropIndex('orders_number_per_day').execute();
  await db.schema.alterTable('orders').dropColumn('trust_flags').execute();
}
