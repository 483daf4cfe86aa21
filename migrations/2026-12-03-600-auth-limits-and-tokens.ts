import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code here (Kysely migration docs).
export async function up(db: Kysely<any>): Promise<void> {
  // Sign-in, PIN, pairing and renewal attempts, counted BEFORE the secret is checked, one row per
  // key (account, address, device). Stored, so a restart does not reset the limits, and counted
  // with one upsert, so concurrent attempts cannot all read "under the limit". Times are epoch
  // milliseconds of the server's (injectable) clock, not now(): tests move the window by hand.
  // No tenant and no row-level security: keys are checked before any tenant is known.
  await db.schema
    .createTable('auth_attempts')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('auth_attempts_expires').on('auth_attempts').column('expires_at').execute();

  // Every access token the server issues, so a token can be ended by its cause: a staff token by
  // its staff member's removal, PIN or role change, or by the revocation of the terminal that
  // issued it; a device token by the device's revocation. Ending one also writes its jti into
  // revoked_tokens, which the relay's admission and the API already check.
  await db.schema
    .createTable('issued_tokens')
    .addColumn('jti', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('device', 'staff', 'user')`))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('issuing_device', 'text')
    .addColumn('staff_id', 'text')
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .addColumn('reason', 'text')
    .execute();
  await db.schema.createIndex('issued_tokens_staff').on('issued_tokens').columns(['tenant_id', 'staff_id']).where(sql.ref('ended_at'), 'is', null).execute();
  await db.schema
    .createIndex('issued_tokens_issuing_device')
    .on('issued_tokens')
    .columns(['tenant_id', 'issuing_device'])
    .where(sql.ref('ended_at'), 'is', null)
    .execute();
  await db.schema.createIndex('issued_tokens_subject').on('issued_tokens').columns(['tenant_id', 'subject']).where(sql.ref('ended_at'), 'is', null).execute();

  // A paired device renews its (now short-lived) token with this key, given once at pairing and
  // stored only as a hash. Devices paired before have none: they keep their token until it ends.
  await db.schema
    .createTable('device_renewal_keys')
    .addColumn('key_hash', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull().unique())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('device_renewal_keys').execute();
  await db.schema.dropTable('issued_tokens').execute();
  await db.schema.dropTable('auth_attempts').execute();
}
