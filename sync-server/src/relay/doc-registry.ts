/**
 * The documents held in memory (hocuspocus `documents` / `loadingDocuments`): loaded on first
 * use with concurrent callers sharing one load, kept while a socket or a pin holds them, and
 * unloaded `unloadAfterMs` after the last one left — never while the log lacks some of their
 * updates ("fail once, keep the data"). An unload may trigger a background compaction.
 */
import { parseDocName } from '@kiosk/shared';
import { compactDocument, loadDocument, type KioskDatabase } from '@kiosk/store';
import { SharedDoc } from './shared-doc';

export interface DocRegistryOptions {
  store: KioskDatabase;
  unloadAfterMs: number;
  /** On unload, compact a document with more log rows than this after its snapshot (0 = never). */
  compactAfterRows: number;
  log(message: string): void;
  closing(): boolean;
  /** Wires a freshly loaded document (fan-out, tail catch-up), right after it is registered. */
  onLoad(shared: SharedDoc): void;
}

export class DocRegistry {
  private readonly docs = new Map<string, SharedDoc>();
  private readonly loading = new Map<string, Promise<SharedDoc>>();
  /** Documents being compacted in the background (close() waits for them). */
  private readonly compactions = new Map<string, Promise<void>>();
  /** Listeners for documents being loaded (LAN box upstream links). */
  readonly docLoadedListeners = new Set<(shared: SharedDoc) => void>();

  constructor(private readonly options: DocRegistryOptions) {}

  get size(): number {
    return this.docs.size;
  }

  has(docName: string): boolean {
    return this.docs.has(docName);
  }

  get(docName: string): SharedDoc | undefined {
    return this.docs.get(docName);
  }

  names(): IterableIterator<string> {
    return this.docs.keys();
  }

  /** Loads (or returns) a document; concurrent callers share one load. */
  async getShared(docName: string): Promise<SharedDoc> {
    const loaded = this.docs.get(docName);
    if (loaded) return loaded;
    const inFlight = this.loading.get(docName);
    if (inFlight) return inFlight;
    const name = parseDocName(docName);
    const promise = loadDocument(this.options.store, docName)
      .then((state) => {
        const shared = new SharedDoc(name, state.doc, state.owners, state.lastLogId);
        shared.rowsAtLoad = state.rows;
        this.docs.set(docName, shared);
        this.options.onLoad(shared);
        for (const listener of this.docLoadedListeners) listener(shared);
        this.scheduleUnload(shared);
        return shared;
      })
      .finally(() => this.loading.delete(docName));
    this.loading.set(docName, promise);
    return promise;
  }

  /** A holder arrived: the document stays. */
  /** Keeps a document loaded until `release` (idempotent) is called. */
  async pin(docName: string): Promise<{ shared: SharedDoc; release: () => void }> {
    const shared = await this.getShared(docName);
    shared.pins++;
    let released = false;
    return {
      shared,
      release: () => {
        if (released) return;
        released = true;
        shared.pins--;
        this.scheduleUnload(shared);
      },
    };
  }

  cancelUnload(shared: SharedDoc): void {
    if (shared.unloadTimer) {
      clearTimeout(shared.unloadTimer);
      shared.unloadTimer = null;
    }
  }

  /** Unloads the document `unloadAfterMs` from now if nothing holds it by then. */
  scheduleUnload(shared: SharedDoc): void {
    if (!shared.idle || shared.unloadTimer || this.options.closing()) return;
    shared.unloadTimer = setTimeout(() => {
      shared.unloadTimer = null;
      if (!shared.idle || this.docs.get(shared.name.name) !== shared) return;
      if (shared.unpersisted > 0) {
        // Fail once, keep the data: never unload what the log does not hold yet.
        this.scheduleUnload(shared);
        return;
      }
      this.unload(shared);
    }, this.options.unloadAfterMs);
    shared.unloadTimer.unref();
  }

  private unload(shared: SharedDoc): void {
    this.docs.delete(shared.name.name);
    shared.destroy();
    // The rows this load had to replay, plus what was written since, approximate the next
    // load's cost; past the threshold, fold them into the snapshot (in the background: a
    // compaction never blocks serving, and a failed one loses nothing).
    const threshold = this.options.compactAfterRows;
    if (threshold > 0 && shared.rowsAtLoad + shared.rowsWritten > threshold && !this.options.closing()) {
      const name = shared.name.name;
      if (this.compactions.has(name)) return;
      const running = compactDocument(this.options.store, name)
        .then(() => undefined)
        .catch((error: unknown) => this.options.log(`compacting ${name} failed (nothing lost; retried on a later unload): ${String(error)}`))
        .finally(() => this.compactions.delete(name));
      this.compactions.set(name, running);
    }
  }

  /** Resolves once the background compactions have finished. */
  async compacted(): Promise<void> {
    await Promise.all(this.compactions.values());
  }

  /** Shutdown: drops every document (after the queue was written). */
  destroyAll(): void {
    for (const shared of this.docs.values()) shared.destroy();
    this.docs.clear();
  }
}
