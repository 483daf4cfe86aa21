/**
 * Test harness for the API: a real store (PGlite or PostgreSQL), the API mounted on a real
 * HTTP server on port 0, and `fetch`. Used by the API's own tests and open to others.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import * as Y from 'yjs';
import { appendUpdates, type KioskDatabase } from '@kiosk/projector/db';
import { loadDocFromLog } from '../cli/seed';
import type { RelayPort } from './relay-port';
import { createApi, type ApiDeps } from './index';

export const TEST_SECRET = 'test-secret-0123456789abcdef';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export interface ApiClient {
  url: string;
  call<T = any>(method: string, path: string, options?: { token?: string; body?: unknown; raw?: string }): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

/** Serves `createApi` on 127.0.0.1:0 under /api. */
export async function serveApi(deps: Omit<ApiDeps, 'secret'> & { secret?: string; relay: RelayPort; store: KioskDatabase }): Promise<ApiClient> {
  const app = express();
  app.use('/api', createApi({ secret: TEST_SECRET, ...deps }));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    call: (method, path, options) => callApi(url, method, path, options),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export async function callApi<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) {
    headers['content-type'] = 'application/json';
    body = options.raw;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('application/json') && text) parsed = JSON.parse(text);
  return { status: res.status, body: parsed as T, headers: res.headers, text };
}

/**
 * A relay port over the update log alone (no sockets): reads a document by replaying the
 * log, writes by appending the edit's update attributed to the actor. For tests that need
 * the document side of the API but no connected devices; `disconnected` records what a real
 * relay would have cut.
 */
export function logRelayPort(store: KioskDatabase): RelayPort & { disconnected: Array<{ deviceId?: string; tokenId?: string }> } {
  const disconnected: Array<{ deviceId?: string; tokenId?: string }> = [];
  return {
    disconnected,
    getDoc: (docName) => loadDocFromLog(store, docName),
    async transactDoc(docName, actor, fn) {
      const doc = await loadDocFromLog(store, docName);
      const updates: Uint8Array[] = [];
      doc.on('update', (u: Uint8Array) => updates.push(u));
      doc.transact(() => fn(doc));
      if (updates.length) await appendUpdates(store.db, [{ docName, update: Y.mergeUpdates(updates), deviceId: actor.deviceId, origin: 'api-test' }]);
      doc.destroy();
    },
    disconnect(target) {
      disconnected.push(target);
      return 0;
    },
  };
}
