/**
 * The relay: y-websocket protocol on top of authenticated sockets, documents held in memory
 * while in use, every accepted update broadcast at once and written to the update log in
 * group commits, rows of other writers tailed from the log.
 *
 * The hot path (a device's update reaching the other devices) is synchronous: decode, check,
 * `Y.applyUpdate`, and the document's `update` event encodes the message once and sends it to
 * every other socket of the document. Persistence happens afterwards, in batches.
 *
 * This file is the façade (hocuspocus `Hocuspocus.ts`): start/close, the public `Relay` API and
 * the wiring of its parts (see also the README of sync-server):
 * - `connection.ts`: a socket, its backlog while admitted, the ping round;
 * - `admission.ts`: doc name → token → revocation → role → device quota;
 * - `message-handler.ts` → `write-guard.ts`: framing checks, dispatch, what may be written;
 * - `origins.ts`: who made a change, and the fan-out of updates and presence;
 * - `doc-registry.ts`: loading, pins and unloading of documents;
 * - `persist-queue.ts` + `stored-ack.ts`: group commit and the "stored" acknowledgement;
 * - `log-tail.ts`: rows of other writers; `device-limits.ts`: per-device rate and quota.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type * as Y from 'yjs';
import { outletDocName } from '@kiosk/shared';
import { UPDATE_LOG_ORIGIN_CHANNEL, writeBatch } from '@kiosk/store';
import { RevocationCache } from '../auth/revocation-cache';
import { BoxKeyCache } from '../auth/box-keys';
import type { BoxKeyResolver } from '../auth/tokens';
import { bindCounters } from '../metrics/metrics';
import { admit, type AdmissionDeps } from './admission';
import { AwarenessRelay } from './awareness-relay';
import { Connection, connectionsOf, pingAll, socketTarget } from './connection';
import { DeviceLimits } from './device-limits';
import { DocRegistry } from './doc-registry';
import { LogTail } from './log-tail';
import { MessageHandler } from './message-handler';
import { OutletFactsSource } from './outlet-facts';
import { resolveRelayOptions, type RelayOptions, type ResolvedRelayOptions } from './options';
import { fanOut, type FanOutDeps, type RelayOrigin } from './origins';
import { PersistQueue } from './persist-queue';
import { Refusal } from './refusal';
import type { SharedDoc } from './shared-doc';
import { SlowReaders } from './slow-reader';
import { StoredAck, type CutContext } from './stored-ack';
import { UpgradeGate } from './upgrade-gate';
import { WriteGuard } from './write-guard';
import type { Actor, Relay } from './relay-api';

export type { Actor, Relay } from './relay-api';

/** `RelayCore.memoryStats()`: presence entries, send buffers and pending upgrades. */
export interface RelayMemoryStats {
  /** Presence states held, over every loaded document. */
  awarenessStates: number;
  /** y-protocols `awareness.meta` entries (what leaked before: kept for every id ever seen). */
  awarenessMeta: number;
  awarenessOwnedIds: number;
  awarenessTombstones: number;
  /** Presence entries dropped since start (foreign, echoes, made up). */
  awarenessDropped: number;
  /** Sum of `ws.bufferedAmount` over connections. */
  bufferedBytes: number;
  laggingReaders: number;
  slowReadersTerminated: number;
  pendingUpgrades: number;
  upgradesRefused: { 429: number; 503: number };
}

export class RelayCore implements Relay {
  readonly instanceId: string;
  private readonly options: ResolvedRelayOptions;
  private readonly connections = new Set<Connection>();
  private readonly devices: DeviceLimits;
  private readonly revocations: RevocationCache;
  private readonly boxKeyCache: BoxKeyCache | null;
  readonly boxKeys: BoxKeyResolver;
  private readonly registry: DocRegistry;
  private readonly queue: PersistQueue<CutContext>;
  private readonly messages: MessageHandler;
  private readonly tail: LogTail;
  private readonly admission: AdmissionDeps;
  private readonly fanOutDeps: FanOutDeps;
  private readonly outletFacts: OutletFactsSource;
  private unlisten: (() => Promise<void>) | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private closing = false;
  // relay memory (issue 13): slow readers, presence, pending upgrades
  private readonly slowReaders: SlowReaders;
  private readonly presence: AwarenessRelay;
  private readonly upgrades: UpgradeGate;

  constructor(relayOptions: RelayOptions) {
    const options = resolveRelayOptions(relayOptions);
    const { store, metrics, limits, now, log } = options;
    const isClosing = () => this.closing;
    this.options = options;
    this.instanceId = options.instanceId;
    const counters = bindCounters(metrics);
    this.devices = new DeviceLimits(limits, now);
    this.revocations = new RevocationCache(store, options.revocationCacheMs, now);
    this.boxKeyCache = options.boxKeys ? null : new BoxKeyCache(store, options.revocationCacheMs, now);
    this.boxKeys = options.boxKeys ?? this.boxKeyCache!.resolve;
    this.registry = new DocRegistry({
      store,
      unloadAfterMs: options.unloadAfterMs,
      compactAfterRows: options.compactAfterRows,
      log,
      closing: isClosing,
      onLoad: (shared) => this.onLoad(shared),
    });
    const acks = new StoredAck({ docs: this.registry, metrics, ackIntervalMs: options.ackIntervalMs, now });
    this.queue = new PersistQueue<CutContext>({
      flushDelayMs: options.flushDelayMs,
      maxBatch: options.maxBatch,
      write: (batch) => writeBatch(store, batch.updates, batch.claims),
      onCut: (batch) => acks.onCut(batch),
      onPersisted: (batch, _ids, context, seconds) => acks.onPersisted(batch, context, seconds),
      onError: (error, batch, attempt) => {
        metrics.persistFailures.inc();
        log(`writing ${batch.updates.length} update(s) failed (attempt ${attempt}, kept and retried): ${String(error)}`);
      },
    });
    this.fanOutDeps = { instanceId: this.instanceId, queue: this.queue, updates: counters.updates };
    this.outletFacts = new OutletFactsSource({ store, registry: this.registry, now, ttlMs: options.outletFactsTtlMs, log });
    const writeGuard = new WriteGuard({
      queue: this.queue,
      outletFacts: (name) => this.outletFacts.peek(name),
      dayWindow: options.dayWindow,
      now,
      log,
    });
    this.slowReaders = new SlowReaders({ maxBufferedBytes: limits.maxBufferedBytes, graceMs: limits.slowReaderGraceMs, now });
    this.presence = new AwarenessRelay({
      limits: {
        maxIdsPerConnection: limits.maxAwarenessIdsPerConnection,
        maxIdsPerDevice: limits.maxAwarenessIdsPerDevice,
        maxIdsPerDoc: limits.maxAwarenessIdsPerDoc,
        maxStateBytes: limits.maxAwarenessStateBytes,
      },
      now,
    });
    this.upgrades = new UpgradeGate({ maxPendingPerIp: limits.maxPendingUpgradesPerIp, maxPending: limits.maxPendingUpgrades }, options.clientIp);
    this.messages = new MessageHandler({
      maxMessageBytes: limits.maxMessageBytes,
      devices: this.devices,
      writeGuard,
      presence: this.presence,
      messages: counters.messages,
      refuse: (c, r) => this.refuse(c, r),
    });
    this.tail = new LogTail({ store, instanceId: this.instanceId, docs: this.registry, log, closing: isClosing });
    this.admission = {
      secret: options.secret,
      now,
      closing: isClosing,
      isRevoked: (jti) => this.revocations.isRevoked(jti),
      boxKeys: this.boxKeys,
      maxDocsPerDevice: limits.maxDocsPerDevice,
      devices: this.devices,
    };
  }

  /** Starts tailing the log (call once, before serving). */
  async start(): Promise<void> {
    this.unlisten = await this.options.store.listen(UPDATE_LOG_ORIGIN_CHANNEL, (payload) => this.tail.onNotification(payload));
    const poll = setInterval(() => this.tail.pollAll(), this.options.tailPollMs);
    poll.unref();
    const ping = setInterval(
      () => pingAll(this.connections, this.options.now() / 1000, (c) => this.refuse(c, new Refusal('unauthorized', 'token expired'))),
      this.options.pingIntervalMs,
    );
    ping.unref();
    this.timers.push(poll, ping);
  }

  stats(): { connections: number; loadedDocs: number; queuedUpdates: number } {
    return { connections: this.connections.size, loadedDocs: this.registry.size, queuedUpdates: this.queue.length };
  }

  /** What the relay holds that a device can make it hold (tests and metrics; walks every connection). */
  memoryStats(): RelayMemoryStats {
    const stats: RelayMemoryStats = {
      awarenessStates: 0,
      awarenessMeta: 0,
      awarenessOwnedIds: 0,
      awarenessTombstones: 0,
      awarenessDropped: this.presence.droppedEntries,
      bufferedBytes: 0,
      laggingReaders: this.slowReaders.size,
      slowReadersTerminated: this.slowReaders.terminated,
      pendingUpgrades: this.upgrades.pending.size,
      upgradesRefused: { ...this.upgrades.refused },
    };
    for (const name of this.registry.names()) {
      const shared = this.registry.get(name);
      if (!shared) continue;
      const s = this.presence.sizes(shared);
      stats.awarenessStates += s.states;
      stats.awarenessMeta += s.meta;
      stats.awarenessOwnedIds += s.owned;
      stats.awarenessTombstones += s.tombstones;
    }
    for (const conn of this.connections) stats.bufferedBytes += conn.bufferedAmount;
    return stats;
  }

  /**
   * The server's upgrade handler asks first (`if (!relay.gateUpgrade(req, socket)) return;`):
   * over the pending-upgrade caps the upgrade is answered with 429/503 (upgrade-gate.ts).
   */
  gateUpgrade(req: IncomingMessage, socket: Duplex): boolean {
    return this.upgrades.gate(req, socket);
  }

  isLoaded(docName: string): boolean {
    return this.registry.has(docName);
  }

  /** Listeners for documents being loaded (LAN box upstream links). */
  get docLoadedListeners(): Set<(shared: SharedDoc) => void> {
    return this.registry.docLoadedListeners;
  }

  // ---------------------------------------------------------------- connections

  /** Takes over an upgraded socket for `/sync/{docName}?token=…`. */
  handleSocket(ws: WebSocket, req: IncomingMessage): void {
    const { docName, token } = socketTarget(req);
    const { limits, metrics, now } = this.options;
    const conn = new Connection(ws, docName, {
      maxBufferedBytes: limits.maxBufferedBytes,
      closeLingerMs: limits.closeLingerMs,
      slowReaders: this.slowReaders,
      now,
      onTerminatedSlow: () => metrics.refused.inc({ reason: 'slow_consumer' }),
    });
    this.connections.add(conn);
    conn.listen({ message: (c, data, isBinary) => this.messages.onRawMessage(c, data, isBinary), closed: (c) => this.onClosed(c) });
    // The upgrade's pending slot is released when the connection joins its document (or its socket is gone).
    const joined = this.upgrades.releaseOf(req);
    const timeout = setTimeout(() => {
      if (conn.admitting) this.refuse(conn, new Refusal('auth_timeout', `not admitted within ${limits.admissionTimeoutMs} ms, try again`));
    }, limits.admissionTimeoutMs);
    timeout.unref();
    void this.accept(conn, token, joined)
      .catch((error: unknown) => {
        this.options.log(`admitting a connection to ${docName} failed: ${String(error)}`);
        this.refuse(conn, new Refusal('load_failed', 'internal error, try again'));
      })
      .finally(() => clearTimeout(timeout));
  }

  /** Admission, then the document: the connection joins it and its backlog is handled. */
  private async accept(conn: Connection, token: string | null, joined: () => void): Promise<void> {
    const admitted = await admit(this.admission, conn.docName, token);
    if (admitted instanceof Refusal) return this.refuse(conn, admitted);
    conn.claims = admitted.claims;
    conn.mode = admitted.mode;
    conn.trusted = admitted.trusted;
    if (conn.closed) return this.devices.socketClosed(admitted.claims); // gone while admitted: uncount it
    conn.countedSocket = true;
    let shared: SharedDoc;
    try {
      shared = await this.registry.getShared(conn.docName);
      // The write rules of a day document need its outlet's facts before the first update.
      if (shared.name.kind === 'day' && conn.mode === 'write') await this.outletFacts.ensure(outletDocName(shared.name.tenant, shared.name.outlet));
    } catch (error) {
      this.options.log(String(error instanceof Error ? error.message : error));
      return this.refuse(conn, new Refusal('load_failed', `document ${conn.docName} could not be loaded, try again`));
    }
    if (conn.closed || this.closing) {
      if (this.closing) this.refuse(conn, new Refusal('shutting_down', 'server shutting down, try again'));
      return;
    }
    this.registry.cancelUnload(shared);
    joined();
    for (const message of conn.attach(shared)) {
      if (conn.closed) break;
      this.messages.onMessage(conn, message);
    }
  }

  private refuse(conn: Connection, refusal: Refusal): void {
    if (conn.closed) return;
    this.options.metrics.refused.inc({ reason: refusal.reason });
    if (refusal.reason === 'write_rule' || refusal.reason === 'day_closed' || refusal.reason === 'foreign_client_id') {
      // Someone tried to rewrite history or write elsewhere: say who, for the operator.
      this.options.log(`refused an update of device ${conn.deviceId} (role ${conn.claims?.role ?? '?'}) to ${conn.docName}: ${refusal.message}`);
    }
    conn.close(refusal.code, refusal.closeText);
  }

  private onClosed(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    conn.closed = true;
    conn.pending = null;
    if (conn.claims && conn.countedSocket) this.devices.socketClosed(conn.claims);
    if (conn.shared) this.presence.leave(conn, conn.shared);
    const shared = conn.detach();
    if (shared) this.registry.scheduleUnload(shared);
  }

  // ---------------------------------------------------------------- documents

  private onLoad(shared: SharedDoc): void {
    fanOut(shared, this.fanOutDeps);
    // Rows appended between our load query and now: catch up once.
    this.tail.request(shared.name.name);
  }

  async getDoc(docName: string): Promise<Y.Doc> {
    const shared = await this.registry.getShared(docName);
    this.registry.scheduleUnload(shared);
    return shared.doc;
  }

  async transactDoc(docName: string, actor: Actor, fn: (doc: Y.Doc) => void): Promise<void> {
    const { shared, release } = await this.pin(docName);
    try {
      const clientId = shared.doc.clientID;
      if (!shared.owners.has(clientId)) {
        // Claim the relay's own client id, so no device can ever write structs under it.
        shared.owners.set(clientId, 'server');
        this.queue.pushClaim({ docName: shared.name.name, clientId, deviceId: 'server' });
      }
      const origin: RelayOrigin = { source: 'server', deviceId: actor.deviceId };
      shared.doc.transact(() => fn(shared.doc), origin);
      await this.queue.whenPersisted();
    } finally {
      release();
    }
  }

  /** Keeps a document loaded (upstream links, server-side edits); returns the release function. */
  pin(docName: string): Promise<{ shared: SharedDoc; release: () => void }> {
    return this.registry.pin(docName);
  }

  flush(): Promise<void> {
    return this.queue.flush();
  }

  forgetBoxKey(kid: string): void {
    this.boxKeyCache?.forget(kid);
  }

  disconnect(target: { deviceId?: string; tokenId?: string; signedBy?: string }): number {
    if (target.tokenId) this.revocations.markRevoked(target.tokenId);
    const matched = connectionsOf(this.connections, target);
    for (const [conn, why] of matched) this.refuse(conn, new Refusal('unauthorized', why));
    return matched.length;
  }

  // ---------------------------------------------------------------- shutdown

  /** Stops accepting, closes clients with 1013, writes the queue, unloads. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const conn of this.connections) this.refuse(conn, new Refusal('shutting_down', 'server shutting down, try again'));
    for (const t of this.timers) clearInterval(t);
    this.slowReaders.stop();
    try {
      await this.queue.flush();
    } catch (error) {
      this.options.log(`final write of ${this.queue.length} update(s) failed; their senders still hold them: ${String(error)}`);
    }
    this.queue.stop();
    await this.tail.idle();
    await this.registry.compacted();
    await this.unlisten?.().catch(() => {});
    this.registry.destroyAll();
  }
}
