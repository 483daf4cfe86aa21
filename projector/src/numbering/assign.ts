/**
 * Gapless daily order numbers.
 *
 * A number is assigned in the transaction that first writes the order's row with a number:
 * the counter row `order_numbers (tenant, outlet, business_day)` is advanced with
 * `insert … on conflict do update … returning`, which locks it until commit, so a number
 * either commits together with its order row, its write-back into the day document and the
 * cursor — or not at all. Nothing is reserved outside a transaction, so nothing is skipped.
 *
 * Which number an order gets:
 * 1. the number already in its document (a rebuild, or another authority assigned it) — kept;
 * 2. else the number already in its row (committed earlier) — kept;
 * 3. else a new one. New numbers within one batch go by the device's `createdAt`, then by
 *    order id (UUIDv7, so roughly creation order too) — a stable order for orders that arrive
 *    together, e.g. from a terminal that was offline.
 *
 * The counter is first raised to the highest number the documents carry (`greatest`), so a
 * rebuild that takes numbers from the documents continues after them, never reusing one.
 */
import type { Transaction } from 'kysely';
import type { Database } from '@kiosk/store';
import { insertRows } from '../write/json-rows';
import type { OrderRow } from '../project/rows';

export interface DayKey {
  tenant_id: string;
  outlet_id: string;
  business_day: string;
}

export interface NewNumberGroup extends DayKey {
  /** Orders in the order they get numbers. */
  orders: OrderRow[];
}

const dayKey = (r: DayKey): string => `${r.tenant_id}\u0000${r.outlet_id}\u0000${r.business_day}`;

/** Pure: the orders without a number, grouped per outlet-day, in numbering order. */
export function groupForNumbering(rows: readonly OrderRow[]): NewNumberGroup[] {
  const groups = new Map<string, NewNumberGroup>();
  for (const row of rows) {
    if (row.number !== null) continue;
    const key = dayKey(row);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { tenant_id: row.tenant_id, outlet_id: row.outlet_id, business_day: row.business_day, orders: [] }));
    group.orders.push(row);
  }
  for (const group of groups.values()) group.orders.sort(compareForNumbering);
  return [...groups.values()];
}

/** createdAt (device clock) first, then id. ISO strings of the same width sort as instants. */
export function compareForNumbering(a: OrderRow, b: OrderRow): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Raises the counters to the numbers already carried by rows (from documents or earlier
 * commits), then assigns new numbers to `groups` in order. Mutates `row.number` of the grouped
 * rows and returns them (the orders that need their number written back).
 */
export async function assignNumbers(trx: Transaction<Database>, carried: readonly OrderRow[], groups: readonly NewNumberGroup[]): Promise<OrderRow[]> {
  await raiseCounters(trx, carried);
  return reserveNumbers(trx, groups);
}

/**
 * The numbering authority's rule (`authority.ts`): of `groups`, those this projector may number —
 * the gate says null for an outlet day that is not ours, or the number our counter must have
 * reached first (the previous authority's last number). Call after `raiseCounters`.
 */
export async function numberableGroups(
  trx: Transaction<Database>,
  groups: readonly NewNumberGroup[],
  gate: (key: DayKey) => number | null,
): Promise<NewNumberGroup[]> {
  const out: NewNumberGroup[] = [];
  for (const group of groups) {
    const needed = gate(group);
    if (needed === null) continue;
    if (needed > 0) {
      const row = await trx
        .selectFrom('order_numbers')
        .select('last_number')
        .where('tenant_id', '=', group.tenant_id)
        .where('outlet_id', '=', group.outlet_id)
        .where('business_day', '=', group.business_day)
        .executeTakeFirst();
      if (Number(row?.last_number ?? 0) < needed) continue;
    }
    out.push(group);
  }
  return out;
}

/** Raises the counters to the numbers already carried by rows (from documents or earlier commits). */
export async function raiseCounters(trx: Transaction<Database>, carried: readonly OrderRow[]): Promise<void> {
  const highest = new Map<string, DayKey & { last_number: number }>();
  for (const row of carried) {
    if (row.number === null) continue;
    const key = dayKey(row);
    const current = highest.get(key);
    if (!current || current.last_number < row.number) {
      highest.set(key, { tenant_id: row.tenant_id, outlet_id: row.outlet_id, business_day: row.business_day, last_number: row.number });
    }
  }
  const columns = ['tenant_id', 'outlet_id', 'business_day', 'last_number'];
  if (highest.size > 0) {
    await insertRows('order_numbers', columns, [...highest.values()], {
      keys: ['tenant_id', 'outlet_id', 'business_day'],
      update: [],
      extraSet: 'last_number = greatest(order_numbers.last_number, excluded.last_number)',
    }).execute(trx);
  }
}

/** Assigns new numbers to `groups` in order; mutates `row.number` and returns the numbered rows (to write back). */
export async function reserveNumbers(trx: Transaction<Database>, groups: readonly NewNumberGroup[]): Promise<OrderRow[]> {
  const columns = ['tenant_id', 'outlet_id', 'business_day', 'last_number'];
  if (groups.length === 0) return [];
  const wanted = groups.map((g) => ({ tenant_id: g.tenant_id, outlet_id: g.outlet_id, business_day: g.business_day, last_number: g.orders.length }));
  const reserved = await insertRows(
    'order_numbers',
    columns,
    wanted,
    { keys: ['tenant_id', 'outlet_id', 'business_day'], update: [], extraSet: 'last_number = order_numbers.last_number + excluded.last_number' },
    columns,
  )
    .$castTo<DayKey & { last_number: number }>()
    .execute(trx);
  const last = new Map(reserved.rows.map((r) => [dayKey(r), Number(r.last_number)]));
  const assigned: OrderRow[] = [];
  for (const group of groups) {
    const top = last.get(dayKey(group));
    if (top === undefined) throw new Error(`order_numbers returned no counter for ${dayKey(group).replace(/\u0000/g, '/')}`);
    let next = top - group.orders.length + 1;
    for (const row of group.orders) {
      row.number = next++;
      assigned.push(row);
    }
  }
  return assigned;
}
