/**
 * Test harness for the API: the real sync-server (relay + HTTP) on port 0 over a real store
 * (PGlite or PostgreSQL), with `createOfficeApi` mounted at /api, and `fetch`.
 */
import type { KioskDatabase } from '@kiosk/store';
import { startTestRelay, TEST_SECRET, type TestRelay } from './start-test-relay';
import type { SyncServerOptions } from '../server';
import { hashPassword } from '../office/auth/passwords';
import { createOfficeApi, type ApiDeps } from '../office';

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
  call<T = any>(method: string, path: string, options?: CallOptions): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

/** Starts the sync-server with the API mounted; `close()` stops it (the store stays open). */
export async function startApiServer(
  deps: Omit<ApiDeps, 'secret' | 'relay'> & { store: KioskDatabase },
  /** Options of the relay under the API, e.g. `{ now }` to share the API's injected clock. */
  relayOptions: Partial<SyncServerOptions> = {},
): Promise<ApiServer> {
  const { store, ...apiDeps } = deps;
  const relay = await startTestRelay({
    ...relayOptions,
    store,
    mountApi: (app, r) => app.use('/api', createOfficeApi({ ...apiDeps, store, secret: TEST_SECRET, relay: r })),
  });
  return {
    url: relay.url,
    relay,
    call: (method, path, options) => callApi(relay.url, method, path, options),
    close: () => relay.close(),
  };
}

/** `headers` are sent as given (e.g. `cookie`, `origin`). */
export interface CallOptions {
  token?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export async function callApi<T = any>(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
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
 * A tenant with outlet `main` (Asia/Jakarta, IDR), an owner `owner@{domain}` and a manager
 * `manager@{domain}` (password `demo1234`), written straight into the tables.
 */
export async function seedTestTenant(store: KioskDatabase, tenant: string, domain: string): Promise<void> {
  await store.db.insertInto('tenants').values({ tenant_id: tenant, name: tenant }).execute();
  await store.db
    .insertInto('outlets')
    .values({ tenant_id: tenant, id: 'main', name: `${tenant} main`, time_zone: 'Asia/Jakarta', currency: 'IDR' })
    .execute();
  for (const role of ['owner', 'manager'] as const) {
    const id = `${tenant}-${role}`;
    await store.db
      .insertInto('users')
      .values({ id, tenant_id: tenant, email: `${role}@${domain}`, name: id, role, password_hash: await hashPassword('demo1234') })
      .execute();
    if (role === 'manager') await store.db.insertInto('user_outlets').values({ tenant_id: tenant, user_id: id, outlet_id: 'main' }).execute();
  }
}

/** Full settings for a test outlet (PATCH /settings body). */
export const TEST_SETTINGS = {
  name: 'Test Café',
  currency: 'IDR',
  locale: 'id-ID',
  timeZone: 'Asia/Jakarta',
  businessDayStart: '04:00',
  taxes: [{ id: 'pb1', name: 'PB1', rateBp: 1000, inclusive: false }],
  serviceCharge: { rateBp: 500, taxable: true },
  manualDiscountLimitBp: 1000,
  kitchenWarnSeconds: 300,
  kitchenLateSeconds: 600,
};

/** The `kiosk_refresh` cookie a response set: its value and attributes as sent, or undefined. */
export function refreshCookieOf(res: ApiResponse): { value: string; attributes: string[]; raw: string } | undefined {
  for (const raw of res.headers.getSetCookie()) {
    const [pair = '', ...attributes] = raw.split(';').map((p) => p.trim());
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq) !== 'kiosk_refresh') continue;
    return { value: decodeURIComponent(pair.slice(eq + 1)), attributes, raw };
  }
  return undefined;
}

/** Headers a same-origin back-office page sends to /api/auth/refresh and /logout with its cookie. */
export function cookieHeaders(api: { url: string }, refreshToken: string, origin: string = api.url): Record<string, string> {
  return { cookie: `kiosk_refresh=${encodeURIComponent(refreshToken)}`, origin };
}
