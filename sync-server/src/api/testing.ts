/**
 * Test harness for the API: the real sync-server (relay + HTTP) on port 0 over a real store
 * (PGlite or PostgreSQL), with `createApi` mounted at /api, and `fetch`.
 */
import type { KioskDatabase } from '@kiosk/projector/db';
import { startTestRelay, TEST_SECRET, type TestRelay } from '../testing';
import { createApi, type ApiDeps } from './index';

export { TEST_SECRET };

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export interface ApiServer {
  url: string;
  relay: TestRelay;
  call<T = any>(method: string, path: string, options?: { token?: string; body?: unknown; raw?: string }): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

/** Starts the sync-server with the API mounted; `close()` stops it (the store stays open). */
export async function startApiServer(deps: Omit<ApiDeps, 'secret' | 'relay'> & { store: KioskDatabase }): Promise<ApiServer> {
  const relay = await startTestRelay({
    store: deps.store,
    mountApi: (app, r) => app.use('/api', createApi({ ...deps, secret: TEST_SECRET, relay: r })),
  });
  return {
    url: relay.url,
    relay,
    call: (method, path, options) => callApi(relay.url, method, path, options),
    close: () => relay.close(),
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
