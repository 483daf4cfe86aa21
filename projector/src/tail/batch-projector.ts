/**
 * One batch of the update log → rows: apply the rows to the in-memory documents, fold and
 * project every order they changed, write everything (rows, numbers, number write-back,
 * errors, cursor) in one transaction — or, for a very large set of changed orders, in several
 * transactions of which only the last moves the cursor.
 *
 * If anything fails, every document the batch touched is evicted: memory never holds a state
 * (applied rows, numbers written back) that the committed log and rows do not. The next try
 * reloads those documents from the log and projects all their orders again (idempotent).
 */
import * as Y from 'yjs';
import {
  appendNumberingEntry,
  correctOrderNumber,
  formatZodError,
  ORDER,
  orderHeaderSchema,
  ordersMap,
  readOrder,
  type NumberingState,
  type OutletSnapshot,
} from '@kiosk/shared';
import type { KioskDatabase, LogRow } from '@kiosk/store';
import { appendUpdates, type NewUpdate } from '@kiosk/store';
import { gateOf, type NumberingGate, type OutletNumbering } from '../numbering/authority';
import type { Lease } from '../numbering/lease';
import { projectOrder, type DocMeta } from '../project/project-order';
import type { OrderRow, OrderRows } from '../project/rows';
import { prepareBatch, writeRows, type ErrorRow, type PreparedBatch } from '../write/write-rows';
import { describe, DocCache, type CachedDay, type CachedOutlet } from './doc-cache';
import type { OutletHistory } from './outlet-history';
import { TrustVerifier } from './trust-verifier';

/** Device and origin of the projector's own number write-backs in the update log. */
export const PROJECTOR_DEVICE = 'projector';
export const PROJECTOR_ORIGIN = 'projector';
const NUMBER_ORIGIN = Symbol('projector:number');
/** Business days a release lists (the days a new authority may still be numbering). */
const RELEASED_DAYS = 7;
/** Unnumbered orders re-checked after a restart (the newest days first). */
const MAX_RESTORED_DEFERRED = 20_000;

export interface BatchProjectorOptions {
  store: KioskDatabase;
  cache: DocCache;
  cursorName: string;
  /** Assign numbers (authority) or only write rows (mirror). */
  assignNumbers: boolean;
  /**
   * With `assignNumbers`: number only the outlets whose numbering authority this projector is
   * (the outlet document's record, `numbering/authority.ts`), and release an outlet handed over
   * from it. Without it, every outlet in scope is numbered (`kiosk rebuild`, tests).
   */
  numbering?: OutletNumbering;
  lease?: Lease;
  /** Orders per transaction when a batch changes more (default 2,000). */
  maxOrdersPerTransaction?: number;
  /** Devices whose numbers are adopted like the projector's own (see `project/trust.ts`). */
  trustedWriters?: readonly string[];
  /** `kiosk rebuild`: the live rows' numbers count as committed (see `write-rows.ts`). */
  numbersFromLive?: boolean;
}

/** Why an order entry with a header cannot be read (undefined: no header yet). */
function unreadable(doc: Y.Doc, id: string): string | undefined {
  const orderMap = ordersMap(doc).get(id);
  if (!(orderMap instanceof Y.Map)) return `order entry ${id} is not a map`;
  const header = orderMap.get(ORDER.header);
  if (header === undefined) return undefined;
  const parsed = orderHeaderSchema.safeParse(header);
  return parsed.success ? `order ${id} cannot be read` : `order ${id} has an invalid header: ${formatZodError(parsed.error, 'header')}`;
}

/** Events that do not pass the schema are left out by the fold; say so instead of hiding it. */
function skippedEvents(doc: Y.Doc, id: string, readable: number): string | undefined {
  const events = ordersMap(doc).get(id)?.get(ORDER.events);
  const total = events instanceof Y.Array ? events.length : 0;
  return total > readable ? `order ${id}: ${total - readable} event(s) do not pass the schema and are left out` : undefined;
}

export interface BatchOptions {
  /** The persisted cursor the rows follow. */
  afterId: number;
  /** Id of the last row read (the new cursor, even if the rows were all out of scope). */
  lastId: number;
  inScope: (tenant: string, outlet: string) => boolean;
  isolate?: boolean;
}

interface WorkItem {
  entry: CachedDay;
  id: string;
  meta: DocMeta;
  outlet: OutletSnapshot | undefined;
  history: OutletHistory | undefined;
}

export interface BatchOutcome {
  orders: number;
  assigned: number;
  errors: number;
}

export class BatchProjector {
  private readonly maxOrders: number;
  /** `docName/orderId` of orders whose write failed even alone (recorded in projector_errors). */
  private readonly quarantined = new Set<string>();
  /**
   * Outlets whose rows were skipped at some point (leased by another worker): their documents'
   * rows before the cursor were never projected here, so loading one reports every order.
   */
  private readonly skippedOutlets = new Set<string>();
  /** Milliseconds spent per phase (for the benchmark and stats). */
  readonly timings = { apply: 0, project: 0, write: 0 };

  private readonly trust: TrustVerifier;
  /** Orders left unnumbered because their outlet day was not ours to number yet, per day document. */
  private readonly deferred = new Map<string, { tenant: string; outlet: string; day: string; ids: Set<string> }>();

  constructor(private readonly options: BatchProjectorOptions) {
    this.maxOrders = options.maxOrdersPerTransaction ?? 2_000;
    this.trust = new TrustVerifier({ store: options.store, cache: options.cache, trustedWriters: options.trustedWriters });
  }

  /**
   * Projects `rows` (ids ascending, all after the persisted cursor `afterId`) and moves the
   * cursor to `lastId`. `inScope` leaves out rows of outlets this projector does not handle.
   * With `isolate`, orders are written one per transaction and an order whose write fails is
   * recorded in `projector_errors` instead of stopping the projector (used after a batch failed
   * repeatedly).
   */
  async processBatch(rows: readonly LogRow[], options: BatchOptions): Promise<BatchOutcome> {
    const { afterId, lastId, inScope, isolate = false } = options;
    const { cache } = this.options;
    const touched = new Set<string>();
    let t = performance.now();
    const lap = (phase: keyof BatchProjector['timings']) => {
      const now = performance.now();
      this.timings[phase] += now - t;
      t = now;
    };
    try {
      const groups = new Map<string, LogRow[]>();
      for (const row of rows) {
        if (!inScope(row.tenant_id, row.outlet_id)) {
          this.skippedOutlets.add(`${row.tenant_id}/${row.outlet_id}`);
          continue;
        }
        // Only the outlet document and day documents project; the staff-keys document (sealed approval keys) does not.
        if (row.business_day === null && row.doc_name !== `${row.tenant_id}/${row.outlet_id}`) continue;
        const list = groups.get(row.doc_name);
        if (list) list.push(row);
        else groups.set(row.doc_name, [row]);
      }
      // Outlet documents first, so orders of this batch are audited against the newest catalog.
      const ordered = [...groups.values()].sort((a, b) => Number(a[0].business_day !== null) - Number(b[0].business_day !== null));
      for (const list of ordered) {
        const first = list[0];
        const entry = await cache.get(
          { docName: first.doc_name, tenant: first.tenant_id, outlet: first.outlet_id, day: first.business_day },
          { projectedUpTo: afterId, markAll: this.skippedOutlets.has(`${first.tenant_id}/${first.outlet_id}`) },
        );
        touched.add(entry.name);
        cache.apply(entry, list);
      }

      lap('apply');
      const errors: ErrorRow[] = cache.badUpdates.splice(0).map((b) => {
        const entry = cache.peek(b.docName);
        const [tenant, outlet] = b.docName.split('/');
        return {
          tenant_id: entry?.tenant ?? tenant,
          outlet_id: entry?.outlet ?? outlet,
          doc_name: b.docName,
          update_id: b.updateId,
          order_id: null,
          error: b.error,
        };
      });
      const gate = await this.numberingGate(afterId);
      const work: WorkItem[] = [];
      for (const entry of cache.loaded()) {
        if (entry.kind !== 'day' || entry.changed.size === 0) continue;
        touched.add(entry.name);
        const outletEntry = await cache.get({ docName: `${entry.tenant}/${entry.outlet}`, tenant: entry.tenant, outlet: entry.outlet, day: null });
        const outlet = outletEntry.kind === 'outlet' ? cache.outletSnapshot(outletEntry) : undefined;
        const meta = { tenant: entry.tenant, outlet: entry.outlet, day: entry.day, docName: entry.name };
        const history = await this.trust.prepare(entry, entry.changed);
        for (const id of entry.changed) if (!this.quarantined.has(`${entry.name}/${id}`)) work.push({ entry, id, meta, outlet, history });
        entry.changed.clear();
      }

      const outcome: BatchOutcome = { orders: 0, assigned: 0, errors: 0 };
      const write = async (orders: OrderRows[], errs: ErrorRow[], cursor: boolean, prepared?: PreparedBatch) => {
        const result = await writeRows(this.options.store.db, {
          orders,
          prepared,
          errors: errs,
          cursor: cursor ? { name: this.options.cursorName, lastId } : null,
          assignNumbers: this.options.assignNumbers && (gate ?? true),
          writeBack: (assigned) => this.writeBack(assigned),
          fence: this.options.lease ? (trx) => this.options.lease!.renewIn(trx) : undefined,
          numbersFromLive: this.options.numbersFromLive,
        });
        for (const row of result.deferred) this.defer(row);
        outcome.orders += result.written;
        outcome.assigned += result.assigned.length;
        outcome.errors += errs.length;
      };

      if (isolate) {
        const projected = await this.project(work, errors);
        lap('project');
        const failedDocs = new Set<string>();
        for (const order of projected) {
          try {
            await write([order], [], false);
          } catch (error) {
            // Recorded, and left out until the projector restarts, so one order that cannot be
            // written does not stop the others. Its document is reloaded after this batch.
            failedDocs.add(order.order.doc_name);
            this.quarantined.add(`${order.order.doc_name}/${order.order.id}`);
            errors.push({
              tenant_id: order.order.tenant_id,
              outlet_id: order.order.outlet_id,
              doc_name: order.order.doc_name,
              update_id: null,
              order_id: order.order.id,
              error: `order cannot be written: ${describe(error)}`,
            });
          }
        }
        cache.evict(failedDocs);
        await write([], errors, true);
        lap('write');
        return outcome;
      }

      // Pipeline: while chunk k is being written (the database works on the other core), chunk
      // k + 1 is projected and serialised. Transactions still commit one after another, in order,
      // and only the last one moves the cursor.
      let inflight: Promise<void> | null = null;
      try {
        for (let i = 0; i < work.length || i === 0; i += this.maxOrders) {
          const chunkErrors = i === 0 ? errors : [];
          const projected = await this.project(work.slice(i, i + this.maxOrders), chunkErrors);
          const prepared = prepareBatch(projected);
          lap('project');
          if (inflight) await inflight;
          inflight = write(projected, chunkErrors, i + this.maxOrders >= work.length, prepared);
          // Rejections are awaited below; this keeps a failure during the overlap from being "unhandled".
          inflight.catch(() => {});
        }
        await inflight;
      } finally {
        lap('write');
      }
      return outcome;
    } catch (error) {
      cache.evict(touched);
      throw error;
    }
  }

  /**
   * The numbering authority's part of a batch (null: no authority checks, number everything):
   * releases outlets handed over from this projector, marks orders deferred earlier as changed
   * when their outlet day became ours, and returns the gate for the write.
   */
  private async numberingGate(afterId: number): Promise<NumberingGate | null> {
    const numbering = this.options.numbering;
    if (!numbering || !this.options.assignNumbers) return null;
    const { cache } = this.options;
    const outlets = new Map<string, { tenant: string; outlet: string }>();
    for (const entry of cache.loaded()) if (entry.kind === 'day' && entry.changed.size > 0) outlets.set(`${entry.tenant}/${entry.outlet}`, entry);
    for (const d of this.deferred.values()) outlets.set(`${d.tenant}/${d.outlet}`, d);
    for (const entry of cache.loaded()) if (entry.kind === 'outlet') outlets.set(entry.name, entry);
    const gates = new Map<string, (day: string) => number | null>();
    for (const [name, { tenant, outlet }] of outlets) {
      const outletEntry = await cache.get({ docName: name, tenant, outlet, day: null });
      if (outletEntry.kind !== 'outlet') continue;
      const state = await numbering.stateOf(outletEntry);
      if (numbering.mustRelease(state)) await this.release(outletEntry, state);
      gates.set(name, gateOf(state, numbering.identity));
    }
    for (const [docName, d] of this.deferred) {
      const gateOfDay = gates.get(`${d.tenant}/${d.outlet}`);
      if (!gateOfDay || gateOfDay(d.day) === null) continue;
      const entry = await cache.get({ docName, tenant: d.tenant, outlet: d.outlet, day: d.day }, { projectedUpTo: afterId });
      if (entry.kind === 'day') for (const id of d.ids) entry.changed.add(id);
      this.deferred.delete(docName);
    }
    return (key) => gates.get(`${key.tenant_id}/${key.outlet_id}`)?.(key.business_day) ?? null;
  }

  /**
   * Hands an outlet over: this projector was its authority and has stopped numbering it (the
   * hand-over is in the document it holds), so it writes the highest number it gave per recent
   * business day into the outlet document; the new authority continues from there.
   */
  private async release(outlet: CachedOutlet, state: NumberingState): Promise<void> {
    const rows = await this.options.store.db
      .selectFrom('order_numbers')
      .select(['business_day', 'last_number'])
      .where('tenant_id', '=', outlet.tenant)
      .where('outlet_id', '=', outlet.outlet)
      .orderBy('business_day', 'desc')
      .limit(RELEASED_DAYS)
      .execute();
    const lastNumbers = Object.fromEntries(rows.map((r) => [String(r.business_day), Number(r.last_number)]));
    const parts: Uint8Array[] = [];
    const onUpdate = (update: Uint8Array) => parts.push(update);
    outlet.doc.on('update', onUpdate);
    try {
      outlet.doc.transact(() => {
        appendNumberingEntry(outlet.doc, {
          kind: 'release',
          epoch: state.epoch,
          authority: this.options.numbering!.identity,
          at: new Date().toISOString(),
          lastNumbers,
        });
      }, NUMBER_ORIGIN);
    } finally {
      outlet.doc.off('update', onUpdate);
    }
    this.options.numbering!.forget(outlet.name);
    try {
      await appendUpdates(this.options.store.db, [
        { docName: outlet.name, update: Y.mergeUpdates(parts), deviceId: PROJECTOR_DEVICE, origin: PROJECTOR_ORIGIN },
      ]);
    } catch (error) {
      // Memory must not hold what the log does not: reload the outlet document next time.
      this.options.cache.evict([outlet.name]);
      throw error;
    }
  }

  private defer(row: OrderRow): void {
    let d = this.deferred.get(row.doc_name);
    if (!d) this.deferred.set(row.doc_name, (d = { tenant: row.tenant_id, outlet: row.outlet_id, day: row.business_day, ids: new Set() }));
    d.ids.add(row.id);
  }

  /**
   * After a restart or a lease take-over: orders the rows hold without a number (left for
   * another authority, or deferred before) are checked again in the next batch.
   */
  async restoreDeferred(): Promise<void> {
    if (!this.options.numbering || !this.options.assignNumbers) return;
    this.deferred.clear();
    const rows = await this.options.store.db
      .selectFrom('orders')
      .select(['tenant_id', 'outlet_id', 'business_day', 'doc_name', 'id'])
      .where('number', 'is', null)
      .orderBy('business_day', 'desc')
      .limit(MAX_RESTORED_DEFERRED)
      .execute();
    for (const r of rows) this.defer({ ...r, business_day: String(r.business_day) } as OrderRow);
  }

  /**
   * Folds and projects orders, yielding to the event loop every few hundred so the statements
   * of a transaction in flight are not held up. An order that cannot be read is an error row.
   */
  private async project(items: readonly WorkItem[], errors: ErrorRow[]): Promise<OrderRows[]> {
    const out: OrderRows[] = [];
    for (let i = 0; i < items.length; i++) {
      if (i > 0 && i % 250 === 0) await new Promise((resolve) => setImmediate(resolve));
      const { entry, id, meta, outlet, history } = items[i];
      try {
        const record = readOrder(entry.doc, id);
        if (!record) {
          // No header yet (its events arrived first): the header's arrival marks it again. But a
          // header that is there and does not pass the schema is an error, never a silent skip.
          const problem = unreadable(entry.doc, id);
          if (problem) errors.push({ tenant_id: entry.tenant, outlet_id: entry.outlet, doc_name: entry.name, update_id: null, order_id: id, error: problem });
          continue;
        }
        const skipped = skippedEvents(entry.doc, id, record.events.length);
        if (skipped) errors.push({ tenant_id: entry.tenant, outlet_id: entry.outlet, doc_name: entry.name, update_id: null, order_id: id, error: skipped });
        out.push(projectOrder(record, meta, outlet, this.trust.verify(entry, record, history)));
      } catch (error) {
        errors.push({
          tenant_id: entry.tenant,
          outlet_id: entry.outlet,
          doc_name: entry.name,
          update_id: null,
          order_id: id,
          error: `order cannot be read: ${describe(error)}`,
        });
      }
    }
    return out;
  }

  /**
   * Writes the new numbers — and committed numbers over ones a device wrote — into the in-memory
   * day documents (as the projector's own local transaction, ignored by change detection) and
   * returns one Yjs update per document for the log. Runs inside the write transaction: if it rolls back, the caller evicts the documents.
   */
  private writeBack(assigned: OrderRow[]): NewUpdate[] {
    const byDoc = new Map<string, OrderRow[]>();
    for (const row of assigned) {
      const list = byDoc.get(row.doc_name);
      if (list) list.push(row);
      else byDoc.set(row.doc_name, [row]);
    }
    const updates: NewUpdate[] = [];
    for (const [docName, rows] of byDoc) {
      const entry = this.options.cache.peek(docName) as CachedDay | undefined;
      if (!entry || entry.kind !== 'day') throw new Error(`day document ${docName} is not loaded for the number write-back`);
      const parts: Uint8Array[] = [];
      const onUpdate = (update: Uint8Array, origin: unknown) => {
        if (origin === NUMBER_ORIGIN) parts.push(update);
      };
      entry.doc.on('update', onUpdate);
      try {
        entry.doc.transact(() => {
          for (const row of rows) correctOrderNumber(entry.doc, row.id, row.number!);
        }, NUMBER_ORIGIN);
      } finally {
        entry.doc.off('update', onUpdate);
      }
      if (parts.length === 0) continue;
      updates.push({ docName, update: parts.length === 1 ? parts[0] : Y.mergeUpdates(parts), deviceId: PROJECTOR_DEVICE, origin: PROJECTOR_ORIGIN });
    }
    return updates;
  }
}
