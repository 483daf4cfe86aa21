/**
 * One WebSocket = one document (the y-websocket client opens a socket per document): the
 * socket's wiring, the backlog it keeps while it is admitted, its attachment to the shared
 * document, and the ping round that drops dead sockets and expired tokens.
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { closeReasonText, encodeAwareness, encodeSyncStep1, encodeSyncStep2, REFUSAL_CODE, truncateCloseReason } from '@kiosk/shared';
import type { TokenClaims } from '../auth/tokens';
import type { DeviceOrigin } from './origins';
import type { DocPeer, SharedDoc } from './shared-doc';
import { lowerForStateVector, lowerForUpdate, startLag, type Lag, type SlowReader, type SlowReaders } from './slow-reader';

/** A close reason is at most 123 bytes (RFC 6455); longer ones make `ws` throw. */
export const closeReason = truncateCloseReason;

/** Messages kept while the token is checked and the document loaded (the client sends step 1 + awareness); their bytes are capped at `maxBufferedBytes`. */
const MAX_PENDING = 256;

/** What a connection needs of the relay's memory limits. */
export interface ConnectionLimits {
  maxBufferedBytes: number;
  closeLingerMs: number;
  slowReaders: SlowReaders;
  now(): number;
  /** A reader still over the limit after the grace: count it (the connection terminates itself). */
  onTerminatedSlow(conn: Connection): void;
}

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

export class Connection implements DocPeer, SlowReader {
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
  private pendingBytes = 0;
  /** Set while live messages are skipped because the send buffer is full (slow-reader.ts). */
  lag: Lag | null = null;
  private lingerTimer: NodeJS.Timeout | null = null;
  /** This connection's transaction origin, built once: applying its updates allocates nothing for it. */
  readonly origin: DeviceOrigin = { source: 'device', conn: this };

  constructor(
    readonly ws: WebSocket,
    readonly docName: string,
    private readonly limits: ConnectionLimits,
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
    if (this.pendingBytes + message.byteLength > this.limits.maxBufferedBytes) return false;
    this.pendingBytes += message.byteLength;
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
    this.pendingBytes = 0;
    return pending;
  }

  /** Leaves the shared document (the caller removed its presence first); returns the document, if it had joined one. */
  detach(): SharedDoc | null {
    const shared = this.shared;
    this.stopLag();
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    if (!shared) return null;
    shared.peers.delete(this);
    return shared;
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** False (and the message skipped) while the reader lags; starts the lag when the buffer is over the limit. */
  private canSend(): boolean {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return false;
    if (this.lag) {
      this.lag.skipped++;
      return false;
    }
    if (this.ws.bufferedAmount <= this.limits.maxBufferedBytes || !this.shared) return true;
    this.lag = startLag(this.shared.doc, this.limits.now());
    this.lag.skipped++;
    this.limits.slowReaders.watch(this);
    return false;
  }

  send(message: Uint8Array): void {
    if (this.canSend()) this.ws.send(message);
  }

  /** A live update of another peer (`message` is its encoding); skipped ones are caught up later. */
  sendUpdate(message: Uint8Array, update: Uint8Array): void {
    if (this.canSend()) this.ws.send(message);
    else if (this.lag) lowerForUpdate(this.lag, update);
  }

  /** Answers the reader's sync step 1 (`stateVector`) with a step 2, or folds it into the catch-up. */
  replyToStep1(stateVector: Uint8Array): void {
    const shared = this.shared;
    if (!shared) return;
    if (this.canSend()) this.ws.send(encodeSyncStep2(Y.encodeStateAsUpdate(shared.doc, stateVector)));
    else if (this.lag) lowerForStateVector(this.lag, stateVector);
  }

  /** The send buffer drained: one step 1 (stored state), one step 2 of what was skipped, the presence. */
  catchUp(): void {
    const shared = this.shared;
    const lag = this.lag;
    this.lag = null;
    if (!shared || !lag || this.closed) return;
    this.ws.send(encodeSyncStep1(shared.storedStateVector));
    this.ws.send(encodeSyncStep2(Y.encodeStateAsUpdate(shared.doc, Y.encodeStateVector(lag.stateVector))));
    const states = shared.awareness.getStates();
    if (states.size > 0) this.ws.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(shared.awareness, [...states.keys()])));
  }

  /** Still over the limit after the grace: no close frame (it would queue behind the buffer); drop the socket and its buffers. */
  terminateSlow(): void {
    this.lag = null;
    if (this.ws.readyState === this.ws.CLOSED) return;
    this.limits.onTerminatedSlow(this);
    this.closed = true;
    this.pending = null;
    this.ws.terminate();
  }

  private stopLag(): void {
    if (this.lag) this.limits.slowReaders.unwatch(this);
    this.lag = null;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = null;
    this.stopLag();
    try {
      this.ws.close(code, closeReason(reason));
    } catch {
      this.ws.terminate();
      return;
    }
    // A peer that does not answer the close frame (or does not read) keeps its buffers for `ws`'s
    // own 30 s close timeout; end it sooner.
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = null;
      if (this.ws.readyState !== this.ws.CLOSED) this.ws.terminate();
    }, this.limits.closeLingerMs);
    this.lingerTimer.unref();
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
export function connectionsOf(
  connections: Iterable<Connection>,
  target: { deviceId?: string; tokenId?: string; signedBy?: string },
): Array<[Connection, string]> {
  const matched: Array<[Connection, string]> = [];
  for (const conn of connections) {
    if (conn.closed || !conn.claims) continue;
    const byDevice = target.deviceId !== undefined && conn.claims.deviceId === target.deviceId;
    const byToken = target.tokenId !== undefined && conn.claims.jti === target.tokenId;
    const bySigner = target.signedBy !== undefined && conn.claims.signedBy === target.signedBy;
    if (byDevice || byToken || bySigner) {
      matched.push([
        conn,
        byToken
          ? 'token revoked'
          : bySigner
            ? `the box that signed this token has been revoked`
            : `device ${conn.claims.deviceId} disconnected by an administrator`,
      ]);
    }
  }
  return matched;
}
