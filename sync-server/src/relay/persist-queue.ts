/**
 * Group commit. Accepted updates are broadcast at once (latency) and queued here; the queue
 * writes them in batches: one transaction per batch, at most one transaction in flight. While
 * a write is in flight new updates accumulate, so under load batches grow by themselves and
 * the database sees few, large transactions.
 *
 * A failed write keeps its entries at the head of the queue and retries with backoff ("fail
 * once, keep the data"): nothing queued is dropped while the process lives. If the process
 * dies, what was queued but not written is lost from the server only; the devices that sent it
 * still hold it and deliver it again on reconnect (y-websocket exchanges state vectors).
 */
import type { NewUpdate } from '@kiosk/store';
import type { ClientIdClaim } from '@kiosk/store';

export interface QueuedUpdate extends NewUpdate {
  seq: number;
}

export interface Batch {
  updates: QueuedUpdate[];
  claims: ClientIdClaim[];
}

export interface PersistQueueOptions<C> {
  write(batch: Batch): Promise<number[]>;
  /** Called synchronously when a batch is cut (before the write); its result is handed to `onPersisted`. */
  onCut?(batch: Batch): C;
  onPersisted?(batch: Batch, ids: number[], context: C | undefined, seconds: number): void;
  onError?(error: unknown, batch: Batch, attempt: number): void;
  /** Wait this long after the first queued update before writing (collects a batch). */
  flushDelayMs: number;
  /** Write at once when this many updates are queued. */
  maxBatch: number;
  now?: () => number;
}

export class PersistQueue<C = unknown> {
  private queue: QueuedUpdate[] = [];
  private claims: ClientIdClaim[] = [];
  private seq = 0;
  private persistedSeq = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private failures = 0;
  private waiters: Array<{ seq: number; resolve: () => void }> = [];
  private stopped = false;

  constructor(private readonly options: PersistQueueOptions<C>) {}

  get length(): number {
    return this.queue.length;
  }

  /** Sequence number of the latest queued update. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Queues an update; returns its sequence number (see `whenPersisted`). */
  push(update: NewUpdate): number {
    const seq = ++this.seq;
    this.queue.push({ ...update, seq });
    this.schedule();
    return seq;
  }

  /** Queues a claim; it is written with the next batch. */
  pushClaim(claim: ClientIdClaim): void {
    this.claims.push(claim);
    this.schedule();
  }

  /**
   * Resolves once every update queued so far (or up to `seq`) is written. Someone is waiting,
   * so the batch is written now rather than at the end of the window.
   */
  whenPersisted(seq = this.seq): Promise<void> {
    if (seq <= this.persistedSeq) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push({ seq, resolve });
      if (this.timer && this.failures === 0) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      this.schedule(true);
    });
  }

  /** Writes everything queued now, without waiting for the flush delay. */
  async flush(): Promise<void> {
    const target = this.seq;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.persistedSeq < target || (this.claims.length > 0 && this.queue.length === 0)) {
      if (this.inFlight) await this.inFlight;
      else await this.run(true);
      if (this.stopped) return;
    }
  }

  /** Stops timers (pending entries stay queued; `flush()` first to write them). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(now = false): void {
    if (this.timer || this.inFlight || this.stopped) return;
    if (this.queue.length === 0 && this.claims.length === 0) return;
    const delay =
      this.failures > 0
        ? Math.min(5_000, 50 * 2 ** this.failures)
        : now || this.queue.length >= this.options.maxBatch || this.waiters.length > 0
          ? 0
          : this.options.flushDelayMs;
    this.timer = setTimeout(() => {
      // setImmediate runs after the poll phase: messages that already arrived are relayed
      // before the write occupies the event loop (PGlite executes on it).
      setImmediate(() => {
        this.timer = null;
        if (!this.stopped) void this.run(false);
      });
    }, delay);
  }

  private run(force: boolean): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.queue.length === 0 && this.claims.length === 0) return Promise.resolve();
    const batch: Batch = { updates: this.queue.splice(0, this.options.maxBatch), claims: this.claims };
    this.claims = [];
    const context = this.options.onCut?.(batch);
    const started = performance.now();
    this.inFlight = this.options
      .write(batch)
      .then(
        (ids) => {
          this.failures = 0;
          const last = batch.updates.length > 0 ? batch.updates[batch.updates.length - 1].seq : this.persistedSeq;
          this.persistedSeq = Math.max(this.persistedSeq, last);
          this.options.onPersisted?.(batch, ids, context, (performance.now() - started) / 1000);
          const ready = this.waiters.filter((w) => w.seq <= this.persistedSeq);
          this.waiters = this.waiters.filter((w) => w.seq > this.persistedSeq);
          for (const w of ready) w.resolve();
        },
        (error: unknown) => {
          this.failures++;
          // Back at the head, in order: the next attempt writes exactly these rows again.
          this.queue.unshift(...batch.updates);
          this.claims.unshift(...batch.claims);
          this.options.onError?.(error, batch, this.failures);
          if (force) throw error;
        },
      )
      .finally(() => {
        this.inFlight = null;
        this.schedule();
      });
    return this.inFlight;
  }
}
