/**
 * The projector's only write: one SQL transaction per batch holding the order rows, their
 * child rows, new daily numbers, the number write-back into the update log, recorded errors
 * and the cursor. Either all of it commits or none of it does, so a crash at any point leaves
 * the rows, the numbers, the documents and the cursor consistent with each other.
 *
 * Writes are idempotent: orders are upserted, child rows of orders that already had a row are
 * deleted and inserted again (an order's child rows are exactly its projection, even if a
 * concurrent header write replaced a line), and replaying any prefix of the log twice leaves
 * the same rows.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema';
import { appendUpdatesInTransaction, type NewUpdate } from '../db/update-log';
import { assignNumbers, groupForNumbering } from '../numbering/assign';
import { CHILD_TABLES, type OrderRow, type OrderRows } from '../project/rows';
import { insertRows, jsonTextArray } from './json-rows';

export interface ErrorRow {
  tenant_id: string;
  outlet_id: string;
  doc_name: string;
  update_id: number | null;
  order_id: string | null;
  error: string;
}

export interface BatchInput {
  orders: OrderRows[];
  errors: ErrorRow[];
  /** Saved in the same commit; null = rows only (an earlier part of a large batch). */
  cursor: { name: string; lastId: number } | null;
  /** Numbering authority: assign numbers to orders that have none. A mirror never does. */
  assignNumbers: boolean;
  /**
   * Inside the transaction, with the orders that just got a number: writes the numbers into
   * the in-memory day documents and returns the Yjs updates to append to the log.
   */
  writeBack?: (assigned: OrderRow[]) => NewUpdate[];
  /** Runs first inside the transaction (the lease fence); throwing rolls everything back. */
  fence?: (trx: Transaction<Database>) => Promise<void>;
}

export interface BatchResult {
  /** Order rows written. */
  written: number;
  /** Orders that got a new number. */
  assigned: OrderRow[];
  /** Log rows appended (number write-backs). */
  appendedIds: number[];
}

const ORDER_COLUMNS = [
  'tenant_id', 'id', 'outlet_id', 'business_day', 'doc_name', 'number', 'provisional_ref', 'device_id', 'staff_id', 'type', 'table', 'note',
  'status', 'kitchen_status', 'currency', 'subtotal', 'discount', 'service_charge', 'tax', 'rounding', 'total', 'voided_amount', 'net_total',
  'paid', 'refunded', 'balance_due', 'change', 'line_count', 'item_count', 'created_at', 'updated_at', 'flags', 'flagged',
] as const satisfies readonly (keyof OrderRow)[];
const ORDER_UPDATE = ORDER_COLUMNS.filter((c) => c !== 'tenant_id' && c !== 'id' && c !== 'number');

const CHILD_COLUMNS: Record<(typeof CHILD_TABLES)[number]['table'], readonly string[]> = {
  order_lines: ['tenant_id', 'order_id', 'line_id', 'outlet_id', 'business_day', 'position', 'item_id', 'name', 'category_id', 'station', 'qty', 'voided_qty', 'unit_price', 'modifiers_total', 'gross', 'discount', 'net', 'status', 'note'],
  order_line_modifiers: ['tenant_id', 'order_id', 'line_id', 'position', 'outlet_id', 'business_day', 'group_id', 'option_id', 'name', 'price_delta'],
  payments: ['tenant_id', 'order_id', 'id', 'outlet_id', 'business_day', 'method', 'amount', 'tendered', 'reference', 'device_id', 'staff_id', 'at'],
  kitchen_events: ['tenant_id', 'order_id', 'id', 'outlet_id', 'business_day', 'kind', 'station', 'status', 'line_id', 'device_id', 'staff_id', 'at'],
  voids_refunds: ['tenant_id', 'order_id', 'id', 'outlet_id', 'business_day', 'kind', 'line_id', 'qty', 'amount', 'method', 'reason', 'approved_by', 'device_id', 'staff_id', 'at'],
};
const CHILD_KEYS: Record<(typeof CHILD_TABLES)[number]['table'], readonly string[]> = {
  order_lines: ['tenant_id', 'order_id', 'line_id'],
  order_line_modifiers: ['tenant_id', 'order_id', 'line_id', 'position'],
  payments: ['tenant_id', 'order_id', 'id'],
  kitchen_events: ['tenant_id', 'order_id', 'id'],
  voids_refunds: ['tenant_id', 'order_id', 'id'],
};
const ERROR_COLUMNS = ['tenant_id', 'outlet_id', 'doc_name', 'update_id', 'order_id', 'error'] as const;

function groupByTenant<T>(items: readonly T[], tenantOf: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const tenant = tenantOf(item);
    const list = map.get(tenant);
    if (list) list.push(item);
    else map.set(tenant, [item]);
  }
  return map;
}

/** Writes one batch in one transaction (see the module comment). */
export async function writeBatch(db: Kysely<Database>, input: BatchInput): Promise<BatchResult> {
  return db.transaction().execute(async (trx) => {
    await input.fence?.(trx);
    const errors = [...input.errors];

    // Rows already there: their numbers are kept, their child rows are replaced.
    const existing = new Map<string, { number: number | null; doc_name: string }>();
    for (const [tenant, list] of groupByTenant(input.orders, (o) => o.order.tenant_id)) {
      const rows = await trx
        .selectFrom('orders')
        .select(['id', 'number', 'doc_name'])
        .where('tenant_id', '=', tenant)
        .where('id', 'in', jsonTextArray(list.map((o) => o.order.id)) as never)
        .execute();
      for (const r of rows) existing.set(`${tenant}\u0000${r.id}`, { number: r.number, doc_name: r.doc_name });
    }

    // An order id seen in two documents (a faulty or forged device): the first document keeps
    // the row, the other copy is recorded as an error instead of overwriting it.
    const kept: OrderRows[] = [];
    const seen = new Map<string, string>();
    for (const o of input.orders) {
      const key = `${o.order.tenant_id}\u0000${o.order.id}`;
      const owner = existing.get(key)?.doc_name ?? seen.get(key);
      if (owner !== undefined && owner !== o.order.doc_name) {
        errors.push({
          tenant_id: o.order.tenant_id,
          outlet_id: o.order.outlet_id,
          doc_name: o.order.doc_name,
          update_id: null,
          order_id: o.order.id,
          error: `order id ${o.order.id} already belongs to document ${owner}; this copy is not projected`,
        });
        continue;
      }
      if (seen.has(key)) continue;
      seen.set(key, o.order.doc_name);
      const before = existing.get(key)?.number ?? null;
      if (o.order.number === null && before !== null) o.order.number = before;
      kept.push(o);
    }

    const rows = kept.map((o) => o.order);
    const assigned = input.assignNumbers ? await assignNumbers(trx, rows, groupForNumbering(rows)) : [];

    if (rows.length > 0) {
      await insertRows('orders', ORDER_COLUMNS, rows, {
        keys: ['tenant_id', 'id'],
        update: ORDER_UPDATE,
        extraSet: 'number = coalesce(excluded.number, orders.number), projected_at = now()',
        where: 'orders.doc_name = excluded.doc_name',
      }).execute(trx);
    }

    const replaced = kept.filter((o) => existing.has(`${o.order.tenant_id}\u0000${o.order.id}`));
    for (const [tenant, list] of groupByTenant(replaced, (o) => o.order.tenant_id)) {
      const ids = list.map((o) => o.order.id);
      for (const { table } of CHILD_TABLES) {
        await sql`delete from ${sql.table(table)} where tenant_id = ${tenant} and order_id in ${jsonTextArray(ids)}`.execute(trx);
      }
    }
    for (const { table, key } of CHILD_TABLES) {
      const children = kept.flatMap((o) => o[key] as object[]);
      if (children.length === 0) continue;
      await insertRows(table, CHILD_COLUMNS[table], children, { keys: CHILD_KEYS[table], update: 'nothing' }).execute(trx);
    }

    if (errors.length > 0) {
      await insertRows('projector_errors', ERROR_COLUMNS, errors, { keys: ['doc_name', 'update_id', 'order_id'], update: 'nothing' }).execute(trx);
    }

    // Last, because appending takes the log's advisory lock until commit.
    const updates = assigned.length > 0 && input.writeBack ? input.writeBack(assigned) : [];
    const appendedIds = await appendUpdatesInTransaction(trx, updates);

    if (input.cursor) {
      await trx
        .insertInto('projector_cursor')
        .values({ name: input.cursor.name, last_id: input.cursor.lastId })
        .onConflict((oc) => oc.column('name').doUpdateSet({ last_id: input.cursor!.lastId, updated_at: sql`now()` }))
        .execute();
    }
    return { written: rows.length, assigned, appendedIds };
  });
}
