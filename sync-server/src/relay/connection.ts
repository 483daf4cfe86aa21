/**
 * One WebSocket = one document (the y-websocket client opens a socket per document): the
 * socket's wiring, the backlog it keeps while it is admitted, its attachment to the shared
 * document, and the ping round that drops dead sockets and expired tokens.
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import { closeReasonText, encodeAwareness, encodeSyncStep1, REFUSAL_CODE, truncateCloseReason } from '@kiosk/shared';
import type { TokenClaims } from '../auth/tokens';
import type { DeviceOrigin } from './origins';
import type { DocPeer, SharedDoc } from './shared-doc';

/** A close reason is at most 123 bytes (RFC 6455); longer ones make `ws` throw. */
export const closeReason = truncateCloseReason;

/** Messages kept while the token is checked and the document loaded (the client sends step 1 + awareness). */
const MAX_PENDING = 256;

/** The document and token of an upgrade request for `/sync/{docName}?token=…` (a bad name is refused later). */
export function socketTarget(req: IncomingMessage): { docName: string; token: string | null } {
  const url = new URL(req.url ?? '/', 'http://relay.invalid');
  let docName = '';
  try {
    docName = decodeURIComponent(url.pathname.replace(/^\/sync\/?/, ''));
  } catch {
    docName = '';
  }
  return { docName, token: url.searchParams.get('token') };
}

export interface SocketEvents {
  message(conn: Connection, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void;
  closed(conn: Connection): void;
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
  /** Set by the write guard while it applies a catch-up that relays other devices' content. */
  relayedFor: string[] | null = null;
  /** Counted in its device's open-socket total. */
  countedSocket = false;
  /** Messages that arrived while the token was checked and the document loaded. */
  pending: Uint8Array[] | null = [];
  /** This connection's transaction origin, built once: applying its updates allocates nothing for it. */
  readonly origin: DeviceOrigin = { source: 'device', conn: this };

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

  /** Subscribes to the socket's events (once, right after the upgrade). */
  listen(events: SocketEvents): void {
    this.ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => events.message(this, data, isBinary));
    this.ws.on('close', () => events.closed(this));
    this.ws.on('error', () => this.close(REFUSAL_CODE.bad_request, closeReasonText('bad_request', 'protocol error')));
    this.ws.on('pong', () => {
      this.alive = true;
    });
  }

  /** Still being admitted: messages wait in `pending`. */
  get admitting(): boolean {
    return this.pending !== null;
  }

  /** Keeps a message until the connection is attached; false when the bounded backlog is full. */
  hold(message: Uint8Array): boolean {
    if (!this.pending || this.pending.length >= MAX_PENDING) return false;
    this.pending.push(message);
    return true;
  }

  /**
   * Joins the shared document: greets with sync step 1 carrying the STORED state vector (the
   * client answers with whatever the log lacks) and the current presence; returns the backlog.
   */
  attach(shared: SharedDoc): Uint8Array[] {
    this.shared = shared;
    shared.peers.set(this, new Set());
    this.send(encodeSyncStep1(shared.storedStateVector));
    const states = shared.awareness.getStates();
    if (states.size > 0) this.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(shared.awareness, [...states.keys()])));
    const pending = this.pending ?? [];
    this.pending = null;
    return pending;
  }

  /** Leaves the shared document (its presence states go with it); returns the document, if it had joined one. */
  detach(): SharedDoc | null {
    const shared = this.shared;
    if (!shared) return null;
    const controlled = shared.peers.get(this);
    shared.peers.delete(this);
    if (controlled && controlled.size > 0) awarenessProtocol.removeAwarenessStates(shared.awareness, [...controlled], null);
    return shared;
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

/**
 * One ping round: a socket that did not answer the previous ping is dropped; a token that
 * expired while its socket was open is handed to `expired` (it stops working at this round).
 */
export function pingAll(connections: Iterable<Connection>, nowSec: number, expired: (conn: Connection) => void): void {
  for (const conn of connections) {
    if (conn.claims && conn.claims.exp <= nowSec) {
      expired(conn);
      continue;
    }
    if (!conn.alive) {
      conn.ws.terminate();
      continue;
    }
    conn.alive = false;
    try {
      conn.ws.ping();
    } catch {
      conn.ws.terminate();
    }
  }
}

/** Live connections of a device and/or token, each with the reason to close it (`relay.disconnect`). */
export function connectionsOf(connections: Iterable<Connection>, target: { deviceId?: string; tokenId?: string }): Array<[Connection, string]> {
  const matched: Array<[Connection, string]> = [];
  for (const conn of connections) {
    if (conn.closed || !conn.claims) continue;
    const byDevice = target.deviceId !== undefined && conn.claims.deviceId === target.deviceId;
    const byToken = target.tokenId !== undefined && conn.claims.jti === target.tokenId;
    if (byDevice || byToken) matched.push([conn, byToken ? 'token revoked' : `device ${conn.claims.deviceId} disconnected by an administrator`]);
  }
  return matched;
}
