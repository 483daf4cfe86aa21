/**
 * The "stored" acknowledgement (named like the client's `stored-state.ts`): every sync step 1
 * the relay sends carries the state vector of what the update log holds for the document (not
 * of what is in memory), starting with the one it greets a connection with. After a group
 * commit, each connection whose updates it stored gets one (at most one per `ackIntervalMs`,
 * the last one never dropped), so a client can count its own changes not yet stored:
 * `getState(doc, clientID) - stored.get(clientID)`. Connections that wrote nothing get no
 * further ones: they have nothing of their own waiting, and every acknowledgement costs the
 * client a sync step 2 reply (with the whole delete set) that the relay must decode.
 *
 * Driven by the persist queue's `onCut` (before the write) and `onPersisted` (after it); the
 * clock and the timer are injected (`stored-ack.test.ts` runs it on a fake clock).
 */
import * as Y from 'yjs';
import { encodeSyncStep1 } from '@kiosk/shared';
import type { RelayMetrics } from '../metrics/metrics';
import type { Batch } from './persist-queue';
import type { SharedDoc, TimerHandle } from './shared-doc';

export interface CutContext {
  /** Per document fully contained in the batch: its state vector when the batch was cut, and the batch's last sequence of it. */
  stateVectors: Map<string, { stateVector: Uint8Array; seq: number }>;
}

/** Runs `fn` once after `ms`; the handle cancels it. */
export type Schedule = (fn: () => void, ms: number) => TimerHandle;

/** The real timer: unref'd, so a pending acknowledgement never keeps the process alive. */
export const unrefTimeout: Schedule = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return { cancel: () => clearTimeout(timer) };
};

export interface StoredAckOptions {
  /** The loaded documents. */
  docs: { get(docName: string): SharedDoc | undefined };
  metrics: Pick<RelayMetrics, 'persistedUpdates' | 'persistedBytes' | 'persistSeconds' | 'acks'>;
  ackIntervalMs: number;
  now(): number;
  schedule?: Schedule;
}

export class StoredAck {
  private readonly schedule: Schedule;

  constructor(private readonly options: StoredAckOptions) {
    this.schedule = options.schedule ?? unrefTimeout;
  }

  /** When a batch is cut: the state vectors it will make stored, for documents it holds entirely. */
  onCut(batch: Batch): CutContext {
    const counts = new Map<string, { count: number; seq: number }>();
    for (const u of batch.updates) {
      const c = counts.get(u.docName) ?? { count: 0, seq: 0 };
      c.count++;
      c.seq = Math.max(c.seq, u.seq);
      counts.set(u.docName, c);
    }
    const stateVectors = new Map<string, { stateVector: Uint8Array; seq: number }>();
    for (const [name, { count, seq }] of counts) {
      const shared = this.options.docs.get(name);
      // Only when the batch holds every pending update of the document does the document's
      // current state vector describe what the log will hold after this commit.
      if (shared && shared.unpersisted === count) stateVectors.set(name, { stateVector: Y.encodeStateVector(shared.doc), seq });
    }
    return { stateVectors };
  }

  /** When the batch is in the log: counts it, and acknowledges what it stored. */
  onPersisted(batch: Batch, context: CutContext | undefined, seconds: number): void {
    const { docs, metrics } = this.options;
    let bytes = 0;
    const touched = new Set<string>();
    for (const u of batch.updates) {
      bytes += u.update.byteLength;
      touched.add(u.docName);
      const shared = docs.get(u.docName);
      if (shared) {
        shared.unpersisted--;
        shared.rowsWritten++;
      }
    }
    metrics.persistedUpdates.inc(batch.updates.length);
    metrics.persistedBytes.inc(bytes);
    metrics.persistSeconds.observe(seconds);
    for (const name of touched) {
      const shared = docs.get(name);
      const stored = context?.stateVectors.get(name);
      if (!shared || !stored) continue;
      shared.storedStateVector = stored.stateVector;
      shared.storedSeq = stored.seq;
      this.acknowledge(shared);
    }
  }

  /**
   * Sends the stored state vector to every connection whose latest update it now covers, at
   * most once per `ackIntervalMs` per connection; a connection inside its interval gets it
   * when the interval ends (trailing), so the last acknowledgement is never dropped.
   */
  acknowledge(shared: SharedDoc): void {
    if (shared.ackTimer) return; // a trailing round is scheduled and will see the latest state
    const { ackIntervalMs, metrics } = this.options;
    const now = this.options.now();
    let message: Uint8Array | null = null;
    let nextDue = Infinity;
    for (const peer of shared.peers.keys()) {
      if (peer.lastWriteSeq <= peer.ackedSeq || peer.lastWriteSeq > shared.storedSeq) continue;
      const due = peer.lastAckAt + ackIntervalMs;
      if (due > now) {
        nextDue = Math.min(nextDue, due);
        continue;
      }
      message ??= encodeSyncStep1(shared.storedStateVector);
      peer.ackedSeq = shared.storedSeq;
      peer.lastAckAt = now;
      peer.send(message);
      metrics.acks.inc();
    }
    if (nextDue !== Infinity) {
      shared.ackTimer = this.schedule(() => {
        shared.ackTimer = null;
        this.acknowledge(shared);
      }, nextDue - now);
    }
  }
}
