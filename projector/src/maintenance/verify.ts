/**
 * `kiosk verify`: re-fold every day document from the update log and compare the pure
 * projection with the rows in the database. Every difference is listed; an empty list means
 * the rows are exactly what the documents say. Also checks that the numbers of every
 * outlet-day are 1..N with no gap or duplicate.
 *
 * Run it when the projector has caught up (a projector that is behind shows as differences).
 */
import { sql } from 'kysely';
import { canonicalJson, readOrders, type OutletSnapshot } from '@kiosk/shared';
import { dayDocNames, type KioskDatabase } from '@kiosk/store';
import { projectOrder } from '../project/project-order';
import { CHILD_TABLES, type OrderRows } from '../project/rows';
import { DocCache, describe } from '../tail/doc-cache';
import { TrustVerifier } from '../tail/trust-verifier';
import { jsonTextArray } from '../write/json-rows';
import { DELETED_FROM_DOCUMENT } from './shadow-tables';

/** A row `rebuild` kept on purpose: its order is gone from the document, its history is not. */
const keptDeleted = (row: Record<string, unknown>): boolean => Array.isArray(row.flags) && row.flags.includes(DELETED_FROM_DOCUMENT);

export type DifferenceKind = 'missing-row' | 'extra-row' | 'column' | 'unnumbered' | 'number-gap' | 'number-duplicate' | 'unreadable';

export interface Difference {
  kind: DifferenceKind;
  docName: string;
  orderId?: string;
  table?: string;
  /** Key of the child row (line id, event id, …). */
  key?: string;
  column?: string;
  expected?: unknown;
  actual?: unknown;
  message: string;
}

export interface VerifyOptions {
  store: KioskDatabase;
  /** Only these day documents (default: every day document in the log). */
  docNames?: readonly string[];
  /** Stop after this many differences (default 10,000). */
  limit?: number;
  /** As the projector's `trustedWriters` (the same checks as the projection). */
  trustedWriters?: readonly string[];
}

const isIgnoredNumber = (f: unknown) => (f as { flag?: unknown } | null)?.flag === 'number_ignored';

/**
 * A `number_ignored` finding stays on the row after the projector put its own number back into
 * the document (the document no longer shows the device's number), and the row's number is the
 * projector's to give: neither is a difference between the row and the document.
 */
function alignWithRecordedFindings(expected: OrderRows, row: Record<string, unknown>): void {
  const recorded = Array.isArray(row.trust_flags) ? (row.trust_flags as unknown[]) : [];
  if (recorded.some(isIgnoredNumber)) {
    expected.order.trust_flags = [...recorded.filter(isIgnoredNumber), ...expected.order.trust_flags.filter((f) => !isIgnoredNumber(f))];
    expected.order.flagged = true;
  }
  if (expected.order.number === null && typeof row.number === 'number') expected.order.number = row.number;
}

const KEYS: Record<string, readonly string[]> = {
  orders: ['id'],
  order_lines: ['line_id'],
  order_line_modifiers: ['line_id', 'position'],
  payments: ['id'],
  kitchen_events: ['id'],
  voids_refunds: ['id'],
};
const IGNORED = new Set(['projected_at']);

/** Database value → the projection's representation (ISO timestamps, parsed JSON, numbers). */
function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return Number(value);
  return value;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // Canonical (sorted keys): jsonb gives object keys back in its own order.
  if (Array.isArray(a) || Array.isArray(b) || (a && typeof a === 'object')) return canonicalJson(a) === canonicalJson(b);
  return false;
}

function compareRows(table: string, docName: string, orderId: string, expected: object[], actual: Record<string, unknown>[], out: Difference[]): void {
  const keyOf = (row: Record<string, unknown>) => KEYS[table].map((k) => String(row[k])).join('/');
  const actualByKey = new Map(actual.map((r) => [keyOf(r), r]));
  for (const exp of expected as Record<string, unknown>[]) {
    const key = keyOf(exp);
    const act = actualByKey.get(key);
    if (!act) {
      out.push({ kind: 'missing-row', docName, orderId, table, key, message: `${table} ${key} of order ${orderId} is missing` });
      continue;
    }
    actualByKey.delete(key);
    for (const column of Object.keys(exp)) {
      if (IGNORED.has(column)) continue;
      const a = normalise(act[column]);
      if (!same(exp[column], a)) {
        out.push({
          kind: 'column',
          docName,
          orderId,
          table,
          key,
          column,
          expected: exp[column],
          actual: a,
          message: `${table} ${key}.${column}: expected ${JSON.stringify(exp[column])}, found ${JSON.stringify(a)}`,
        });
      }
    }
  }
  for (const [key] of actualByKey)
    out.push({ kind: 'extra-row', docName, orderId, table, key, message: `${table} ${key} of order ${orderId} is not in the document` });
}

export async function verify(options: VerifyOptions): Promise<Difference[]> {
  const { store } = options;
  const { db } = store;
  const limit = options.limit ?? 10_000;
  const out: Difference[] = [];
  const docs = options.docNames ? options.docNames : await dayDocNames(store);
  const cache = new DocCache({ store, maxDocs: 50 });
  const trust = new TrustVerifier({ store, cache, trustedWriters: options.trustedWriters });
  const outlets = new Map<string, OutletSnapshot>();

  for (const docName of docs) {
    if (out.length >= limit) break;
    const [tenant, outlet, day] = docName.split('/');
    let expected: OrderRows[];
    try {
      const outletKey = `${tenant}/${outlet}`;
      if (!outlets.has(outletKey)) {
        const entry = await cache.get({ docName: outletKey, tenant, outlet, day: null });
        if (entry.kind === 'outlet') outlets.set(outletKey, cache.outletSnapshot(entry));
      }
      const entry = await cache.get({ docName, tenant, outlet, day });
      if (entry.kind !== 'day') throw new Error(`${docName} is not a day document`);
      const meta = { tenant, outlet, day, docName };
      const records = readOrders(entry.doc);
      const history = await trust.prepare(
        entry,
        records.map((r) => r.header.id),
      );
      expected = records.map((record) => projectOrder(record, meta, outlets.get(outletKey), trust.verify(entry, record, history)));
      cache.evict([docName]);
    } catch (error) {
      out.push({ kind: 'unreadable', docName, message: `${docName} cannot be re-folded: ${describe(error)}` });
      continue;
    }
    const orderRows = (await db.selectFrom('orders').selectAll().where('doc_name', '=', docName).execute()) as unknown as Record<string, unknown>[];
    const expectedIds = new Set(expected.map((e) => e.order.id));
    for (const row of orderRows) {
      if (!expectedIds.has(String(row.id)) && !keptDeleted(row))
        out.push({
          kind: 'extra-row',
          docName,
          orderId: String(row.id),
          table: 'orders',
          key: String(row.id),
          message: `order ${String(row.id)} has a row but is not in ${docName}`,
        });
    }
    const rowsById = new Map(orderRows.map((r) => [String(r.id), r]));
    const ids = [...expectedIds];
    const children = new Map<string, Map<string, Record<string, unknown>[]>>();
    for (const { table } of CHILD_TABLES) {
      const byOrder = new Map<string, Record<string, unknown>[]>();
      if (ids.length > 0) {
        const rows = (await db
          .selectFrom(table)
          .selectAll()
          .where('tenant_id', '=', tenant)
          .where('order_id', 'in', jsonTextArray(ids) as never)
          .execute()) as unknown as Record<string, unknown>[];
        for (const r of rows) {
          const list = byOrder.get(String(r.order_id));
          if (list) list.push(r);
          else byOrder.set(String(r.order_id), [r]);
        }
      }
      children.set(table, byOrder);
    }
    for (const exp of expected) {
      const id = exp.order.id;
      const row = rowsById.get(id);
      if (!row) {
        out.push({ kind: 'missing-row', docName, orderId: id, table: 'orders', key: id, message: `order ${id} (${exp.order.provisional_ref}) has no row` });
        continue;
      }
      alignWithRecordedFindings(exp, row);
      compareRows('orders', docName, id, [exp.order], [row], out);
      for (const { table, key } of CHILD_TABLES) compareRows(table, docName, id, exp[key] as object[], children.get(table)!.get(id) ?? [], out);
    }

    // Numbers: 1..N per outlet-day, every order numbered (the authority numbers all of them).
    const numbers = orderRows.map((r) => r.number as number | null);
    const unnumbered = orderRows.filter((r) => r.number === null);
    for (const r of unnumbered)
      out.push({ kind: 'unnumbered', docName, orderId: String(r.id), message: `order ${String(r.id)} (${String(r.provisional_ref)}) has no number` });
    const seen = new Map<number, number>();
    for (const n of numbers) if (n !== null) seen.set(n, (seen.get(n) ?? 0) + 1);
    for (const [n, count] of seen)
      if (count > 1) out.push({ kind: 'number-duplicate', docName, message: `number ${n} is used by ${count} orders in ${docName}` });
    const max = Math.max(0, ...seen.keys());
    for (let n = 1; n <= max; n++)
      if (!seen.has(n)) out.push({ kind: 'number-gap', docName, message: `number ${n} is missing in ${docName} (highest is ${max})` });
  }

  // Rows whose document is not in the log at all.
  if (!options.docNames && out.length < limit) {
    const known = new Set(docs);
    const rowDocs = await db
      .selectFrom('orders')
      .select('doc_name')
      .distinct()
      .where(sql<boolean>`not (flags @> ${JSON.stringify([DELETED_FROM_DOCUMENT])}::jsonb)`)
      .execute();
    for (const { doc_name } of rowDocs)
      if (!known.has(doc_name))
        out.push({ kind: 'extra-row', docName: doc_name, table: 'orders', message: `rows exist for ${doc_name}, which has no updates in the log` });
  }
  cache.evictAll();
  trust.clear();
  return out.slice(0, limit);
}
