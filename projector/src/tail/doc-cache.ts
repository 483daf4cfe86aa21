/**
 * In-memory Yjs documents the projector needs (day documents and outlet documents), loaded
 * from the store on first use and evicted when idle.
 *
 * A document is loaded to the END of the log (latest snapshot + every later row), not to the
 * cursor. Rows up to the cursor are already projected and are applied silently; rows past it
 * are applied as remote transactions, so exactly the orders they touch are reported as changed
 * (and projected now; the batch's own copies of those rows are then skipped). Loading to the
 * end is also what makes a rebuild reproduce the numbers: an order's number, written later in
 * the log, is already in the document when the order is first projected.
 *
 * Change detection: an observer on the day's `orders` map collects the ids of orders touched
 * by REMOTE transactions (log rows). The projector's own `setOrderNumber` is a local
 * transaction and is ignored, so writing a number does not re-project the order.
 */
import * as Y from 'yjs';
import { DAY, readOutlet, type OutletSnapshot } from '@kiosk/shared';
import { readDocument, type KioskDatabase } from '@kiosk/store';

/** Origin of transactions that apply rows of the update log. */
export const LOG_ORIGIN = 'projector:log';

export interface BadUpdate {
  docName: string;
  /** Null when the snapshot (not a log row) is bad. */
  updateId: number | null;
  error: string;
}

export interface CachedDay {
  kind: 'day';
  name: string;
  tenant: string;
  outlet: string;
  day: string;
  doc: Y.Doc;
  /** Orders changed since the last `takeChanged()`. */
  changed: Set<string>;
  /** Highest log id already in the document (rows up to it are skipped, not re-applied). */
  uptoId: number;
  lastUsed: number;
  /** Yjs client id → the device the relay attributed it to; null: no device owns it (a server-side writer). Filled lazily (`resolveOwners`). */
  owners: Map<number, ClientOwner | null>;
}

export interface CachedOutlet {
  kind: 'outlet';
  name: string;
  tenant: string;
  outlet: string;
  doc: Y.Doc;
  snapshot: OutletSnapshot | null;
  uptoId: number;
  lastUsed: number;
}

export type CachedDoc = CachedDay | CachedOutlet;

/** Who a Yjs client id of a day document belongs to (`device_client_ids`). */
export interface ClientOwner {
  device: string;
  /** The device whose catch-up delivered its first structs, when not `device`. */
  relayedBy: string | null;
}

export interface DocCacheOptions {
  store: KioskDatabase;
  /** Evict documents unused for this long (default 10 minutes). */
  idleMs?: number;
  /** Keep at most this many documents (least recently used go first; default 500). */
  maxDocs?: number;
  now?: () => number;
}

export interface DocKey {
  docName: string;
  tenant: string;
  outlet: string;
  /** Null for the outlet document. */
  day: string | null;
}

export class DocCache {
  private readonly docs = new Map<string, CachedDoc>();
  /** Rows that did not apply while loading or tailing; the writer records them. */
  readonly badUpdates: BadUpdate[] = [];
  private readonly idleMs: number;
  private readonly maxDocs: number;
  private readonly now: () => number;

  constructor(private readonly options: DocCacheOptions) {
    this.idleMs = options.idleMs ?? 10 * 60_000;
    this.maxDocs = options.maxDocs ?? 500;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.docs.size;
  }

  loaded(): CachedDoc[] {
    return [...this.docs.values()];
  }

  peek(docName: string): CachedDoc | undefined {
    return this.docs.get(docName);
  }

  /**
   * The cached document, loaded if needed. `projectedUpTo` is the cursor: every log row up to
   * it has already been projected, so only orders changed by later rows are reported as changed.
   * Without it (or when a snapshot reaches past it, or with `markAll`), every order is.
   */
  async get(key: DocKey, options: { projectedUpTo?: number; markAll?: boolean } = {}): Promise<CachedDoc> {
    const existing = this.docs.get(key.docName);
    if (existing) {
      existing.lastUsed = this.now();
      return existing;
    }
    const { doc, uptoId, later, whole } = await this.load(key.docName, key.day === null ? Infinity : (options.projectedUpTo ?? 0));
    let entry: CachedDoc;
    if (key.day === null) {
      entry = { kind: 'outlet', name: key.docName, tenant: key.tenant, outlet: key.outlet, doc, snapshot: null, uptoId, lastUsed: this.now() };
    } else {
      const day: CachedDay = {
        kind: 'day',
        name: key.docName,
        tenant: key.tenant,
        outlet: key.outlet,
        day: key.day,
        doc,
        changed: new Set(),
        uptoId,
        lastUsed: this.now(),
        owners: new Map(),
      };
      const orders = doc.getMap(DAY.orders);
      if (whole || options.markAll || options.projectedUpTo === undefined) for (const id of orders.keys()) day.changed.add(id);
      orders.observeDeep((events, transaction) => {
        if (transaction.local) return;
        for (const event of events) {
          if (event.target === orders) for (const id of event.changes.keys.keys()) day.changed.add(id);
          else if (event.path.length > 0) day.changed.add(String(event.path[0]));
        }
      });
      // Rows past the cursor go in as remote transactions, so the observer reports their orders.
      this.applyRows(doc, key.docName, later);
      entry = day;
    }
    this.docs.set(key.docName, entry);
    return entry;
  }

  /**
   * Applies log rows of one document. A row that does not decode is remembered (never thrown)
   * and skipped: it is recorded in `projector_errors` and the rest of the log goes on.
   */
  apply(entry: CachedDoc, rows: { id: number; update: Uint8Array | null }[]): void {
    entry.lastUsed = this.now();
    // Rows the document was loaded with would apply as no-ops; skipping them halves the decoding.
    const fresh = rows.filter((r): r is { id: number; update: Uint8Array } => r.id > entry.uptoId);
    const missing = fresh.find((r) => r.update === null);
    if (missing) throw new Error(`log row ${missing.id} of ${entry.name} was read without its bytes but the document does not hold it`);
    if (fresh.length === 0) return;
    this.applyRows(entry.doc, entry.name, fresh);
    entry.uptoId = Math.max(entry.uptoId, fresh[fresh.length - 1].id);
    if (entry.kind === 'outlet') entry.snapshot = null;
  }

  /** The outlet's settings and catalog, read once per change. */
  outletSnapshot(entry: CachedOutlet): OutletSnapshot {
    entry.snapshot ??= readOutlet(entry.doc);
    return entry.snapshot;
  }

  /** Drops documents so the next use reloads them from the committed log. */
  evict(docNames: Iterable<string>): void {
    for (const name of docNames) {
      const entry = this.docs.get(name);
      if (!entry) continue;
      entry.doc.destroy();
      this.docs.delete(name);
    }
  }

  /** Document name → highest log id it holds, for `readSince`. */
  appliedUpTo(): Map<string, number> {
    const map = new Map<string, number>();
    for (const [name, entry] of this.docs) map.set(name, entry.uptoId);
    return map;
  }

  evictAll(): void {
    this.evict([...this.docs.keys()]);
  }

  /**
   * Evicts idle documents, and the least recently used beyond `maxDocs`. Documents with
   * pending changes are kept (their orders are not projected yet).
   */
  evictIdle(): string[] {
    const now = this.now();
    const candidates = [...this.docs.values()].filter((d) => d.kind === 'outlet' || d.changed.size === 0).sort((a, b) => a.lastUsed - b.lastUsed);
    const evicted: string[] = [];
    let excess = this.docs.size - this.maxDocs;
    for (const d of candidates) {
      if (now - d.lastUsed > this.idleMs || excess > 0) {
        evicted.push(d.name);
        excess--;
      }
    }
    this.evict(evicted);
    return evicted;
  }

  /**
   * Snapshot + log rows up to `projectedUpTo` (applied here), and the later rows (returned, for
   * the caller to apply with change detection). `whole` = the split was not possible (the
   * snapshot reaches past the cursor): treat every order as changed. A snapshot or row that
   * does not apply is remembered in `badUpdates` and skipped (a bad snapshot is dropped and the
   * rows are read from the start: log rows are never deleted, so the document is still whole).
   */
  private async load(
    docName: string,
    projectedUpTo: number,
  ): Promise<{ doc: Y.Doc; uptoId: number; later: { id: number; update: Uint8Array }[]; whole: boolean }> {
    const loaded = await readDocument(this.options.store, docName, {
      applyUpTo: projectedUpTo,
      onBadRow: (bad) =>
        this.badUpdates.push(
          bad.id === null
            ? { docName, updateId: null, error: `snapshot up to ${bad.snapshotUpTo} does not apply: ${describe(bad.error)}` }
            : { docName, updateId: bad.id, error: describe(bad.error) },
        ),
    });
    const whole = loaded.snapshotUpTo !== null && loaded.snapshotUpTo > projectedUpTo;
    return { doc: loaded.doc, uptoId: loaded.lastLogId, later: loaded.held, whole };
  }

  /**
   * Makes sure `entry.owners` knows every one of `clients`: the relay records a client id's
   * owner in the same statement as the first row that uses it, so a client id of an applied row
   * that has no claim now never gets one from that row's writer.
   */
  async resolveOwners(entry: CachedDay, clients: Iterable<number>): Promise<void> {
    const unknown = [...new Set(clients)].filter((c) => !entry.owners.has(c));
    if (unknown.length === 0) return;
    const rows = await this.options.store.db
      .selectFrom('device_client_ids')
      .select(['client_id', 'device_id', 'relayed_by'])
      .where('doc_name', '=', entry.name)
      .where('client_id', 'in', unknown)
      .execute();
    for (const c of unknown) entry.owners.set(c, null);
    for (const r of rows) entry.owners.set(Number(r.client_id), { device: r.device_id, relayedBy: r.relayed_by });
  }

  /** Applies rows in one transaction (cleanup and observers run once, not once per row). */
  applyRows(doc: Y.Doc, docName: string, rows: { id: number; update: Uint8Array }[]): void {
    Y.transact(
      doc,
      () => {
        for (const row of rows) {
          try {
            Y.applyUpdate(doc, row.update, LOG_ORIGIN);
          } catch (error) {
            this.badUpdates.push({ docName, updateId: row.id, error: describe(error) });
          }
        }
      },
      LOG_ORIGIN,
      false,
    );
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
