import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code here (Kysely migration docs).
//
// The projector's tables: the authoritative SQL view of the day documents. Every table that
// holds tenant data has `tenant_id` (row-level security is added by migration 390). Money is
// bigint minor units. Child rows are keyed by (tenant_id, order_id, …) and rewritten with their
// order, so replaying the log leaves the same rows (idempotent projection).
//
// Indexes are few on purpose: every index costs on each projected row (the projector writes
// thousands per second under load). Reports find a day's orders through orders_outlet_day and
// reach child rows through their primary keys (tenant_id, order_id, …); lines and payments also
// have a day index for item and tender reports.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('orders')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('outlet_id', 'text', (c) => c.notNull())
    // The business day of the day document the order lives in (the outlet's day, not UTC).
    .addColumn('business_day', 'date', (c) => c.notNull())
    .addColumn('doc_name', 'text', (c) => c.notNull())
    // Gapless per (tenant, outlet, business_day); null until the numbering authority assigns it.
    .addColumn('number', 'integer')
    .addColumn('provisional_ref', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('table', 'text')
    .addColumn('note', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('kitchen_status', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('subtotal', 'bigint', (c) => c.notNull())
    .addColumn('discount', 'bigint', (c) => c.notNull())
    .addColumn('service_charge', 'bigint', (c) => c.notNull())
    .addColumn('tax', 'bigint', (c) => c.notNull())
    .addColumn('rounding', 'bigint', (c) => c.notNull())
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addColumn('voided_amount', 'bigint', (c) => c.notNull())
    .addColumn('net_total', 'bigint', (c) => c.notNull())
    .addColumn('paid', 'bigint', (c) => c.notNull())
    .addColumn('refunded', 'bigint', (c) => c.notNull())
    .addColumn('balance_due', 'bigint', (c) => c.notNull())
    .addColumn('change', 'bigint', (c) => c.notNull())
    .addColumn('line_count', 'integer', (c) => c.notNull())
    .addColumn('item_count', 'integer', (c) => c.notNull())
    // Device clock at submission.
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    // Latest of created_at and the order's event times (deterministic, unlike projected_at).
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    // Reasons the order is suspicious (shared auditOrder); stored, never dropped.
    .addColumn('flags', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('flagged', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('projected_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('orders_pk', ['tenant_id', 'id'])
    .execute();
  await db.schema.createIndex('orders_outlet_day').on('orders').columns(['tenant_id', 'outlet_id', 'business_day', 'number']).execute();
  await sql`create index orders_flagged on orders (tenant_id, outlet_id, business_day) where flagged`.execute(db);

  await db.schema
    .createTable('order_lines')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('line_id', 'text', (c) => c.notNull())
    .addColumn('outlet_id', 'text', (c) => c.notNull())
    .addColumn('business_day', 'date', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category_id', 'text', (c) => c.notNull())
    .addColumn('station', 'text', (c) => c.notNull())
    .addColumn('qty', 'integer', (c) => c.notNull())
    .addColumn('voided_qty', 'integer', (c) => c.notNull())
    .addColumn('unit_price', 'bigint', (c) => c.notNull())
    .addColumn('modifiers_total', 'bigint', (c) => c.notNull())
    .addColumn('gross', 'bigint', (c) => c.notNull())
    .addColumn('discount', 'bigint', (c) => c.notNull())
    .addColumn('net', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('order_lines_pk', ['tenant_id', 'order_id', 'line_id'])
    .execute();
  await db.schema.createIndex('order_lines_outlet_day').on('order_lines').columns(['tenant_id', 'outlet_id', 'business_day']).execute();

  await db.schema
    .createTable('order_line_modifiers')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('line_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('outlet_id', 'text', (c) => c.notNull())
    .addColumn('business_day', 'date', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('option_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('price_delta', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_line_modifiers_pk', ['tenant_id', 'order_id', 'line_id', 'position'])
    .execute();

  await db.schema
    .createTable('payments')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('outlet_id', 'text', (c) => c.notNull())
    .addColumn('business_day', 'date', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('tendered', 'bigint')
    .addColumn('reference', 'text')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('payments_pk', ['tenant_id', 'order_id', 'id'])
    .execute();
  await db.schema.createIndex('payments_outlet_day').on('payments').columns(['tenant_id', 'outlet_id', 'business_day']).execute();

  await db.schema
    .createTable('kitchen_events')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('outlet_id', 'text', (c) => c.notNull())
    .addColumn('business_day', 'date', (c) => c.notNull())
    // 'station' (bump, forward only) or 'recall' (may move back).
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('station', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('line_id', 'text')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('kitchen_events_pk', ['tenant_id', 'order_id', 'id'])
    .execute();

  await db.schema
    .createTable('voids_refunds')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('outlet_id', 'text', (c) => c.notNull())
    .addColumn('business_day', 'date', (c) => c.notNull())
    // 'void_line' | 'refund' | 'cancel'
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('line_id', 'text')
    .addColumn('qty', 'integer')
    // Void: qty × the line's unit gross (before discount); refund: the refunded amount; cancel: 0.
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('method', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('approved_by', 'text')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('voids_refunds_pk', ['tenant_id', 'order_id', 'id'])
    .execute();

  // Gapless daily numbers: the counter row is locked by `update … returning` in the transaction
  // that inserts the orders, so numbers commit with their rows or not at all.
  await db.schema
    .createTable('order_numbers')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('outlet_id', 'text', (c) => c.notNull())
    .addColumn('business_day', 'date', (c) => c.notNull())
    .addColumn('last_number', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_numbers_pk', ['tenant_id', 'outlet_id', 'business_day'])
    .execute();

  // The projector's watermark in the update log, saved in the same commit as the rows.
  await db.schema
    .createTable('projector_cursor')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('last_id', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // One worker per outlet (or '*'/'*' for "every outlet") at a time; the numbering authority.
  await db.schema
    .createTable('projector_leases')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('outlet_id', 'text', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('authority', 'mirror')`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('acquired_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('projector_leases_pk', ['tenant_id', 'outlet_id'])
    .execute();

  // What the projector could not use: an update that does not decode, an order that cannot be
  // read. Kept so nothing disappears silently; the projector moves on.
  await db.schema
    .createTable('projector_errors')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('outlet_id', 'text', (c) => c.notNull())
    .addColumn('doc_name', 'text', (c) => c.notNull())
    .addColumn('update_id', 'bigint')
    .addColumn('order_id', 'text')
    .addColumn('error', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Re-projecting the same bad input (after a restart or a reload) records it once.
  await sql`alter table projector_errors add constraint projector_errors_once unique nulls not distinct (doc_name, update_id, order_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'projector_errors',
    'projector_leases',
    'projector_cursor',
    'order_numbers',
    'voids_refunds',
    'kitchen_events',
    'payments',
    'order_line_modifiers',
    'order_lines',
    'orders',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
