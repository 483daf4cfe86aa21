/**
 * One document replicated with the upstream relay over the y-websocket protocol: our own
 * small client instead of the stock WebsocketProvider, for jittered backoff and because
 * the link must never echo what it received (its transaction origin marks upstream updates,
 * which the relay persists locally as device 'upstream').
 *
 * Store-and-forward needs no queue: on every (re)connect both sides exchange state vectors
 * (we send step 1 with our state; the upstream answers with what we lack and sends its stored
 * state vector; we answer with everything it has not stored), so whatever either side
 * missed while the link was down flows once it is up.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import type { UpstreamOrigin } from '../relay/origins';
import { encodeSyncStep1, encodeUpdate, MessageType } from '@kiosk/shared';
import { backoffDelay, type BackoffOptions } from './backoff';

export interface LinkOptions {
  /** Upstream base URL, e.g. wss://cloud.example/sync (the document name is appended). */
  url: string;
  token: string;
  backoff: BackoffOptions;
  log: (message: string) => void;
  /** Called each time the upstream answered our step 1 after a (re)connect. */
  onSynced?: () => void;
}

export class UpstreamLink implements UpstreamOrigin {
  /** The link is its own transaction origin (`RelayOrigin` of source 'upstream'). */
  readonly source = 'upstream' as const;
  connected = false;
  /** The upstream answered our step 1 at least once since the last connect. */
  synced = false;
  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private token: string;
  private readonly onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === this || !this.connected || !this.ws) return;
    this.ws.send(encodeUpdate(update));
  };

  constructor(
    readonly docName: string,
    private readonly doc: Y.Doc,
    private readonly options: LinkOptions,
  ) {
    this.token = options.token;
  }

  /**
   * Switches the token (a renewed box token): the next connection presents it. The open one
   * keeps going; the relay checked its token when it opened.
   */
  setToken(token: string): void {
    this.token = token;
  }

  start(): void {
    this.doc.on('update', this.onUpdate);
    this.connect();
  }

  private connect(): void {
    if (this.stopped) return;
    const base = this.options.url.replace(/\/+$/, '');
    const ws = new WebSocket(`${base}/${this.docName}?token=${encodeURIComponent(this.token)}`, { perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    this.ws = ws;
    ws.on('open', () => {
      if (this.ws !== ws) return;
      this.connected = true;
      ws.send(encodeSyncStep1(Y.encodeStateVector(this.doc)));
    });
    ws.on('message', (data: Buffer) => {
      if (this.ws !== ws) return;
      try {
        this.onMessage(ws, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      } catch (error) {
        this.options.log(`upstream ${this.docName}: bad message from upstream: ${String(error)}`);
      }
    });
    ws.on('close', (code: number, reason: Buffer) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.connected = false;
      this.synced = false;
      if (this.stopped) return;
      const delay = backoffDelay(this.attempt++, this.options.backoff);
      if (code !== 1000 && code !== 1006) this.options.log(`upstream ${this.docName}: closed ${code} ${reason.toString()}; retrying in ${delay} ms`);
      this.timer = setTimeout(() => {
        this.timer = null;
        this.connect();
      }, delay);
      this.timer.unref();
    });
    ws.on('error', () => {
      // 'close' follows; the retry is scheduled there.
    });
  }

  private onMessage(ws: WebSocket, message: Uint8Array): void {
    const decoder = decoding.createDecoder(message);
    const type = decoding.readVarUint(decoder);
    if (type !== MessageType.sync) return; // presence does not cross the link
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.sync);
    const syncType = syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
    const firstSync = syncType === syncProtocol.messageYjsSyncStep2 && !this.synced;
    if (syncType === syncProtocol.messageYjsSyncStep2) {
      this.synced = true;
      this.attempt = 0; // a link that synced did useful work: reset the backoff
    }
    if (encoding.length(encoder) > 1) ws.send(encoding.toUint8Array(encoder));
    if (firstSync) this.options.onSynced?.();
  }

  close(): void {
    this.stopped = true;
    this.doc.off('update', this.onUpdate);
    if (this.timer) clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = null;
    this.connected = false;
    if (ws) {
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, 'box shutting down');
    }
  }
}
