/**
 * A document held in memory by the relay, with everything the relay tracks about it.
 */
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import type { DocName } from '@kiosk/shared';

/** A WebSocket connection as the shared document sees it. */
export interface DocPeer {
  readonly deviceId: string;
  readonly mode: 'read' | 'write';
  /** Other devices whose content the update being applied relays (catch-up), else null. */
  readonly relayedFor?: string[] | null;
  /** Persist-queue sequence of the peer's latest update (0: none). */
  lastWriteSeq: number;
  /** Sequence covered by the last stored-state acknowledgement sent to the peer. */
  ackedSeq: number;
  /** When that acknowledgement was sent (ms). */
  lastAckAt: number;
  send(message: Uint8Array): void;
  /** A live update of another peer (`message` encodes `update`); a lagging reader skips it (slow-reader.ts). */
  sendUpdate(message: Uint8Array, update: Uint8Array): void;
}

/** A scheduled callback that can be cancelled (the acknowledgement timer, injectable in tests). */
export interface TimerHandle {
  cancel(): void;
}

export class SharedDoc {
  readonly awareness: Awareness;
  /** Peer → awareness client ids it controls (removed when it disconnects). */
  readonly peers = new Map<DocPeer, Set<number>>();
  /** Holders other than sockets (upstream links, in-flight server edits). */
  pins = 0;
  /** Encoded state vector of what the update log holds for this document. */
  storedStateVector: Uint8Array;
  /** Highest update_log id applied (load + tail). */
  lastLogId: number;
  /** Updates applied but not yet written to the log. */
  unpersisted = 0;
  /** Log rows replayed by the load (after the snapshot) and rows written since (compaction trigger). */
  rowsAtLoad = 0;
  rowsWritten = 0;
  unloadTimer: NodeJS.Timeout | null = null;
  /** Highest persist-queue sequence of this document that `storedStateVector` covers. */
  storedSeq = 0;
  ackTimer: TimerHandle | null = null;

  constructor(
    readonly name: DocName,
    readonly doc: Y.Doc,
    /** Yjs client id → device that owns it. */
    readonly owners: Map<number, string>,
    lastLogId: number,
  ) {
    this.awareness = new Awareness(doc);
    // The relay has no presence of its own.
    this.awareness.setLocalState(null);
    this.storedStateVector = Y.encodeStateVector(doc);
    this.lastLogId = lastLogId;
  }

  get idle(): boolean {
    return this.peers.size === 0 && this.pins === 0;
  }

  destroy(): void {
    if (this.unloadTimer) clearTimeout(this.unloadTimer);
    this.ackTimer?.cancel();
    this.awareness.destroy();
    this.doc.destroy();
  }
}
