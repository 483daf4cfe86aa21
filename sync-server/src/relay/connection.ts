/**
 * One WebSocket = one document (the y-websocket client opens a socket per document).
 */
import type { WebSocket } from 'ws';
import type { TokenClaims } from '../auth/tokens';
import type { DocPeer, SharedDoc } from './shared-doc';

/** A close reason is at most 123 bytes (RFC 6455); longer ones make `ws` throw. */
export function closeReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.length <= 123) return reason;
  return `${bytes.subarray(0, 119).toString('utf8').replace(/\uFFFD+$/, '')}...`;
}

export class Connection implements DocPeer {
  claims: TokenClaims | null = null;
  mode: 'read' | 'write' = 'read';
  trusted = false;
  shared: SharedDoc | null = null;
  lastWriteSeq = 0;
  ackedSeq = 0;
  lastAckAt = 0;
  closed = false;
  alive = true;
  /** Counted in its device's open-socket total. */
  countedSocket = false;
  /** Messages that arrived while the token was checked and the document loaded. */
  pending: Uint8Array[] | null = [];

  constructor(
    readonly ws: WebSocket,
    readonly docName: string,
    /** Close the socket when its send buffer exceeds this (a stalled reader must not eat memory). */
    private readonly maxBufferedBytes: number,
    private readonly onSlow: (conn: Connection) => void,
  ) {}

  get deviceId(): string {
    return this.claims?.deviceId ?? 'anonymous';
  }

  send(message: Uint8Array): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.maxBufferedBytes) {
      this.onSlow(this);
      return;
    }
    this.ws.send(message);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = null;
    try {
      this.ws.close(code, closeReason(reason));
    } catch {
      this.ws.terminate();
    }
  }
}
