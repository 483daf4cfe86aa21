import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code here (Kysely migration docs).
export async function up(db: Kysely<any>): Promise<void> {
  // Revoked token ids (jti). Checked by the relay at connect time.
  await db.schema
    .createTable('revoked_tokens')
    .addColumn('jti', 'text', (c) => c.primaryKey())
    .addColumn('revoked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Which device writes with which Yjs client id, per document. Per document rather than per
  // tenant: Yjs draws a fresh 32-bit client id for every Y.Doc instance (every page load), so a
  // tenant accumulates enough ids in a year for random collisions to be likely; within one
  // document they are not.
  await db.schema
    .createTable('device_client_ids')
    .addColumn('doc_name', 'text', (c) => c.notNull())
    .addColumn('client_id', 'bigint', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('device_client_ids_pk', ['doc_name', 'client_id'])
    .execute();

  // A second notification carrying the writer's origin, so a relay can ignore its own appends
  // without a query. Payload: origin, a tab, the document name. The original channel
  // (kiosk_update_log, payload = document name) is unchanged for the projector.
  await sql`
    create function kiosk_notify_update_log_origin() returns trigger language plpgsql as $$
    begin
      perform pg_notify('kiosk_update_log_origin', new.origin || chr(9) || new.doc_name);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger update_log_notify_origin after insert on update_log
    for each row execute function kiosk_notify_update_log_origin()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists update_log_notify_origin on update_log`.execute(db);
  await sql`drop function if exists kiosk_notify_update_log_origin()`.execute(db);
  await db.schema.dropTable('device_client_ids').execute();
  await db.schema.dropTable('revoked_tokens').execute();
}
