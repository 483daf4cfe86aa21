import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code here (Kysely migration docs).
// Back-office tables. Every table carries tenant_id so row-level security (migration 390)
// can confine the API's per-request role to one tenant.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('outlets')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('outlets_pk', ['tenant_id', 'id'])
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id'))
    // Stored lower-cased; unique across tenants because sign-in starts from the email alone.
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('owner', 'manager')`))
    // scrypt$N$r$p$salt$hash (base64url); never the password.
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('disabled_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('user_outlets')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('outlet_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_outlets_pk', ['user_id', 'outlet_id'])
    .addForeignKeyConstraint('user_outlets_outlet_fk', ['tenant_id', 'outlet_id'], 'outlets', ['tenant_id', 'id'])
    .execute();

  await db.schema
    .createTable('staff')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('outlet_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('cashier', 'manager', 'owner', 'kitchen')`))
    // Same hash as in the outlet document (shared hashPin), so terminals verify offline.
    .addColumn('pin_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('removed_at', 'timestamptz')
    .addPrimaryKeyConstraint('staff_pk', ['tenant_id', 'outlet_id', 'id'])
    .addForeignKeyConstraint('staff_outlet_fk', ['tenant_id', 'outlet_id'], 'outlets', ['tenant_id', 'id'])
    .execute();

  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('outlet_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('terminal', 'kitchen')`))
    // Short code used in provisional references (B-017). Never reused in an outlet, revoked or not.
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('stations', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('token_jti', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'text')
    .addUniqueConstraint('devices_outlet_code', ['tenant_id', 'outlet_id', 'code'])
    .addForeignKeyConstraint('devices_outlet_fk', ['tenant_id', 'outlet_id'], 'outlets', ['tenant_id', 'id'])
    .execute();

  await db.schema
    .createTable('pairing_codes')
    // sha256 of the code: a pairing code is a bearer credential for ten minutes.
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('outlet_id', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('device_id', 'text')
    .addForeignKeyConstraint('pairing_codes_outlet_fk', ['tenant_id', 'outlet_id'], 'outlets', ['tenant_id', 'id'])
    .execute();

  await db.schema
    .createTable('refresh_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // One family per sign-in; a reused (already rotated) token revokes the whole family.
    .addColumn('family_id', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('outlet_id', 'text', (c) => c.notNull())
    .addColumn('access_jti', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('refresh_tokens_family').on('refresh_tokens').column('family_id').execute();

  await db.schema
    .createTable('z_reports')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('outlet_id', 'text', (c) => c.notNull())
    .addColumn('business_day', 'date', (c) => c.notNull())
    // Frozen figures: written once at close, never updated.
    .addColumn('figures', 'jsonb', (c) => c.notNull())
    .addColumn('closed_by', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('z_reports_pk', ['tenant_id', 'outlet_id', 'business_day'])
    .execute();

  // Which orders a Z report counted (its own day's, or late ones from closed days as
  // adjustments): an order missing here on a closed day arrived after the close.
  await db.schema
    .createTable('z_report_orders')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('outlet_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('order_day', 'date', (c) => c.notNull())
    .addColumn('report_day', 'date', (c) => c.notNull())
    .addColumn('late', 'boolean', (c) => c.notNull())
    .addPrimaryKeyConstraint('z_report_orders_pk', ['tenant_id', 'outlet_id', 'order_id'])
    .execute();

  await db.schema
    .createTable('cash_drawer_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('outlet_id', 'text', (c) => c.notNull())
    .addColumn('business_day', 'date', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('float', 'cash_in', 'cash_out', 'count')`))
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount >= 0`))
    .addColumn('note', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('cash_drawer_events_day').on('cash_drawer_events').columns(['tenant_id', 'outlet_id', 'business_day']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('outlet_id', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('audit_log_outlet_at').on('audit_log').columns(['tenant_id', 'outlet_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'audit_log',
    'cash_drawer_events',
    'z_report_orders',
    'z_reports',
    'refresh_tokens',
    'pairing_codes',
    'devices',
    'staff',
    'user_outlets',
    'users',
    'outlets',
    'tenants',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
