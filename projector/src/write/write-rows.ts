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
import type { Database } from '@kiosk/store';
import { appendUpdatesInTransaction, type NewUpdate } from '@kiosk/store';
import { compareForNumbering, groupForNumbering, numberableGroups, raiseCounters, reserveNumbers } from '../numbering/assign';
import type { NumberingGate } from '../numbering/authority';
import { CHILD_TABLES, type ChildTable, type OrderRow, type OrderRows } from '../project/rows';
import { insertRows, jsonTextArray, toJson } from './json-rows';

export interface ErrorRow {
  tenant_id: string;
  outlet_id: string;
  doc_name: string;
  update_id: number | null;
  order_id: string | null;
  error: string;
}

/**
 * A batch's rows serialised ahead of its transaction (`prepareBatch`), so the JSON work of the
 * next batch overlaps the database work of the current one and the transaction stays short.
 */
export interface PreparedBatch {
  orders: OrderRows[];
  /** Table → JSON array of its rows. */
  json: Record<'orders' | ChildTable, string>;
  /** Each order row's number as serialised (numbers assigned later travel separately). */
  serialisedNumbers: Map<OrderRow, number | null>;
}

export function prepareBatch(orders: OrderRows[]): PreparedBatch {
  const json = { orders: toJson(orders.map((o) => o.order)) } as PreparedBatch['json'];
  for (const { table, key } of CHILD_TABLES) json[table] = toJson(orders.flatMap((o) => o[key] as object[]));
  return { orders, json, serialisedNumbers: new Map(orders.map((o) => [o.order, o.order.number])) };
}

export interface BatchInput {
  orders: OrderRows[];
  /** `prepareBatch(orders)` done earlier; computed here when absent. */
  prepared?: PreparedBatch;
  errors: ErrorRow[];
  /** Saved in the same commit; null = rows only (an earlier part of a large batch). */
  cursor: { name: string; lastId: number } | null;
  /**
   * Numbering authority: assign numbers to orders that have none (true: every outlet day; a
   * gate: the outlet days it allows, see `numbering/authority.ts`). A mirror never does.
   */
  assignNumbers: boolean | NumberingGate;
  /**
   * Inside the transaction, with the orders that just got a number: writes the numbers into
   * the in-memory day documents and returns the Yjs updates to append to the log.
   */
  writeBack?: (assigned: OrderRow[]) => NewUpdate[];
  /** Runs first inside the transaction (the lease fence); throwing rolls everything back. */
  fence?: (trx: Transaction<Database>) => Promise<void>;
  /**
   * `kiosk rebuild` (writing into the shadow tables): numbers and trust findings of the LIVE
   * rows count as committed, so a rebuild keeps every number the projector ever gave.
   */
  numbersFromLive?: boolean;
}

export interface BatchResult {
  /** Order rows written. */
  written: number;
  /** Orders that got a new number. */
  assigned: OrderRow[];
  /** Log rows appended (number write-backs). */
  appendedIds: number[];
  /** Orders left without a number because their outlet day is not this projector's to number (yet). */
  deferred: OrderRow[];
}

const ORDER_COLUMNS = [
  'tenant_id',
  'id',
  'outlet_id',
  'business_day',
  'doc_name',
  'number',
  'provisional_ref',
  'device_id',
  'staff_id',
  'type',
  'table',
  'note',
  'status',
  'kitchen_status',
  'currency',
  'subtotal',
  'discount',
  'service_charge',
  'tax',
  'rounding',
  'total',
  'voided_amount',
  'net_total',
  'paid',
  'refunded',
  'balance_due',
  'change',
  'line_count',
  'item_count',
  'created_at',
  'updated_at',
  'flags',
  'trust_flags',
  'flagged',
] as const satisfies readonly (keyof OrderRow)[];
const ORDER_UPDATE = ORDER_COLUMNS.filter((c) => c !== 'tenant_id' && c !== 'id' && c !== 'number');

const CHILD_COLUMNS: Record<(typeof CHILD_TABLES)[number]['table'], readonly string[]> = {
  order_lines: [
    'tenant_id',
    'order_id',
    'line_id',
    'outlet_id',
    'business_day',
    'position',
    'item_id',
    'name',
    'category_id',
    'station',
    'qty',
    'voided_qty',
    'unit_price',
    'modifiers_total',
    'gross',
    'discount',
    'net',
    'status',
    'note',
  ],
  order_line_modifiers: ['tenant_id', 'order_id', 'line_id', 'position', 'outlet_id', 'business_day', 'group_id', 'option_id', 'name', 'price_delta'],
  payments: ['tenant_id', 'order_id', 'id', 'outlet_id', 'business_day', 'method', 'amount', 'tendered', 'reference', 'device_id', 'staff_id', 'at'],
  kitchen_events: ['tenant_id', 'order_id', 'id', 'outlet_id', 'business_day', 'kind', 'station', 'status', 'line_id', 'device_id', 'staff_id', 'at'],
  voids_refunds: [
    'tenant_id',
    'order_id',
    'id',
    'outlet_id',
    'business_day',
    'kind',
    'line_id',
    'qty',
    'amount',
    'method',
    'reason',
    'approved_by',
    'device_id',
    'staff_id',
    'at',
  ],
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

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Every row of the batch in ONE statement (data-modifying CTEs): one round trip, and the
 * database parses the JSON and inserts while the projector prepares the next batch. Child rows
 * are inserted only for orders the upsert actually wrote (`o`).
 */
function insertAll(prepared: PreparedBatch, numbersJson: string, excluded: string[]) {
  const orderSelect = ORDER_COLUMNS.map((c) => (c === 'number' ? 'coalesce(n.number, r.number)' : `r.${ident(c)}`)).join(', ');
  const updates = [
    ...ORDER_UPDATE.map((c) => `${ident(c)} = excluded.${ident(c)}`),
    // The row's number wins over anything a document says (issue 13): once committed, never changed.
    'number = coalesce(orders.number, excluded.number)',
    'projected_at = now()',
  ].join(', ');
  const parts = [
    sql`o as (insert into orders (${sql.raw(ORDER_COLUMNS.map(ident).join(', '))})
      select ${sql.raw(orderSelect)} from json_populate_recordset(null::orders, ${prepared.json.orders}::json) r
      left join json_to_recordset(${numbersJson}::json) as n(tenant_id text, id text, number integer) on n.tenant_id = r.tenant_id and n.id = r.id
      where (r.doc_name || '#' || r.id) not in ${jsonTextArray(excluded)}
      on conflict (tenant_id, id) do update set ${sql.raw(updates)} where orders.doc_name = excluded.doc_name
      returning tenant_id, id)`,
  ];
  CHILD_TABLES.forEach(({ table }, i) => {
    if (prepared.json[table] === '[]') return;
    const cols = sql.raw(CHILD_COLUMNS[table].map(ident).join(', '));
    const rcols = sql.raw(CHILD_COLUMNS[table].map((c) => `r.${ident(c)}`).join(', '));
    parts.push(sql`${sql.raw(`c${i}`)} as (insert into ${sql.table(table)} (${cols})
      select ${rcols} from json_populate_recordset(null::${sql.raw(table)}, ${prepared.json[table]}::json) r
      where (r.tenant_id, r.order_id) in (select tenant_id, id from o)
      on conflict (${sql.raw(CHILD_KEYS[table].map(ident).join(', '))}) do nothing returning 1)`);
  });
  return sql`with ${sql.join(parts)} select count(*)::int as orders from o`;
}

/** Numbers and trust findings of the live `public.orders` rows (see `numbersFromLive`). */
async function liveNumbers(trx: Transaction<Database>, orders: readonly OrderRows[]): Promise<Map<string, { number: number | null; trust_flags: unknown }>> {
  const out = new Map<string, { number: number | null; trust_flags: unknown }>();
  if (orders.length === 0) return out;
  const keys = JSON.stringify(orders.map((o) => ({ tenant_id: o.order.tenant_id, id: o.order.id })));
  const rows = await sql<{ tenant_id: string; id: string; number: number | null; trust_flags: unknown }>`
    select l.tenant_id, l.id, l.number, l.trust_flags from public.orders l
    join json_to_recordset(${keys}::json) as k(tenant_id text, id text) on k.tenant_id = l.tenant_id and k.id = l.id`.execute(trx);
  for (const r of rows.rows) out.set(`${r.tenant_id}\u0000${r.id}`, { number: r.number, trust_flags: r.trust_flags });
  return out;
}

const NUMBER_IGNORED = 'number_ignored';
const flagsOf = (value: unknown): { flag?: unknown }[] => (Array.isArray(value) ? (value as { flag?: unknown }[]) : []);

/** Adds the row's earlier `number_ignored` findings the new projection no longer shows; true when it added any. */
function keepIgnoredNumberFlags(o: OrderRows, stored: unknown): boolean {
  const now = new Set(o.order.trust_flags.map((f) => JSON.stringify(f)));
  const earlier = flagsOf(stored).filter((f) => f.flag === NUMBER_IGNORED && !now.has(JSON.stringify(f)));
  if (earlier.length === 0) return false;
  o.order.trust_flags = [...earlier, ...o.order.trust_flags];
  o.order.flagged = true;
  return true;
}

/**
 * A document number the projector would adopt (no committed number yet) that another order of
 * the same outlet-day already holds, or that two orders of this batch claim: the later claimant
 * loses it (flagged `number_ignored`) and gets a new number. The unique index
 * `orders_number_per_day` is the last line; this keeps one bad order from failing a batch.
 */
async function refuseTakenNumbers(trx: Transaction<Database>, kept: OrderRows[], existing: Map<string, { number: number | null }>): Promise<boolean> {
  const candidates = kept.filter((o) => o.order.number !== null && existing.get(`${o.order.tenant_id}\u0000${o.order.id}`)?.number == null);
  if (candidates.length === 0) return false;
  const dayNumber = (r: { tenant_id: string; outlet_id: string; business_day: string; number: number | null }) =>
    `${r.tenant_id}\u0000${r.outlet_id}\u0000${r.business_day}\u0000${r.number}`;
  const keys = JSON.stringify(
    candidates.map((o) => ({ tenant_id: o.order.tenant_id, outlet_id: o.order.outlet_id, business_day: o.order.business_day, number: o.order.number })),
  );
  const taken = await sql<{ tenant_id: string; outlet_id: string; business_day: string; number: number; id: string }>`
    select o.tenant_id, o.outlet_id, o.business_day::text as business_day, o.number, o.id from orders o
    join json_to_recordset(${keys}::json) as k(tenant_id text, outlet_id text, business_day text, number integer)
      on k.tenant_id = o.tenant_id and k.outlet_id = o.outlet_id and o.business_day = k.business_day::date and k.number = o.number`.execute(trx);
  const holder = new Map(taken.rows.map((r) => [dayNumber(r), r.id]));
  // Within the batch, the earliest-created order keeps a number two of them claim.
  const byAge = [...kept].sort((a, b) => compareForNumbering(a.order, b.order));
  const candidateSet = new Set(candidates);
  let changed = false;
  for (const o of byAge) {
    if (o.order.number === null) continue;
    const key = dayNumber(o.order);
    const owner = holder.get(key);
    if (owner === undefined || owner === o.order.id) {
      holder.set(key, o.order.id);
      continue;
    }
    if (!candidateSet.has(o)) continue;
    o.order.trust_flags = [
      ...o.order.trust_flags,
      { flag: NUMBER_IGNORED, field: 'number', claimed: o.order.number, detail: 'already the number of another order of this day' },
    ];
    o.order.flagged = true;
    o.order.number = null;
    changed = true;
  }
  return changed;
}

/** Writes one batch in one transaction (see the module comment). */
export async function writeRows(db: Kysely<Database>, input: BatchInput): Promise<BatchResult> {
  return db.transaction().execute(async (trx) => {
    await input.fence?.(trx);
    const errors = [...input.errors];

    // Rows already there: their numbers are kept, their child rows are replaced.
    const existing = new Map<string, { number: number | null; doc_name: string; trust_flags: unknown }>();
    for (const [tenant, list] of groupByTenant(input.orders, (o) => o.order.tenant_id)) {
      const rows = await trx
        .selectFrom('orders')
        .select(['id', 'number', 'doc_name', 'trust_flags'])
        .where('tenant_id', '=', tenant)
        .where('id', 'in', jsonTextArray(list.map((o) => o.order.id)) as never)
        .execute();
      for (const r of rows) existing.set(`${tenant}\u0000${r.id}`, { number: r.number, doc_name: r.doc_name, trust_flags: r.trust_flags });
    }
    const live = input.numbersFromLive ? await liveNumbers(trx, input.orders) : new Map<string, { number: number | null; trust_flags: unknown }>();

    // An order id seen in two documents (a faulty or forged device): the first document keeps
    // the row, the other copy is recorded as an error instead of overwriting it.
    const kept: OrderRows[] = [];
    const seen = new Map<string, string>();
    let reserialise = false;
    for (const o of input.orders) {
      const key = `${o.order.tenant_id}\u0000${o.order.id}`;
      const before = existing.get(key);
      const owner = before?.doc_name ?? seen.get(key);
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
      // The committed number wins over the document's (see trust.ts).
      const committed = before ?? live.get(key);
      if (committed?.number != null) o.order.number = committed.number;
      // A number the projector once refused stays on record even after its write-back replaced it in the document.
      if (committed && keepIgnoredNumberFlags(o, committed.trust_flags)) reserialise = true;
      kept.push(o);
    }
    if (await refuseTakenNumbers(trx, kept, existing)) reserialise = true;

    const rows = kept.map((o) => o.order);
    let assigned: OrderRow[] = [];
    const deferred: OrderRow[] = [];
    if (input.assignNumbers) {
      await raiseCounters(trx, rows);
      const groups = groupForNumbering(rows);
      const gate = input.assignNumbers;
      const ours = gate === true ? groups : await numberableGroups(trx, groups, gate);
      const oursSet = new Set(ours);
      for (const group of groups) if (!oursSet.has(group)) deferred.push(...group.orders);
      assigned = await reserveNumbers(trx, ours);
    }

    const replaced = kept.filter((o) => existing.has(`${o.order.tenant_id}\u0000${o.order.id}`));
    for (const [tenant, list] of groupByTenant(replaced, (o) => o.order.tenant_id)) {
      const ids = jsonTextArray(list.map((o) => o.order.id));
      // Separate from the inserts: one statement cannot delete and re-insert the same key.
      await sql`with ${sql.join(
        CHILD_TABLES.map(
          ({ table }, i) => sql`${sql.raw(`d${i}`)} as (delete from ${sql.table(table)} where tenant_id = ${tenant} and order_id in ${ids} returning 1)`,
        ),
      )} select 1`.execute(trx);
    }

    if (rows.length > 0) {
      const prepared = !reserialise && input.prepared ? input.prepared : prepareBatch(input.orders);
      const numbers = rows
        .filter((r) => r.number !== null && r.number !== prepared.serialisedNumbers.get(r))
        .map((r) => ({ tenant_id: r.tenant_id, id: r.id, number: r.number }));
      const keptSet = new Set(kept);
      const excluded = input.orders.filter((o) => !keptSet.has(o)).map((o) => `${o.order.doc_name}#${o.order.id}`);
      await insertAll(prepared, JSON.stringify(numbers), excluded).execute(trx);
    }

    if (errors.length > 0) {
      await insertRows('projector_errors', ERROR_COLUMNS, errors, { keys: ['doc_name', 'update_id', 'order_id'], update: 'nothing' }).execute(trx);
    }

    // Last, because appending takes the log's advisory lock until commit.
    // New numbers, and (authority only) committed numbers the document does not show (a device wrote another one).
    const assignedSet = new Set(assigned);
    const gate = input.assignNumbers;
    const corrected = gate
      ? kept
          .filter((o) => o.order.number !== null && o.order.number !== o.docNumber && !assignedSet.has(o.order) && (gate === true || gate(o.order) !== null))
          .map((o) => o.order)
      : [];
    const toWriteBack = [...assigned, ...corrected];
    const updates = toWriteBack.length > 0 && input.writeBack ? input.writeBack(toWriteBack) : [];
    const appendedIds = await appendUpdatesInTransaction(trx, updates);

    if (input.cursor) {
      await trx
        .insertInto('projector_cursor')
        .values({ name: input.cursor.name, last_id: input.cursor.lastId })
        .onConflict((oc) => oc.column('name').doUpdateSet({ last_id: input.cursor!.lastId, updated_at: sql`now()` }))
        .execute();
    }
    return { written: rows.length, assigned, appendedIds, deferred };
  });
}
