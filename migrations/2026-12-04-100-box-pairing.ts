import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code here (Kysely migration docs).
//
// Pairing a LAN box from the cloud back-office (issue 14): box pairing codes, boxes as `devices`
// rows, the devices a box paired on its own, and the key a box signs its device tokens with.
export async function up(db: Kysely<any>): Promise<void> {
  // A box code pairs only a box, a device code only a terminal or kitchen display.
  await db.schema
    .alterTable('pairing_codes')
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .defaultTo('device')
        .check(sql`kind in ('device', 'box')`),
    )
    .execute();

  // A box is a `devices` row of kind 'box' (renewal and revocation work as for any device). The
  // kind check of migration 300 was declared inline, so its name is the server's choice: find it.
  await sql
    .raw(
      `do $$ declare c text; begin
         for c in select conname from pg_constraint
                  where conrelid = 'devices'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%kind%'
         loop
           execute format('alter table devices drop constraint %I', c);
         end loop;
       end $$`,
    )
    .execute(db);
  await sql`alter table devices add constraint devices_kind_check check (kind in ('terminal', 'kitchen', 'box'))`.execute(db);
  // The box (its device id) that paired this device while offline; null for devices paired here.
  await db.schema.alterTable('devices').addColumn('paired_by_box', 'text').execute();

  // The key a box signs the device tokens it issues with (HS256, JWT header kid 'box:<id>'):
  // the cloud accepts them for the box's own outlet and terminal/kitchen roles only, until
  // `revoked_at` is set (the box's revocation). Kept in clear: it is an HMAC key, checked here.
  await db.schema
    .createTable('box_keys')
    .addColumn('box_device_id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('outlet_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .addForeignKeyConstraint('box_keys_outlet_fk', ['tenant_id', 'outlet_id'], 'outlets', ['tenant_id', 'id'])
    .execute();
  await db.schema.createIndex('box_keys_outlet_active').on('box_keys').columns(['tenant_id', 'outlet_id']).where(sql.ref('revoked_at'), 'is', null).execute();
  // Tenant isolation as migration 390 gives every tenant table (pairing and revocation write it
  // inside the API's per-tenant transaction); the lookup by kid at token check runs as the owner.
  await sql.raw(`alter table box_keys enable row level security`).execute(db);
  await sql
    .raw(
      `create policy tenant_isolation on box_keys to kiosk_app
         using (tenant_id = current_setting('app.tenant_id', true))
         with check (tenant_id = current_setting('app.tenant_id', true))`,
    )
    .execute(db);
  await sql.raw(`grant select, insert, update, delete on box_keys to kiosk_app`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('box_keys').execute();
  await db.schema.alterTable('devices').dropColumn('paired_by_box').execute();
  await sql`delete from devices where kind = 'box'`.execute(db);
  await sql`alter table devices drop constraint devices_kind_check`.execute(db);
  await sql`alter table devices add constraint devices_kind_check check (kind in ('terminal', 'kitchen'))`.execute(db);
  await db.schema.alterTable('pairing_codes').dropColumn('kind').execute();
}
