/**
 * One document on this device: a Y.Doc kept in IndexedDB (y-indexeddb) and synced through
 * the relay (y-websocket). The relay's sync step 1 messages carry the state vector of what it
 * has STORED; they are intercepted here to tell the user how many of this device's changes are
 * not yet on a server, and to never call an order "sent" before it is.
 */
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import { closeAction, MessageType, parseCloseReason, SyncType, type RefusalReason } from '@kiosk/shared';
import { decodeStateVectorBase64, encodeStateVectorBase64, pendingChanges, type StateVector } from './stored-state';

export type LinkState = 'offline' | 'connecting' | 'online' | 'refused';
export type ServerKind = 'lan' | 'cloud';

export interface DocSyncState {
  link: LinkState;
  /** Which kind of server the link goes to (a LAN box relays to the cloud). */
  via: ServerKind | null;
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
  /** `ws(s)://host/sync` */
  wsUrl: string;
  /** Plain http(s) base URL of the server, for `/readyz` (LAN box or cloud). */
  serverUrl: string;
  token: string;
  now?: () => number;
  storage?: Storage;
  /** Node tests pass `ws`; browsers use the global WebSocket. */
  WebSocketPolyfill?: typeof WebSocket;
}

export class DocSync {
  readonly doc = new Y.Doc();
  readonly name: string;
  private readonly idb: IndexeddbPersistence;
  private provider: WebsocketProvider | null = null;
  private readonly listeners = new Set<() => void>();
  private state: DocSyncState;
  private readonly storage: Storage;
  private readonly now: () => number;
  private readonly ownClients: Set<number>;
  private destroyed = false;
  private readonly onOnline = () => this.setNetwork(true);
  private readonly onOffline = () => this.setNetwork(false);

  constructor(private options: DocSyncOptions) {
    this.name = options.name;
    this.storage = options.storage ?? localStorage;
    this.now = options.now ?? Date.now;
    this.ownClients = new Set(this.readJson<number[]>('clients') ?? []);
    const storedText = this.storage.getItem(this.key('stored'));
    const lastAll = this.storage.getItem(this.key('lastAllStoredAt'));
    this.state = {
      link: 'offline',
      via: null,
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
    this.connect();
  }

  private connect(): void {
    const provider = new WebsocketProvider(this.options.wsUrl, this.name, this.doc, {
      params: { token: this.options.token },
      connect: typeof navigator === 'undefined' || navigator.onLine !== false,
      // Other tabs' sync step 1 would be mistaken for the server's stored state.
      disableBc: true,
      maxBackoffTime: 2000,
      ...(this.options.WebSocketPolyfill ? { WebSocketPolyfill: this.options.WebSocketPolyfill } : {}),
    });
    const original = provider.messageHandlers[MessageType.sync];
    provider.messageHandlers[MessageType.sync] = (encoder, decoder, p, emitSynced, messageType) => {
      const peek = decoding.clone(decoder);
      if (decoding.readVarUint(peek) === SyncType.step1) this.onStoredStateVector(Y.decodeStateVector(decoding.readVarUint8Array(peek)));
      original(encoder, decoder, p, emitSynced, messageType);
    };
    // First full sync with the server (its sync step 2 applied): `whenServerSynced`.
    provider.on('sync', (isSynced: boolean) => {
      if (isSynced) this.markServerSynced();
    });
    provider.on('status', ({ status }) => {
      if (status === 'connected') {
        this.setState({ link: 'online', refusal: null, refusalReason: null });
        void this.detectServerKind();
      } else if (status === 'connecting') {
        this.setState({ link: this.state.link === 'refused' ? 'refused' : 'connecting' });
      } else {
        this.setState({ link: this.state.link === 'refused' ? 'refused' : 'offline' });
      }
    });
    provider.on('connection-close', (event) => {
      if (event && closeAction(event.code) !== 'retry')
        this.setState({ link: 'refused', refusal: `${event.code} ${event.reason}`.trim(), refusalReason: parseCloseReason(event.reason) });
    });
    this.provider = provider;
    if (typeof window !== 'undefined') {
      window.addEventListener('online', this.onOnline);
      window.addEventListener('offline', this.onOffline);
    }
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
    const provider = this.provider;
    if (!provider) return; // not connected yet: open() uses the new token
    provider.params = { ...provider.params, token };
    if (this.state.link === 'refused') this.setState({ link: 'connecting', refusal: null, refusalReason: null });
    const online = typeof navigator === 'undefined' || navigator.onLine !== false;
    provider.disconnect();
    if (online) provider.connect();
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
    if (online) {
      this.provider?.connect();
    } else {
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

  private async detectServerKind(): Promise<void> {
    try {
      const response = await fetch(new URL('/readyz', this.options.serverUrl), { cache: 'no-store' });
      const body = (await response.json()) as { upstream?: unknown };
      this.setState({ via: body.upstream ? 'lan' : 'cloud' });
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
