/**
 * One document on this device: a Y.Doc kept in IndexedDB (y-indexeddb) and synced through
 * the relay (y-websocket). The relay's sync step 1 messages carry the state vector of what it
 * has STORED; they are intercepted here to tell the user how many of this device's changes are
 * not yet on a server, and to never call an order "sent" before it is.
 *
 * The relay comes from a `RelayLink` (shared by the session's documents): the shop box when it
 * answers, else the cloud. When the link's choice changes the document reconnects to the new
 * relay; the Y.Doc and its IndexedDB copy stay, and the new relay's sync step 1 sends it what
 * it lacks, so a switch loses nothing.
 */
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import { Awareness } from 'y-protocols/awareness';
import { closeAction, MessageType, must, parseCloseReason, SyncType, type RefusalReason } from '@kiosk/shared';
import { decodeStateVectorBase64, encodeStateVectorBase64, pendingChanges, type StateVector } from './stored-state';
import { RelayLink, type KnownRelay, type RelayKind } from './relay-link';

export type LinkState = 'offline' | 'connecting' | 'online' | 'refused';
/** Which kind of relay a document syncs through: the shop's LAN box or the cloud. */
export type ServerKind = RelayKind;

export interface DocSyncState {
  link: LinkState;
  /** Which kind of relay the link goes to (a LAN box relays to the cloud); set once connected. */
  via: ServerKind | null;
  /** The relay in use or being tried (sync WebSocket base URL). */
  relayUrl: string | null;
  /** Own changes (Yjs struct clocks) the server has not stored yet. */
  pending: number;
  /** Last time the server had stored everything this device wrote (epoch ms). */
  lastAllStoredAt: number | null;
  /** What the server has stored, as last reported (persisted across reloads). */
  stored: StateVector | null;
  /** Why the server refused the connection (bad/revoked token, …): close code and reason as sent. */
  refusal: string | null;
  /** The refusal's stable reason token (the close reason starts with it), for a translated message; null if it has none. */
  refusalReason: RefusalReason | null;
}

export interface DocSyncOptions {
  name: string;
  /** `ws(s)://host/sync` of the one relay, when no `relays` link is given (kind guessed from `/readyz`). */
  wsUrl?: string;
  /** Plain http(s) base URL of the server paired with, for `/readyz` of a relay whose kind is guessed. */
  serverUrl: string;
  /** The session's relay choice; absent: `wsUrl` alone. */
  relays?: RelayLink;
  token: string;
  now?: () => number;
  storage?: Storage;
  /**
   * A connect attempt that neither opens nor fails within this long counts as the relay not
   * answering (a box gone from the network can leave a socket "connecting" for minutes). Default 10 s.
   */
  connectTimeoutMs?: number;
  /** Node tests pass `ws`; browsers use the global WebSocket. */
  WebSocketPolyfill?: typeof WebSocket;
}

export class DocSync {
  readonly doc = new Y.Doc();
  /** One for the document's life: each provider (one per relay switch) would otherwise start its own timer. */
  private readonly awareness = new Awareness(this.doc);
  readonly name: string;
  private readonly idb: IndexeddbPersistence;
  private provider: WebsocketProvider | null = null;
  private readonly listeners = new Set<() => void>();
  private state: DocSyncState;
  private readonly storage: Storage;
  private readonly now: () => number;
  private readonly ownClients: Set<number>;
  private readonly relays: RelayLink;
  private readonly ownRelays: boolean;
  private unsubscribeRelays: (() => void) | null = null;
  private networkUp = typeof navigator === 'undefined' || navigator.onLine !== false;
  private attemptTimer: ReturnType<typeof setTimeout> | null = null;
  private destroyed = false;
  private readonly onOnline = () => this.setNetwork(true);
  private readonly onOffline = () => this.setNetwork(false);

  constructor(private options: DocSyncOptions) {
    this.name = options.name;
    this.storage = options.storage ?? localStorage;
    this.now = options.now ?? Date.now;
    this.ownClients = new Set(this.readJson<number[]>('clients') ?? []);
    this.ownRelays = !options.relays;
    this.relays = options.relays ?? new RelayLink({ relays: [{ kind: 'cloud', url: must(options.wsUrl, 'DocSync needs wsUrl or relays'), guessed: true }] });
    const storedText = this.storage.getItem(this.key('stored'));
    const lastAll = this.storage.getItem(this.key('lastAllStoredAt'));
    this.state = {
      link: 'offline',
      via: null,
      relayUrl: null,
      pending: 0,
      lastAllStoredAt: lastAll ? Number(lastAll) : null,
      stored: storedText ? safeDecode(storedText) : null,
      refusal: null,
      refusalReason: null,
    };
    this.idb = new IndexeddbPersistence(`kiosk:${options.name}`, this.doc);
    this.doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.local && tr.changed.size > 0 && !this.ownClients.has(this.doc.clientID)) {
        this.ownClients.add(this.doc.clientID);
        this.storage.setItem(this.key('clients'), JSON.stringify([...this.ownClients]));
      }
    });
    this.doc.on('update', () => this.recount());
  }

  private serverSynced = false;
  private readonly serverSyncedWaiters: Array<() => void> = [];

  private markServerSynced(): void {
    this.serverSynced = true;
    for (const resolve of this.serverSyncedWaiters.splice(0)) resolve();
  }

  /** Resolves once this connection has received the server's copy, or the server refused the document. */
  whenServerSynced(): Promise<void> {
    if (this.serverSynced || this.state.link === 'refused') return Promise.resolve();
    return new Promise((resolve) => {
      this.serverSyncedWaiters.push(resolve);
      const unsubscribe = this.subscribe(() => {
        if (this.state.link !== 'refused') return;
        unsubscribe();
        resolve();
      });
    });
  }

  /** Resolves once the IndexedDB copy is loaded (show work only after this), then connects. */
  async open(): Promise<void> {
    await this.idb.whenSynced;
    if (this.destroyed) return;
    this.recount();
    this.unsubscribeRelays = this.relays.subscribe(() => this.connect());
    if (typeof window !== 'undefined') {
      window.addEventListener('online', this.onOnline);
      window.addEventListener('offline', this.onOffline);
    }
    this.connect();
  }

  /** The relay this document uses now (the link's choice). */
  get relay(): KnownRelay {
    return this.relays.current;
  }

  /**
   * (Re)connects to the link's current relay with the current token; the previous provider,
   * if any, is dropped first and its late events are ignored (they are not news about a relay).
   */
  private connect(): void {
    if (this.destroyed) return;
    const relay = this.relays.current;
    this.clearAttempt();
    this.provider?.destroy();
    this.provider = null;
    const moved = this.state.relayUrl !== null && this.state.relayUrl !== relay.url;
    const refused = this.state.link === 'refused' && !moved;
    this.setState({
      relayUrl: relay.url,
      ...(moved ? { via: null, refusal: null, refusalReason: null } : {}),
      link: refused ? 'refused' : this.networkUp ? 'connecting' : 'offline',
    });
    const provider = new WebsocketProvider(relay.url, this.name, this.doc, {
      params: { token: this.options.token },
      awareness: this.awareness,
      connect: this.networkUp,
      // Other tabs' sync step 1 would be mistaken for the server's stored state.
      disableBc: true,
      maxBackoffTime: 2000,
      ...(this.options.WebSocketPolyfill ? { WebSocketPolyfill: this.options.WebSocketPolyfill } : {}),
    });
    const original = provider.messageHandlers[MessageType.sync];
    provider.messageHandlers[MessageType.sync] = (encoder, decoder, p, emitSynced, messageType) => {
      if (this.provider !== provider) return original(encoder, decoder, p, emitSynced, messageType);
      const peek = decoding.clone(decoder);
      if (decoding.readVarUint(peek) === SyncType.step1) this.onStoredStateVector(Y.decodeStateVector(decoding.readVarUint8Array(peek)));
      original(encoder, decoder, p, emitSynced, messageType);
    };
    // First full sync with the server (its sync step 2 applied): `whenServerSynced`.
    provider.on('sync', (isSynced: boolean) => {
      if (isSynced && this.provider === provider) this.markServerSynced();
    });
    provider.on('status', ({ status }) => {
      if (this.provider !== provider) return;
      this.clearAttempt();
      if (status === 'connecting') this.watchAttempt(provider, relay);
      if (status === 'connected') {
        this.setState({ link: 'online', refusal: null, refusalReason: null, via: relay.guessed ? this.state.via : relay.kind });
        if (relay.guessed) void this.detectServerKind(relay);
        this.relays.report(relay.url, 'connected');
      } else if (status === 'connecting') {
        this.setState({ link: this.state.link === 'refused' ? 'refused' : 'connecting' });
      } else {
        this.setState({ link: this.state.link === 'refused' ? 'refused' : 'offline' });
      }
    });
    provider.on('connection-close', (event) => {
      if (this.provider !== provider) return;
      if (event && closeAction(event.code) !== 'retry')
        this.setState({ link: 'refused', refusal: `${event.code} ${event.reason}`.trim(), refusalReason: parseCloseReason(event.reason) });
      // The relay did not answer (or went away). A refusal is an answer; a socket this device
      // closed itself (no network) says nothing about the relay.
      else if (this.networkUp && provider.shouldConnect) this.relays.report(relay.url, 'connect-failed');
    });
    this.provider = provider;
    // The first attempt's 'connecting' was emitted inside the constructor, before the listener.
    if (provider.wsconnecting) this.watchAttempt(provider, relay);
  }

  private watchAttempt(provider: WebsocketProvider, relay: KnownRelay): void {
    this.clearAttempt();
    if (!this.networkUp) return;
    this.attemptTimer = setTimeout(() => {
      this.attemptTimer = null;
      if (this.provider === provider && !provider.wsconnected && this.networkUp) this.relays.report(relay.url, 'connect-failed');
    }, this.options.connectTimeoutMs ?? 10_000);
  }

  /**
   * Reconnects with a new token (a renewed device token). The document, its IndexedDB copy and
   * everything not yet stored stay as they are: the new connection's sync step 1 sends the
   * server what it lacks, exactly as after any reconnect. A refusal of the old token is cleared.
   */
  setToken(token: string): void {
    if (token === this.options.token) return;
    this.options = { ...this.options, token };
    if (this.destroyed) return;
    if (!this.provider) return; // not connected yet: open() uses the new token
    if (this.state.link === 'refused') this.setState({ link: 'connecting', refusal: null, refusalReason: null });
    // A new provider to the same relay: the old socket's close is then not mistaken for the relay going away.
    this.connect();
  }

  private clearAttempt(): void {
    if (this.attemptTimer !== null) clearTimeout(this.attemptTimer);
    this.attemptTimer = null;
  }

  /** The token this document connects with. */
  get token(): string {
    return this.options.token;
  }

  /**
   * The browser's online/offline events: it knows the network is gone long before the socket
   * times out (30 s in y-websocket), and reconnecting at once on `online` skips the backoff.
   */
  setNetwork(online: boolean): void {
    this.networkUp = online;
    if (online) {
      this.provider?.connect();
    } else {
      this.clearAttempt();
      this.provider?.disconnect();
      this.setState({ link: this.state.link === 'refused' ? 'refused' : 'offline' });
    }
  }

  private onStoredStateVector(sv: StateVector): void {
    // Merge (max per client): another server may have stored less, but what one stored stays stored.
    const merged = new Map(this.state.stored ?? []);
    for (const [client, clock] of sv) merged.set(client, Math.max(clock, merged.get(client) ?? 0));
    this.storage.setItem(this.key('stored'), encodeStateVectorBase64(merged));
    this.setState({ stored: merged });
    this.recount(true);
  }

  /** `fromServer`: a stored-state report just arrived, so "everything stored" is news now. */
  private recount(fromServer = false): void {
    const local = Y.decodeStateVector(Y.encodeStateVector(this.doc));
    const pending = pendingChanges(local, this.state.stored, this.ownClients);
    let lastAllStoredAt = this.state.lastAllStoredAt;
    if (fromServer && pending === 0) {
      lastAllStoredAt = this.now();
      this.storage.setItem(this.key('lastAllStoredAt'), String(lastAllStoredAt));
    }
    if (pending !== this.state.pending) this.storage.setItem(this.key('pending'), String(pending));
    this.setState({ pending, lastAllStoredAt });
  }

  /** From the last count saved on this device: could this document hold unsent changes? */
  static mayHavePending(name: string, storage: Storage = localStorage): boolean {
    return Number(storage.getItem(`kiosk.sync.${name}.pending`) ?? '0') > 0;
  }

  /** For a relay of unknown kind (the page's own server, never told): a relay with an upstream is a LAN box. */
  private async detectServerKind(relay: KnownRelay): Promise<void> {
    try {
      const response = await fetch(new URL('/readyz', this.options.serverUrl), { cache: 'no-store' });
      const body = (await response.json()) as { upstream?: unknown };
      if (this.relays.current.url === relay.url) this.setState({ via: body.upstream ? 'box' : 'cloud' });
    } catch {
      // Unknown: keep the last answer.
    }
  }

  getState(): DocSyncState {
    return this.state;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setState(patch: Partial<DocSyncState>): void {
    const next = { ...this.state, ...patch };
    const changed = (Object.keys(patch) as Array<keyof DocSyncState>).some((k) => next[k] !== this.state[k]);
    if (!changed) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    this.clearAttempt();
    this.unsubscribeRelays?.();
    if (this.ownRelays) this.relays.close();
    if (typeof window !== 'undefined') {
      window.removeEventListener('online', this.onOnline);
      window.removeEventListener('offline', this.onOffline);
    }
    this.provider?.destroy();
    await this.idb.destroy();
    this.doc.destroy();
  }

  private key(what: string): string {
    return `kiosk.sync.${this.name}.${what}`;
  }

  private readJson<T>(what: string): T | null {
    try {
      const raw = this.storage.getItem(this.key(what));
      return raw ? (JSON.parse(raw) as T) : null;
    } catch {
      return null;
    }
  }
}

function safeDecode(text: string): StateVector | null {
  try {
    return decodeStateVectorBase64(text);
  } catch {
    return null;
  }
}
