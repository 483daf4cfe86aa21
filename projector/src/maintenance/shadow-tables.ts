/**
 * The shadow schema of `kiosk rebuild`: a fresh copy of the projected tables' definitions in
 * `kiosk_rebuild`, filled by an ordinary projector run, then swapped into the live tables in ONE
 * transaction. Until that transaction commits, the live rows are never touched, so a failure at
 * any point — a row the database refuses, a kill -9, a lost database — leaves them as they were.
 *
 * Why insert-select and not `alter table … rename`: the live tables carry row-level-security
 * policies, grants to the application role and indexes named by the migrations; a renamed shadow
 * would have to recreate every one of them (and `like … including all` copies none of the
 * policies or grants). Emptying and refilling the live tables under an ACCESS EXCLUSIVE lock keeps
 * them exactly as the migrations made them; at the sizes an outlet-day has (hundreds to
 * thousands of orders) the swap takes milliseconds (measured in `rebuild.pg-test.ts`).
 *
 * The shadow is found through `search_path` on the ONE connection the rebuild holds
 * (`kiosk_rebuild, public`): the projector's writer names its tables unqualified, so the same,
 * unchanged writer fills the shadow, while the tables that are not shadowed (the update log,
 * leases) still resolve to the live ones.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '@kiosk/store';

export const SHADOW_SCHEMA = 'kiosk_rebuild';

/** Key of the advisory lock held by a rebuild (one at a time) and taken by its swap. */
export const REBUILD_LOCK_KEY = 727_013;

/** Flag kept on an order row whose order the document no longer holds (see `rebuild`). */
export const DELETED_FROM_DOCUMENT = 'deleted_from_document';

/** Tables of the projection, children before parents does not matter (no foreign keys). */
export const SHADOWED_TABLES = [
  'orders',
  'order_lines',
  'order_line_modifiers',
  'payments',
  'kitchen_events',
  'voids_refunds',
  'order_numbers',
  'projector_cursor',
  'projector_errors',
] as const;
export type ShadowedTable = (typeof SHADOWED_TABLES)[number];

const ORDER_CHILDREN = ['order_lines', 'order_line_modifiers', 'payments', 'kitchen_events', 'voids_refunds'] as const;

type Db = Kysely<Database> | Transaction<Database>;
const live = (t: string) => sql.raw(`public.${t}`);
const shadow = (t: string) => sql.raw(`${SHADOW_SCHEMA}.${t}`);

/** Drops any shadow a killed or failed rebuild left, and creates it fresh from the live definitions. */
export async function createShadow(db: Db): Promise<void> {
  await sql.raw(`drop schema if exists ${SHADOW_SCHEMA} cascade`).execute(db);
  await sql.raw(`create schema ${SHADOW_SCHEMA}`).execute(db);
  for (const table of SHADOWED_TABLES) {
    await sql`create table ${shadow(table)} (like ${live(table)} including defaults including constraints including indexes)`.execute(db);
  }
}

export async function dropShadow(db: Db): Promise<void> {
  await sql.raw(`drop schema if exists ${SHADOW_SCHEMA} cascade`).execute(db);
}

/** Makes unqualified table names resolve to the shadow first (session setting of `db`'s connection). */
export async function useShadow(db: Db): Promise<void> {
  await sql.raw(`set search_path to ${SHADOW_SCHEMA}, public`).execute(db);
}

export async function useLive(db: Db): Promise<void> {
  await sql.raw(`set search_path to public`).execute(db);
}

export interface MissingOrder {
  tenant_id: string;
  id: string;
  doc_name: string;
  business_day: string;
}

/** Live order rows the rebuild did not produce (their order is gone from the document, or unreadable). */
export async function ordersMissingFromShadow(db: Db): Promise<MissingOrder[]> {
  const result = await sql<MissingOrder>`
    select l.tenant_id, l.id, l.doc_name, l.business_day::text as business_day from ${live('orders')} l
    where not exists (select 1 from ${shadow('orders')} s where s.tenant_id = l.tenant_id and s.id = l.id)
    order by l.doc_name, l.id`.execute(db);
  return result.rows;
}

/**
 * Copies live rows of `orders` (and their child rows) into the shadow, adding `flag` to their
 * flags once. History is never dropped by a rebuild: an order a device deleted from its
 * document (before the write rules refused that) keeps its row, numbers and payments.
 */
export async function keepLiveOrders(db: Db, orders: readonly { tenant_id: string; id: string; flag: string }[]): Promise<void> {
  if (orders.length === 0) return;
  const keys = JSON.stringify(orders);
  await sql`
    insert into ${shadow('orders')} select l.* from ${live('orders')} l
    join json_to_recordset(${keys}::json) as k(tenant_id text, id text, flag text) on k.tenant_id = l.tenant_id and k.id = l.id`.execute(db);
  await sql`
    update ${shadow('orders')} s set flagged = true,
      flags = case when s.flags @> jsonb_build_array(k.flag) then s.flags else s.flags || jsonb_build_array(k.flag) end
    from json_to_recordset(${keys}::json) as k(tenant_id text, id text, flag text) where k.tenant_id = s.tenant_id and k.id = s.id`.execute(db);
  for (const table of ORDER_CHILDREN) {
    await sql`
      insert into ${shadow(table)} select l.* from ${live(table)} l
      join json_to_recordset(${keys}::json) as k(tenant_id text, id text, flag text) on k.tenant_id = l.tenant_id and k.id = l.order_id`.execute(db);
  }
}

/**
 * Counters never go down: a kept order's number (or a number the live projector assigned to an
 * order that is kept) stays taken, so the next order of that day gets a higher one.
 */
export async function carryCounters(db: Db): Promise<void> {
  await sql`
    insert into ${shadow('order_numbers')} (tenant_id, outlet_id, business_day, last_number)
    select tenant_id, outlet_id, business_day, last_number from ${live('order_numbers')}
    on conflict (tenant_id, outlet_id, business_day) do update set last_number = greatest(${shadow('order_numbers')}.last_number, excluded.last_number)`.execute(
    db,
  );
  await sql`
    insert into ${shadow('order_numbers')} (tenant_id, outlet_id, business_day, last_number)
    select tenant_id, outlet_id, business_day, max(number) from ${shadow('orders')} where number is not null group by 1, 2, 3
    on conflict (tenant_id, outlet_id, business_day) do update set last_number = greatest(${shadow('order_numbers')}.last_number, excluded.last_number)`.execute(
    db,
  );
}

/**
 * The swap, inside the caller's transaction: lock every live table (readers wait for the few
 * milliseconds it takes, and see either the old rows or the new ones), empty them, and fill them
 * from the shadow. Column lists are named, so a column order that differs (a column added by a
 * later migration) cannot shift values.
 */
export async function swapIn(trx: Transaction<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${REBUILD_LOCK_KEY})`.execute(trx);
  await sql.raw(`lock table ${SHADOWED_TABLES.map((t) => `public.${t}`).join(', ')} in access exclusive mode`).execute(trx);
  await sql.raw(`truncate ${SHADOWED_TABLES.map((t) => `public.${t}`).join(', ')}`).execute(trx);
  for (const table of SHADOWED_TABLES) {
    const columns = await sql<{ column_name: string }>`
      select column_name from information_schema.columns where table_schema = 'public' and table_name = ${table} order by ordinal_position`.execute(trx);
    const list = sql.raw(columns.rows.map((c) => `"${c.column_name.replace(/"/g, '""')}"`).join(', '));
    await sql`insert into ${live(table)} (${list}) select ${list} from ${shadow(table)}`.execute(trx);
  }
}
