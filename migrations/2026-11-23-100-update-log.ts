import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code here (Kysely migration docs).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('update_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('doc_name', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('outlet_id', 'text', (c) => c.notNull())
    .addColumn('business_day', 'date')
    .addColumn('update', 'bytea', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('update_log_doc_id').on('update_log').columns(['doc_name', 'id']).execute();
  await db.schema.createIndex('update_log_outlet_id').on('update_log').columns(['tenant_id', 'outlet_id', 'id']).execute();

  await db.schema
    .createTable('doc_snapshots')
    .addColumn('doc_name', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('outlet_id', 'text', (c) => c.notNull())
    .addColumn('snapshot', 'bytea', (c) => c.notNull())
    .addColumn('upto_id', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Readers (projector, other relay instances) wake on this; payload = document name.
  // PostgreSQL folds identical notifications within one transaction.
  await sql`
    create function kiosk_notify_update_log() returns trigger language plpgsql as $$
    begin
      perform pg_notify('kiosk_update_log', new.doc_name);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger update_log_notify after insert on update_log
    for each row execute function kiosk_notify_update_log()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists update_log_notify on update_log`.execute(db);
  await sql`drop function if exists kiosk_notify_update_log()`.execute(db);
  await db.schema.dropTable('doc_snapshots').execute();
  await db.schema.dropTable('update_log').execute();
}
