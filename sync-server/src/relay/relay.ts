/**
 * The relay: y-websocket protocol on top of authenticated sockets, documents held in memory
 * while in use, every accepted update broadcast at once and written to the update log in
 * group commits, rows of other writers tailed from the log.
 *
 * The hot path (a device's update reaching the other devices) is synchronous: decode, check,
 * `Y.applyUpdate`, and the document's `update` event encodes the message once and sends it to
 * every other socket of the document. Persistence happens afterwards, in batches.
 *
 * Decisions (see also the README of sync-server):
 * - A read-only connection (kitchen/terminal on the outlet document) whose message would
 *   change anything is closed with 4403; its update is never applied, broadcast or logged.
 *   Messages that change nothing (the sync step 2 every client sends back) are accepted.
 * - Client ids: a LIVE update (sync type 2, a device's own edit) that writes with a client id
 *   owned by another device is refused (close 1013 so the stock client resyncs later) and
 *   unowned ids are claimed for the sender. Catch-up messages (sync step 2) may carry structs
 *   of other devices that the sender received through a relay (e.g. written before a relay
 *   crash and not yet stored); they are accepted without claiming, since refusing them would
 *   lose nothing but block the sender's own catch-up.
 * - "Stored" acknowledgement: every sync step 1 the relay sends carries the state vector of
 *   what the update log holds for the document (not of what is in memory), starting with the
 *   one it greets a connection with. After a group commit, each connection whose updates it
 *   stored gets one (at most one per `ackIntervalMs`, the last one never dropped), so a client
 *   can count its own changes not yet stored: `getState(doc, clientID) - stored.get(clientID)`.
 *   Connections that wrote nothing get no further ones: they have nothing of their own
 *   waiting, and every acknowledgement costs the client a sync step 2 reply (with the whole
 *   delete set) that the relay must decode.
 */
import type { IncomingMessage } from 'node:http';
import * as decoding from 'lib0/decoding';
import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { CloseCode, DocNameError, parseDocName } from '@kiosk/shared';
import { accessFor, isTrustedRelay } from '../auth/roles';
import { RevocationCache } from '../auth/revocation-cache';
import { TokenError, verifyToken, type TokenClaims } from '../auth/tokens';
import type { RefusalReason, RelayMetrics, UpdateSource } from '../metrics/metrics';
import { compactDocument, loadDocument, tailDocs, UPDATE_LOG_ORIGIN_CHANNEL, writeBatch, type KioskDatabase } from '@kiosk/store';
import { PersistQueue, type Batch } from './persist-queue';
import { Connection } from './connection';
import { encodeAwareness, encodeSyncStep1, encodeSyncStep2, encodeUpdate, MessageType, SyncType } from '@kiosk/shared';
import { createBucket, takeToken, type RateLimit, type TokenBucket } from './device-limits';
import { SharedDoc } from './shared-doc';
import { analyzeUpdate } from './update-check';

/** Who makes a server-side edit (recorded as update_log.device_id). */
export interface Actor {
  deviceId: string;
}

/** The relay as other parts (the back-office API, the CLI) use it. */
export interface Relay {
  /** Id written to update_log.origin by this relay; the tail skips rows with it. */
  readonly instanceId: string;
  /**
   * Server-side edit: runs `fn` in one Yjs transaction on the live document, broadcasts it and
   * resolves once it is written to the update log.
   *
   * ```ts
   * await relay.transactDoc('demo/main', { deviceId: 'office:owner@demo' }, (doc) => putItem(doc, item));
   * ```
   */
  transactDoc(docName: string, actor: Actor, fn: (doc: Y.Doc) => void): Promise<void>;
  /** The live document (loaded if needed). Read it; edit it only through `transactDoc`. */
  getDoc(docName: string): Promise<Y.Doc>;
  /** Closes every live connection of a device and/or token (4401). Returns how many were closed. */
  disconnect(target: { deviceId?: string; tokenId?: string }): number;
  /** Resolves once everything accepted so far is written to the update log. */
  flush(): Promise<void>;
  stats(): { connections: number; loadedDocs: number; queuedUpdates: number };
}

export interface RelayLimits {
  /** Largest WebSocket message accepted (bigger → close 4413). Default 1 MiB. */
  maxMessageBytes: number;
  /** Sockets (= documents) one device may hold open at once (more → close 4429). Default 64. */
  maxDocsPerDevice: number;
  /** Messages per device (burst + sustained per second); over it → close 4429. */
  rateLimit: RateLimit;
  /** Send buffer above which a slow reader is closed with 1013 (it resyncs on reconnect). */
  maxBufferedBytes: number;
}

export interface RelayOptions {
  store: KioskDatabase;
  secret: string | Uint8Array;
  instanceId: string;
  metrics: RelayMetrics;
  limits?: Partial<RelayLimits>;
  /**
   * Group commit: wait this long after the first queued update to collect a batch. Default
   * 50 ms on PGlite (it runs on our event loop and costs ~3 ms per transaction whatever its
   * size, so fewer, larger transactions keep fan-out latency flat) and 10 ms on PostgreSQL.
   * A crash loses at most this window from the server, never from the devices.
   */
  flushDelayMs?: number;
  /** Group commit: at most this many updates per transaction (default 500). */
  maxBatch?: number;
  /** Unload a document this long after its last connection left (default 30 s). */
  unloadAfterMs?: number;
  /** Minimum time between two stored-state acknowledgements to one connection (default 100 ms). */
  ackIntervalMs?: number;
  /** How long a revocation lookup is cached (default 5 s). */
  revocationCacheMs?: number;
  /** Safety net: tail the log this often even without notifications (default 10 s). */
  tailPollMs?: number;
  /** WebSocket ping interval; a socket that misses a pong is dropped (default 30 s). */
  pingIntervalMs?: number;
  /** On unload, compact a document with more log rows than this after its snapshot (default 500; 0 = never). */
  compactAfterRows?: number;
  log?: (message: string) => void;
  now?: () => number;
}

export const DEFAULT_LIMITS: RelayLimits = {
  maxMessageBytes: 1024 * 1024,
  maxDocsPerDevice: 64,
  rateLimit: { capacity: 2_000, refillPerSecond: 500 },
  maxBufferedBytes: 16 * 1024 * 1024,
};


/** Transaction origin of rows applied from the log tail: broadcast, never written again. */
const TAIL_ORIGIN = Symbol('tail');

/** Transaction origin of a server-side edit. */
class ServerEdit {
  constructor(readonly deviceId: string) {}
}

/** Transaction origin of an upstream link (LAN box): persisted as device 'upstream'. */
export interface UpstreamOrigin {
  readonly upstream: true;
  readonly deviceId: 'upstream';
}

/** A refusal: the connection is closed with `code` and the metric `reason` is counted. */
class Refusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

interface DeviceState {
  bucket: TokenBucket;
  sockets: number;
}

interface CutContext {
  /** Per document fully contained in the batch: its state vector when the batch was cut, and the batch's last sequence of it. */
  stateVectors: Map<string, { stateVector: Uint8Array; seq: number }>;
}

export class RelayCore implements Relay {
  readonly instanceId: string;
  private readonly store: KioskDatabase;
  private readonly metrics: RelayMetrics;
  private readonly limits: RelayLimits;
  private readonly docs = new Map<string, SharedDoc>();
  private readonly loading = new Map<string, Promise<SharedDoc>>();
  private readonly connections = new Set<Connection>();
  /** Per-device limits, keyed by tenant/outlet/device: device ids are only unique within an outlet. */
  private readonly devices = new Map<string, DeviceState>();
  private readonly revocations: RevocationCache;
  private readonly queue: PersistQueue<CutContext>;
  private readonly unloadAfterMs: number;
  private readonly ackIntervalMs: number;
  private readonly now: () => number;
  private readonly log: (message: string) => void;
  private readonly tailWanted = new Set<string>();
  /** Label children bound once: the hot path then skips prom-client's label hashing. */
  private readonly count: {
    messages: Record<'sync_step1' | 'sync_step2' | 'sync_update' | 'awareness' | 'query_awareness', { inc(): void }>;
    updates: Record<UpdateSource, { inc(): void }>;
  };
  private tailRunning: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private closing = false;
  /** Documents being compacted in the background (close() waits for them). */
  private readonly compactions = new Map<string, Promise<void>>();
  /** Listeners for documents being loaded / updated (LAN box upstream links). */
  readonly docLoadedListeners = new Set<(shared: SharedDoc) => void>();

  constructor(private readonly options: RelayOptions) {
    this.instanceId = options.instanceId;
    this.store = options.store;
    this.metrics = options.metrics;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.unloadAfterMs = options.unloadAfterMs ?? 30_000;
    this.ackIntervalMs = options.ackIntervalMs ?? 100;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((m) => console.error(`relay: ${m}`));
    const m = options.metrics;
    this.count = {
      messages: {
        sync_step1: m.messages.labels({ type: 'sync_step1' }),
        sync_step2: m.messages.labels({ type: 'sync_step2' }),
        sync_update: m.messages.labels({ type: 'sync_update' }),
        awareness: m.messages.labels({ type: 'awareness' }),
        query_awareness: m.messages.labels({ type: 'query_awareness' }),
      },
      updates: {
        device: m.updates.labels({ source: 'device' }),
        server: m.updates.labels({ source: 'server' }),
        tail: m.updates.labels({ source: 'tail' }),
        upstream: m.updates.labels({ source: 'upstream' }),
      },
    };
    this.revocations = new RevocationCache(this.store, options.revocationCacheMs ?? 5_000, this.now);
    this.queue = new PersistQueue<CutContext>({
      flushDelayMs: options.flushDelayMs ?? (options.store.kind === 'pglite' ? 50 : 10),
      maxBatch: options.maxBatch ?? 500,
      write: (batch) => writeBatch(this.store, batch.updates, batch.claims),
      onCut: (batch) => this.onCut(batch),
      onPersisted: (batch, _ids, context, seconds) => this.onPersisted(batch, context, seconds),
      onError: (error, batch, attempt) => {
        this.metrics.persistFailures.inc();
        this.log(`writing ${batch.updates.length} update(s) failed (attempt ${attempt}, kept and retried): ${String(error)}`);
      },
    });
  }

  /** Starts tailing the log (call once, before serving). */
  async start(): Promise<void> {
    this.unlisten = await this.store.listen(UPDATE_LOG_ORIGIN_CHANNEL, (payload) => {
      const tab = payload.indexOf('\t');
      if (tab < 0) return;
      const origin = payload.slice(0, tab);
      const docName = payload.slice(tab + 1);
      if (origin === this.instanceId || !this.docs.has(docName)) return;
      this.requestTail(docName);
    });
    const poll = setInterval(() => {
      for (const name of this.docs.keys()) this.tailWanted.add(name);
      void this.runTail();
    }, this.options.tailPollMs ?? 10_000);
    poll.unref();
    const ping = setInterval(() => this.pingAll(), this.options.pingIntervalMs ?? 30_000);
    ping.unref();
    this.timers.push(poll, ping);
  }

  stats(): { connections: number; loadedDocs: number; queuedUpdates: number } {
    return { connections: this.connections.size, loadedDocs: this.docs.size, queuedUpdates: this.queue.length };
  }

  isLoaded(docName: string): boolean {
    return this.docs.has(docName);
  }

  // ---------------------------------------------------------------- connections

  /** Takes over an upgraded socket for `/sync/{docName}?token=…`. */
  handleSocket(ws: WebSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? '/', 'http://relay.invalid');
    let docName = '';
    try {
      docName = decodeURIComponent(url.pathname.replace(/^\/sync\/?/, ''));
    } catch {
      docName = '';
    }
    const conn = new Connection(ws, docName, this.limits.maxBufferedBytes, (c) => this.refuse(c, new Refusal('slow_consumer', CloseCode.tryAgain, 'reader too slow: send buffer full; reconnect to resync')));
    this.connections.add(conn);
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => this.onRawMessage(conn, data, isBinary));
    ws.on('close', () => this.onClosed(conn));
    ws.on('error', () => conn.close(CloseCode.badRequest, 'protocol error'));
    ws.on('pong', () => {
      conn.alive = true;
    });
    void this.admit(conn, url.searchParams.get('token')).catch((error: unknown) => {
      this.log(`admitting a connection to ${docName} failed: ${String(error)}`);
      this.refuse(conn, new Refusal('load_failed', CloseCode.tryAgain, 'internal error, try again'));
    });
  }

  private async admit(conn: Connection, token: string | null): Promise<void> {
    try {
      if (this.closing) throw new Refusal('shutting_down', CloseCode.tryAgain, 'server shutting down, try again');
      let name;
      try {
        name = parseDocName(conn.docName);
      } catch (error) {
        if (error instanceof DocNameError) throw new Refusal('bad_doc_name', CloseCode.badRequest, `bad document name: ${error.message}`);
        throw error;
      }
      let claims;
      try {
        claims = await verifyToken(this.options.secret, token, { now: this.now() });
        if (await this.revocations.isRevoked(claims.jti)) throw new TokenError('revoked', 'token revoked');
      } catch (error) {
        if (error instanceof TokenError) throw new Refusal('unauthorized', CloseCode.unauthorized, error.message);
        throw error;
      }
      const access = accessFor(claims, name);
      if (!access.allowed) throw new Refusal('forbidden', CloseCode.forbidden, access.reason);
      conn.claims = claims;
      conn.mode = access.mode;
      conn.trusted = isTrustedRelay(claims.role);
      const device = this.deviceState(claims);
      if (device.sockets >= this.limits.maxDocsPerDevice) {
        throw new Refusal('too_many_docs', CloseCode.rateLimited, `device ${claims.deviceId} already has ${device.sockets} documents open (limit ${this.limits.maxDocsPerDevice})`);
      }
      if (conn.closed) return;
      device.sockets++;
      conn.countedSocket = true;
      let shared: SharedDoc;
      try {
        shared = await this.getShared(conn.docName);
      } catch (error) {
        this.log(String(error instanceof Error ? error.message : error));
        throw new Refusal('load_failed', CloseCode.tryAgain, `document ${conn.docName} could not be loaded, try again`);
      }
      if (conn.closed || this.closing) {
        if (this.closing) throw new Refusal('shutting_down', CloseCode.tryAgain, 'server shutting down, try again');
        return;
      }
      this.attach(conn, shared);
    } catch (error) {
      if (error instanceof Refusal) {
        this.refuse(conn, error);
        return;
      }
      throw error;
    }
  }

  private attach(conn: Connection, shared: SharedDoc): void {
    if (shared.unloadTimer) {
      clearTimeout(shared.unloadTimer);
      shared.unloadTimer = null;
    }
    conn.shared = shared;
    shared.peers.set(conn, new Set());
    // Step 1 carries the STORED state vector: the client answers with whatever the log lacks.
    conn.send(encodeSyncStep1(shared.storedStateVector));
    const states = shared.awareness.getStates();
    if (states.size > 0) conn.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(shared.awareness, [...states.keys()])));
    const pending = conn.pending ?? [];
    conn.pending = null;
    for (const message of pending) {
      if (conn.closed) break;
      this.onMessage(conn, message);
    }
  }

  private deviceState(claims: TokenClaims): DeviceState {
    const key = deviceKey(claims);
    let state = this.devices.get(key);
    if (!state) {
      state = { bucket: createBucket(this.limits.rateLimit, this.now()), sockets: 0 };
      this.devices.set(key, state);
    }
    return state;
  }

  private refuse(conn: Connection, refusal: Refusal): void {
    if (conn.closed) return;
    this.metrics.refused.inc({ reason: refusal.reason });
    conn.close(refusal.code, refusal.message);
  }

  private onClosed(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    conn.closed = true;
    conn.pending = null;
    const shared = conn.shared;
    if (conn.claims && conn.countedSocket) {
      const device = this.devices.get(deviceKey(conn.claims));
      if (device) {
        device.sockets--;
        // Forget idle devices so the map does not grow with every device ever seen.
        if (device.sockets === 0 && device.bucket.tokens >= this.limits.rateLimit.capacity) this.devices.delete(deviceKey(conn.claims));
      }
    }
    if (shared) {
      const controlled = shared.peers.get(conn);
      shared.peers.delete(conn);
      if (controlled && controlled.size > 0) awarenessProtocol.removeAwarenessStates(shared.awareness, [...controlled], null);
      this.scheduleUnload(shared);
    }
  }

  private pingAll(): void {
    const nowSec = this.now() / 1000;
    for (const conn of this.connections) {
      // A token that expires while its socket is open stops working at the next ping round.
      if (conn.claims && conn.claims.exp <= nowSec) {
        this.refuse(conn, new Refusal('unauthorized', CloseCode.unauthorized, 'token expired'));
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

  // ---------------------------------------------------------------- messages

  private onRawMessage(conn: Connection, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (conn.closed) return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
    // lib0's readVarUint8Array trusts the declared length and views `arr.buffer` directly: a
    // message that is a view into a larger (pooled) buffer would let a lying length read
    // neighbouring bytes. Give every message its own exact buffer.
    const message = bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength ? new Uint8Array(bytes.buffer) : Uint8Array.prototype.slice.call(bytes);
    if (message.byteLength > this.limits.maxMessageBytes) {
      this.refuse(conn, new Refusal('too_large', CloseCode.tooLarge, `message of ${message.byteLength} bytes exceeds the limit of ${this.limits.maxMessageBytes} bytes`));
      return;
    }
    if (!isBinary) {
      this.refuse(conn, new Refusal('bad_request', CloseCode.badRequest, 'text frames are not part of the protocol; send binary y-websocket messages'));
      return;
    }
    if (conn.pending) {
      // Still authenticating/loading: keep a bounded backlog (the client sends step 1 + awareness).
      if (conn.pending.length >= 256) {
        this.refuse(conn, new Refusal('rate_limited', CloseCode.rateLimited, 'too many messages before the document was ready'));
        return;
      }
      conn.pending.push(message);
      return;
    }
    this.onMessage(conn, message);
  }

  private onMessage(conn: Connection, message: Uint8Array): void {
    const shared = conn.shared;
    if (!shared || !conn.claims) return;
    const device = this.deviceState(conn.claims);
    if (!takeToken(device.bucket, this.limits.rateLimit, this.now())) {
      this.refuse(conn, new Refusal('rate_limited', CloseCode.rateLimited, `device ${conn.claims.deviceId} exceeds ${this.limits.rateLimit.refillPerSecond} messages/s`));
      return;
    }
    try {
      const decoder = decoding.createDecoder(message);
      const type = decoding.readVarUint(decoder);
      switch (type) {
        case MessageType.sync: {
          const syncType = decoding.readVarUint(decoder);
          if (syncType === SyncType.step1) {
            this.count.messages.sync_step1.inc();
            const stateVector = decoding.readVarUint8Array(decoder);
            conn.send(encodeSyncStep2(Y.encodeStateAsUpdate(shared.doc, stateVector)));
          } else if (syncType === SyncType.step2 || syncType === SyncType.update) {
            this.count.messages[syncType === SyncType.update ? 'sync_update' : 'sync_step2'].inc();
            this.receiveUpdate(conn, shared, decoding.readVarUint8Array(decoder), syncType === SyncType.update);
          } else {
            throw new Refusal('bad_request', CloseCode.badRequest, `unknown sync message type ${syncType}`);
          }
          break;
        }
        case MessageType.awareness: {
          this.count.messages.awareness.inc();
          awarenessProtocol.applyAwarenessUpdate(shared.awareness, decoding.readVarUint8Array(decoder), conn);
          break;
        }
        case MessageType.queryAwareness: {
          this.count.messages.query_awareness.inc();
          const states = shared.awareness.getStates();
          conn.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(shared.awareness, [...states.keys()])));
          break;
        }
        default:
          throw new Refusal('bad_request', CloseCode.badRequest, `unknown message type ${type}`);
      }
    } catch (error) {
      if (error instanceof Refusal) this.refuse(conn, error);
      else this.refuse(conn, new Refusal('bad_request', CloseCode.badRequest, `malformed message: ${error instanceof Error ? error.message : String(error)}`));
    }
  }

  private receiveUpdate(conn: Connection, shared: SharedDoc, update: Uint8Array, live: boolean): void {
    const deviceId = conn.deviceId;
    if (conn.mode === 'read') {
      const analysis = analyzeUpdate(shared.doc, update, { deletes: true });
      if (analysis.newStructClients.length > 0 || analysis.hasNewDeletes) {
        throw new Refusal('read_only', CloseCode.forbidden, `read-only: role ${conn.claims?.role ?? '?'} cannot write ${shared.name.name}`);
      }
      return; // changes nothing: the usual sync step 2 reply of a reader
    }
    // Fast path (the hot one: a device's own edit): an update of exactly one client id that
    // this device already owns needs no struct-level check; skip the full decode. A malformed
    // one still fails inside applyUpdate and closes the connection (4400).
    const single = live ? singleClientOf(update) : null;
    if (single !== null && shared.owners.get(single) === deviceId) {
      this.apply(conn, shared, update, []);
      return;
    }
    const analysis = analyzeUpdate(shared.doc, update, { deletes: false });
    const toClaim: number[] = [];
    if (live && !conn.trusted) {
      for (const client of analysis.newStructClients) {
        const owner = shared.owners.get(client);
        if (owner === undefined) toClaim.push(client);
        else if (owner !== deviceId) {
          throw new Refusal('foreign_client_id', CloseCode.tryAgain, `update writes with client id ${client} of another device; refused`);
        }
      }
    }
    this.apply(conn, shared, update, toClaim);
  }

  private apply(conn: Connection, shared: SharedDoc, update: Uint8Array, toClaim: number[]): void {
    const deviceId = conn.deviceId;
    const seqBefore = conn.lastWriteSeq;
    Y.applyUpdate(shared.doc, update, conn);
    if (conn.lastWriteSeq === seqBefore && shared.unpersisted > 0) {
      // It sent what the relay holds but has not stored yet (delivered by another path):
      // acknowledge it when the queue reaches the log, or the client waits forever.
      conn.lastWriteSeq = this.queue.lastSeq;
    }
    for (const clientId of toClaim) {
      shared.owners.set(clientId, deviceId);
      this.queue.pushClaim({ docName: shared.name.name, clientId, deviceId });
    }
  }

  // ---------------------------------------------------------------- documents

  /** Loads (or returns) a document; concurrent callers share one load. */
  async getShared(docName: string): Promise<SharedDoc> {
    const loaded = this.docs.get(docName);
    if (loaded) return loaded;
    const inFlight = this.loading.get(docName);
    if (inFlight) return inFlight;
    const name = parseDocName(docName);
    const promise = loadDocument(this.store, docName)
      .then((state) => {
        const shared = new SharedDoc(name, state.doc, state.owners, state.lastLogId);
        shared.rowsAtLoad = state.rows;
        state.doc.on('update', (update: Uint8Array, origin: unknown) => this.onDocUpdate(shared, update, origin));
        shared.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) =>
          this.onAwareness(shared, added, updated, removed, origin),
        );
        this.docs.set(docName, shared);
        // Rows appended between our load query and now: catch up once.
        this.requestTail(docName);
        for (const listener of this.docLoadedListeners) listener(shared);
        this.scheduleUnload(shared);
        return shared;
      })
      .finally(() => this.loading.delete(docName));
    this.loading.set(docName, promise);
    return promise;
  }

  async getDoc(docName: string): Promise<Y.Doc> {
    const shared = await this.getShared(docName);
    this.scheduleUnload(shared);
    return shared.doc;
  }

  async transactDoc(docName: string, actor: Actor, fn: (doc: Y.Doc) => void): Promise<void> {
    const shared = await this.getShared(docName);
    shared.pins++;
    try {
      const clientId = shared.doc.clientID;
      if (!shared.owners.has(clientId)) {
        // Claim the relay's own client id, so no device can ever write structs under it.
        shared.owners.set(clientId, 'server');
        this.queue.pushClaim({ docName: shared.name.name, clientId, deviceId: 'server' });
      }
      shared.doc.transact(() => fn(shared.doc), new ServerEdit(actor.deviceId));
      await this.queue.whenPersisted();
    } finally {
      shared.pins--;
      this.scheduleUnload(shared);
    }
  }

  /** Keeps a document loaded (upstream links); returns the release function. */
  async pin(docName: string): Promise<{ shared: SharedDoc; release: () => void }> {
    const shared = await this.getShared(docName);
    shared.pins++;
    let released = false;
    return {
      shared,
      release: () => {
        if (released) return;
        released = true;
        shared.pins--;
        this.scheduleUnload(shared);
      },
    };
  }

  flush(): Promise<void> {
    return this.queue.flush();
  }

  disconnect(target: { deviceId?: string; tokenId?: string }): number {
    if (target.tokenId) this.revocations.markRevoked(target.tokenId);
    let closed = 0;
    for (const conn of this.connections) {
      if (conn.closed || !conn.claims) continue;
      const byDevice = target.deviceId !== undefined && conn.claims.deviceId === target.deviceId;
      const byToken = target.tokenId !== undefined && conn.claims.jti === target.tokenId;
      if (!byDevice && !byToken) continue;
      this.refuse(conn, new Refusal('unauthorized', CloseCode.unauthorized, byToken ? 'token revoked' : `device ${conn.claims.deviceId} disconnected by an administrator`));
      closed++;
    }
    return closed;
  }

  private onDocUpdate(shared: SharedDoc, update: Uint8Array, origin: unknown): void {
    const message = encodeUpdate(update);
    for (const peer of shared.peers.keys()) {
      if (peer !== origin) peer.send(message);
    }
    if (origin === TAIL_ORIGIN) {
      this.count.updates.tail.inc();
      return; // already in the log
    }
    let deviceId: string;
    let source: UpdateSource;
    if (origin instanceof Connection) {
      deviceId = origin.deviceId;
      source = 'device';
    } else if (origin instanceof ServerEdit) {
      deviceId = origin.deviceId;
      source = 'server';
    } else if (isUpstreamOrigin(origin)) {
      deviceId = 'upstream';
      source = 'upstream';
    } else {
      deviceId = 'server';
      source = 'server';
    }
    this.count.updates[source].inc();
    shared.unpersisted++;
    const seq = this.queue.push({ docName: shared.name.name, update, deviceId, origin: this.instanceId });
    if (origin instanceof Connection) origin.lastWriteSeq = seq;
  }

  private onAwareness(shared: SharedDoc, added: number[], updated: number[], removed: number[], origin: unknown): void {
    const changed = added.concat(updated, removed);
    if (origin instanceof Connection) {
      const controlled = shared.peers.get(origin);
      if (controlled) {
        for (const id of added) controlled.add(id);
        for (const id of removed) controlled.delete(id);
      }
    }
    const message = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(shared.awareness, changed));
    for (const peer of shared.peers.keys()) {
      if (peer !== origin) peer.send(message);
    }
  }

  private scheduleUnload(shared: SharedDoc): void {
    if (!shared.idle || shared.unloadTimer || this.closing) return;
    shared.unloadTimer = setTimeout(() => {
      shared.unloadTimer = null;
      if (!shared.idle || this.docs.get(shared.name.name) !== shared) return;
      if (shared.unpersisted > 0) {
        // Fail once, keep the data: never unload what the log does not hold yet.
        this.scheduleUnload(shared);
        return;
      }
      this.unload(shared);
    }, this.unloadAfterMs);
    shared.unloadTimer.unref();
  }

  private unload(shared: SharedDoc): void {
    this.docs.delete(shared.name.name);
    shared.destroy();
    // The rows this load had to replay, plus what was written since, approximate the next
    // load's cost; past the threshold, fold them into the snapshot (in the background: a
    // compaction never blocks serving, and a failed one loses nothing).
    const threshold = this.options.compactAfterRows ?? 500;
    if (threshold > 0 && shared.rowsAtLoad + shared.rowsWritten > threshold && !this.closing) {
      const name = shared.name.name;
      if (this.compactions.has(name)) return;
      const running = compactDocument(this.store, name)
        .then(() => undefined)
        .catch((error: unknown) => this.log(`compacting ${name} failed (nothing lost; retried on a later unload): ${String(error)}`))
        .finally(() => this.compactions.delete(name));
      this.compactions.set(name, running);
    }
  }

  // ---------------------------------------------------------------- persistence

  private onCut(batch: Batch): CutContext {
    const counts = new Map<string, { count: number; seq: number }>();
    for (const u of batch.updates) {
      const c = counts.get(u.docName) ?? { count: 0, seq: 0 };
      c.count++;
      c.seq = Math.max(c.seq, u.seq);
      counts.set(u.docName, c);
    }
    const stateVectors = new Map<string, { stateVector: Uint8Array; seq: number }>();
    for (const [name, { count, seq }] of counts) {
      const shared = this.docs.get(name);
      // Only when the batch holds every pending update of the document does the document's
      // current state vector describe what the log will hold after this commit.
      if (shared && shared.unpersisted === count) stateVectors.set(name, { stateVector: Y.encodeStateVector(shared.doc), seq });
    }
    return { stateVectors };
  }

  private onPersisted(batch: Batch, context: CutContext | undefined, seconds: number): void {
    let bytes = 0;
    const touched = new Set<string>();
    for (const u of batch.updates) {
      bytes += u.update.byteLength;
      touched.add(u.docName);
      const shared = this.docs.get(u.docName);
      if (shared) {
        shared.unpersisted--;
        shared.rowsWritten++;
      }
    }
    this.metrics.persistedUpdates.inc(batch.updates.length);
    this.metrics.persistedBytes.inc(bytes);
    this.metrics.persistSeconds.observe(seconds);
    for (const name of touched) {
      const shared = this.docs.get(name);
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
  private acknowledge(shared: SharedDoc): void {
    if (shared.ackTimer) return; // a trailing round is scheduled and will see the latest state
    const now = this.now();
    let message: Uint8Array | null = null;
    let nextDue = Infinity;
    for (const peer of shared.peers.keys()) {
      if (peer.lastWriteSeq <= peer.ackedSeq || peer.lastWriteSeq > shared.storedSeq) continue;
      const due = peer.lastAckAt + this.ackIntervalMs;
      if (due > now) {
        nextDue = Math.min(nextDue, due);
        continue;
      }
      message ??= encodeSyncStep1(shared.storedStateVector);
      peer.ackedSeq = shared.storedSeq;
      peer.lastAckAt = now;
      peer.send(message);
      this.metrics.acks.inc();
    }
    if (nextDue !== Infinity) {
      shared.ackTimer = setTimeout(() => {
        shared.ackTimer = null;
        this.acknowledge(shared);
      }, nextDue - now);
      shared.ackTimer.unref();
    }
  }

  // ---------------------------------------------------------------- tail

  private requestTail(docName: string): void {
    this.tailWanted.add(docName);
    void this.runTail();
  }

  private runTail(): Promise<void> {
    if (this.tailRunning) return this.tailRunning;
    if (this.tailWanted.size === 0 || this.closing) return Promise.resolve();
    this.tailRunning = (async () => {
      try {
        while (this.tailWanted.size > 0 && !this.closing) {
          const names = [...this.tailWanted].filter((n) => this.docs.has(n));
          this.tailWanted.clear();
          if (names.length === 0) break;
          await this.tailOnce(names);
        }
      } catch (error) {
        this.log(`tailing the update log failed (retried on the next notification or poll): ${String(error)}`);
      } finally {
        this.tailRunning = null;
      }
    })();
    return this.tailRunning;
  }

  private async tailOnce(names: string[]): Promise<void> {
    const since = Math.min(...names.map((n) => this.docs.get(n)?.lastLogId ?? 0));
    const rows = await tailDocs(this.store, names, since);
    for (const row of rows) {
      const shared = this.docs.get(row.doc_name);
      if (!shared || row.id <= shared.lastLogId) continue;
      shared.lastLogId = row.id;
      if (row.origin === this.instanceId) continue; // our own row: already in the document
      try {
        Y.applyUpdate(shared.doc, row.update, TAIL_ORIGIN);
      } catch (error) {
        this.log(`update_log row ${row.id} of ${row.doc_name} does not apply; skipped: ${String(error)}`);
      }
    }
  }

  // ---------------------------------------------------------------- shutdown

  /** Stops accepting, closes clients with 1013, writes the queue, unloads. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const conn of this.connections) this.refuse(conn, new Refusal('shutting_down', CloseCode.tryAgain, 'server shutting down, try again'));
    for (const t of this.timers) clearInterval(t);
    try {
      await this.queue.flush();
    } catch (error) {
      this.log(`final write of ${this.queue.length} update(s) failed; their senders still hold them: ${String(error)}`);
    }
    this.queue.stop();
    if (this.tailRunning) await this.tailRunning;
    await Promise.all(this.compactions.values());
    await this.unlisten?.().catch(() => {});
    for (const shared of this.docs.values()) shared.destroy();
    this.docs.clear();
  }
}

/** The client id of an update that carries structs of exactly one client, else null. */
function deviceKey(claims: TokenClaims): string {
  return `${claims.tenant}/${claims.outlet}/${claims.deviceId}`;
}

function singleClientOf(update: Uint8Array): number | null {
  try {
    const decoder = decoding.createDecoder(update);
    if (decoding.readVarUint(decoder) !== 1) return null; // number of clients (v1 update format)
    decoding.readVarUint(decoder); // number of structs
    return decoding.readVarUint(decoder);
  } catch {
    return null;
  }
}

function isUpstreamOrigin(origin: unknown): origin is UpstreamOrigin {
  return typeof origin === 'object' && origin !== null && (origin as { upstream?: unknown }).upstream === true;
}
