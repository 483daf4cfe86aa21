/**
 * Test helpers: a real relay on port 0 over in-memory PGlite, tokens for any role, and stock
 * y-websocket clients (with `ws` as the WebSocket polyfill).
 *
 * ```ts
 * const relay = await startTestRelay();
 * const a = relay.client('demo/main/2026-11-22', await relay.tokenFor('terminal'));
 * await a.synced();
 * await relay.close();
 * ```
 */
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { connectDatabase, migrateToLatest, type KioskDatabase } from '@kiosk/store';
import { signToken, type Role, type SignTokenInput } from '../auth/tokens';
import { startSyncServer, type SyncServer, type SyncServerOptions } from '../server';

export const TEST_SECRET = 'test-secret-of-at-least-32-characters!';

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Close events seen (code, reason). */
  closes: Array<{ code: number; reason: string }>;
  /** Resolves when the provider is synced (rejects after `timeoutMs`). */
  synced(timeoutMs?: number): Promise<void>;
  destroy(): void;
}

export interface TestRelay {
  server: SyncServer;
  store: KioskDatabase;
  secret: string;
  /** http://127.0.0.1:port */
  url: string;
  /** ws://127.0.0.1:port/sync — the WebsocketProvider's serverUrl. */
  wsUrl: string;
  tokenFor(role: Role, opts?: Partial<SignTokenInput>): Promise<string>;
  /** A stock y-websocket client of `docName` with `token`. */
  client(docName: string, token: string, opts?: { doc?: Y.Doc; connect?: boolean }): TestClient;
  /** Closes clients made by `client`, the server, and the store if this helper opened it. */
  close(): Promise<void>;
}

export function openTestClient(wsUrl: string, docName: string, token: string, opts: { doc?: Y.Doc; connect?: boolean } = {}): TestClient {
  const doc = opts.doc ?? new Y.Doc();
  const closes: Array<{ code: number; reason: string }> = [];
  let destroyed = false;
  const provider = new WebsocketProvider(wsUrl, docName, doc, {
    params: { token },
    // The typings want the DOM WebSocket; `ws` implements the same surface for the provider.
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    connect: opts.connect ?? true,
    maxBackoffTime: 300,
  });
  provider.on('connection-close', (event) => {
    if (event) closes.push({ code: event.code, reason: event.reason });
  });
  return {
    doc,
    provider,
    closes,
    synced(timeoutMs = 10_000) {
      if (provider.synced) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`client of ${docName} not synced after ${timeoutMs} ms (closes: ${JSON.stringify(closes)})`)),
          timeoutMs,
        );
        const onSync = (state: boolean) => {
          if (!state) return;
          clearTimeout(timer);
          provider.off('sync', onSync);
          resolve();
        };
        provider.on('sync', onSync);
      });
    },
    destroy() {
      if (destroyed) return; // a test may end a client early; `close` ends the rest
      destroyed = true;
      provider.destroy();
      doc.destroy();
    },
  };
}

export async function startTestRelay(overrides: Partial<SyncServerOptions> = {}): Promise<TestRelay> {
  let ownStore: KioskDatabase | null = null;
  let store = overrides.store;
  if (!store) {
    ownStore = await connectDatabase({});
    await migrateToLatest(ownStore.db);
    store = ownStore;
  }
  const secret = typeof overrides.secret === 'string' ? overrides.secret : TEST_SECRET;
  // The documents of these tests are of fixed past days (2026-11-22 …): a century of grace keeps
  // them writable whatever the date. The window itself is tested with an injected clock.
  const dayWindow = { graceDays: 36_500, ...overrides.dayWindow };
  const server = await startSyncServer({ port: 0, host: '127.0.0.1', defaultMetrics: false, log: () => {}, ...overrides, store, secret, dayWindow });
  const clients = new Set<TestClient>();
  const wsUrl = `${server.url.replace(/^http/, 'ws')}/sync`;
  return {
    server,
    store,
    secret,
    url: server.url,
    wsUrl,
    tokenFor(role, opts = {}) {
      return signToken(secret, { tenant: 'demo', outlet: 'main', role, deviceId: `${role}-1`, ...opts });
    },
    client(docName, token, opts) {
      const c = openTestClient(wsUrl, docName, token, opts);
      clients.add(c);
      return c;
    },
    async close() {
      for (const c of clients) c.destroy();
      await server.close();
      if (ownStore) await ownStore.close();
    },
  };
}
