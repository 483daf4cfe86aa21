/**
 * Readers that do not read. A socket whose send buffer (`ws.bufferedAmount`) is over
 * `maxBufferedBytes` stops receiving live messages: they are skipped, not queued, so its buffer
 * stops growing (30 never-reading sockets took the relay from 276 to 902 MB before). The relay
 * remembers from which state vector it skipped; when the buffer drains below half the limit the
 * reader gets ONE catch-up (sync step 1 with the stored state vector, sync step 2 of everything
 * since, the current presence) and live messages resume. A reader still over the limit after
 * `graceMs` is terminated (no close frame: it would wait behind the full buffer), which frees its
 * buffers at once; the stock client reconnects and resyncs.
 *
 * The decision is pure (`slowReaderAction`); `SlowReaders` runs it on a timer only while some
 * reader is lagging.
 */
import * as Y from 'yjs';

/** What the relay keeps about a reader whose live messages it skips. */
export interface Lag {
  /** When skipping started (ms, injected clock). */
  readonly since: number;
  /** The reader has everything up to this state vector (client → clock); the catch-up sends the rest. */
  readonly stateVector: Map<number, number>;
  /** Messages skipped. */
  skipped: number;
}

export type SlowReaderAction = 'wait' | 'catch-up' | 'terminate';

/** Drained below half the limit → catch up; still over it after the grace → terminate. */
export function slowReaderAction(
  bufferedAmount: number,
  lag: Pick<Lag, 'since'>,
  now: number,
  limits: { maxBufferedBytes: number; graceMs: number },
): SlowReaderAction {
  if (bufferedAmount <= limits.maxBufferedBytes / 2) return 'catch-up';
  if (now - lag.since >= limits.graceMs) return 'terminate';
  return 'wait';
}

/** Starts a lag at the document's current state (everything before was sent or queued). */
export function startLag(doc: Y.Doc, now: number): Lag {
  return { since: now, stateVector: Y.decodeStateVector(Y.encodeStateVector(doc)), skipped: 0 };
}

/**
 * A live update was skipped: the reader lacks it, so the catch-up must start at or before the
 * clocks it starts from (its structs may already be in `lag.stateVector`, taken after it applied).
 */
export function lowerForUpdate(lag: Lag, update: Uint8Array): void {
  lag.skipped++;
  const { from } = Y.parseUpdateMeta(update);
  for (const [client, clock] of from) {
    const have = lag.stateVector.get(client);
    if (have !== undefined && clock < have) lag.stateVector.set(client, clock);
  }
}

/** A sync step 1 of the reader arrived while lagging: its own state vector is exact; keep the lower. */
export function lowerForStateVector(lag: Lag, encodedStateVector: Uint8Array): void {
  const theirs = Y.decodeStateVector(encodedStateVector);
  for (const [client, have] of lag.stateVector) {
    const clock = theirs.get(client) ?? 0;
    if (clock < have) lag.stateVector.set(client, clock);
  }
}

/** A connection as the slow-reader monitor sees it. */
export interface SlowReader {
  readonly lag: Lag | null;
  readonly bufferedAmount: number;
  catchUp(): void;
  terminateSlow(): void;
}

export interface SlowReadersOptions {
  maxBufferedBytes: number;
  graceMs: number;
  /** How often lagging readers are looked at (default 100 ms). */
  checkMs?: number;
  now(): number;
}

/** Watches lagging readers; its timer runs only while there is one. */
export class SlowReaders {
  private readonly lagging = new Set<SlowReader>();
  private timer: NodeJS.Timeout | null = null;
  /** Readers terminated since start (tests, metrics). */
  terminated = 0;

  constructor(private readonly options: SlowReadersOptions) {}

  get size(): number {
    return this.lagging.size;
  }

  watch(reader: SlowReader): void {
    this.lagging.add(reader);
    if (!this.timer) {
      this.timer = setInterval(() => this.check(), this.options.checkMs ?? 100);
      this.timer.unref();
    }
  }

  unwatch(reader: SlowReader): void {
    this.lagging.delete(reader);
    if (this.lagging.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  check(): void {
    const now = this.options.now();
    for (const reader of this.lagging) {
      if (!reader.lag) {
        this.unwatch(reader);
        continue;
      }
      const action = slowReaderAction(reader.bufferedAmount, reader.lag, now, this.options);
      if (action === 'wait') continue;
      this.unwatch(reader);
      if (action === 'catch-up') reader.catchUp();
      else {
        this.terminated++;
        reader.terminateSlow();
      }
    }
  }

  stop(): void {
    this.lagging.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
