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
  /** Set when the peer sent an update since its last stored-state acknowledgement. */
  dirty: boolean;
  /** Waiting for a (lazy) stored-state acknowledgement. */
  ackPending: boolean;
  send(message: Uint8Array): void;
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
  lazyAckTimer: NodeJS.Timeout | null = null;

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
    if (this.lazyAckTimer) clearTimeout(this.lazyAckTimer);
    this.awareness.destroy();
    this.doc.destroy();
  }
}
