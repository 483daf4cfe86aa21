/**
 * In-memory sync harness in the style of Yjs' TestConnector and tldraw's TestSocketPair:
 * replicas exchange updates through inboxes that the test flushes by hand, in any order,
 * with duplicates, drops and partitions. `syncAll` then does a full state-vector exchange,
 * after which every replica must hold the same state.
 */
import * as Y from 'yjs';

const REMOTE = Symbol('remote');

export interface Replica {
  index: number;
  doc: Y.Doc;
  inbox: Uint8Array[];
  partitioned: boolean;
}

export class SyncHarness {
  readonly replicas: Replica[];

  constructor(count: number, clientIdOf: (index: number) => number) {
    this.replicas = Array.from({ length: count }, (_, index) => {
      const doc = new Y.Doc();
      doc.clientID = clientIdOf(index);
      return { index, doc, inbox: [], partitioned: false };
    });
    for (const replica of this.replicas) {
      replica.doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === REMOTE) return; // relayed updates are not re-broadcast (as a relay would not echo)
        for (const other of this.replicas) if (other !== replica) other.inbox.push(update);
      });
    }
  }

  /** Delivers the inbox message at `position` to replica `index`; `keep` leaves a copy queued (duplicate delivery). */
  deliver(index: number, position: number, keep = false): boolean {
    const replica = this.replicas[index];
    if (replica.partitioned || replica.inbox.length === 0) return false;
    const at = position % replica.inbox.length;
    const update = replica.inbox[at];
    if (!keep) replica.inbox.splice(at, 1);
    Y.applyUpdate(replica.doc, update, REMOTE);
    return true;
  }

  /** Drops a queued message (a lost packet); the final state-vector sync must heal it. */
  drop(index: number, position: number): void {
    const inbox = this.replicas[index].inbox;
    if (inbox.length) inbox.splice(position % inbox.length, 1);
  }

  /** Full exchange: every pair sends what the other lacks, until all state vectors agree. */
  syncAll(): void {
    for (const r of this.replicas) r.partitioned = false;
    for (let round = 0; round < 3; round++) {
      for (const a of this.replicas) {
        for (const b of this.replicas) {
          if (a === b) continue;
          Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc)), REMOTE);
        }
      }
    }
    for (const r of this.replicas) r.inbox.length = 0;
  }
}
