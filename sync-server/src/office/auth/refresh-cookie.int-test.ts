/**
 * The back-office refresh token in the `kiosk_refresh` cookie, over a real sync-server on PGlite
 * and PostgreSQL: its attributes (httpOnly, SameSite=Strict, Path=/api/auth, Secure only under
 * TLS), refresh by cookie, the Origin check (same origin or configured ones; a foreign or missing
 * Origin is 403 `origin_refused`), a refresh token in the body is ignored, logout clears the
 * cookie, and CORS for these routes never says `*` with credentials.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { cookieHeaders, refreshCookieOf, seedTestTenant, startApiServer, type ApiServer } from '../../testing/office-fixtures';

const TRUSTED = 'https://office.example.com';
const FOREIGN = 'https://evil.example.net';

describe.each(testDatabaseTargets())('refresh cookie on $name', (target) => {
  let store: KioskDatabase;
  let api: ApiServer;

  async function login(email = 'owner@demo.kiosk', headers: Record<string, string> = {}) {
    const res = await api.call('POST', '/api/auth/login', { body: { email, password: 'demo1234' }, headers });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const cookie = refreshCookieOf(res);
    expect(cookie).toBeDefined();
    return { res, accessToken: res.body.accessToken as string, refreshToken: cookie!.value, cookie: cookie! };
  }

  beforeAll(async () => {
    store = await target.open();
    await seedTestTenant(store, 'demo', 'demo.kiosk');
    api = await startApiServer({ store, allowedOrigins: [TRUSTED] });
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await store?.close();
  });

  test('sign-in sets kiosk_refresh httpOnly, SameSite=Strict, Path=/api/auth; not Secure over plain HTTP; the body has no refresh token', async () => {
    const { res, cookie } = await login();
    expect(res.body.refreshToken).toBeUndefined();
    expect(res.body.refreshExpiresAt).toBeGreaterThan(Date.now());
    const attributes = cookie.attributes.map((a) => a.toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=strict');
    expect(attributes).toContain('path=/api/auth');
    expect(attributes.some((a) => a.startsWith('max-age='))).toBe(true);
    expect(attributes).not.toContain('secure');
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{40,}$/);
  });

  test('Secure under TLS (X-Forwarded-Proto from a trusted proxy)', async () => {
    const behindProxy = await startApiServer({ store }, { trustProxy: ['loopback'] });
    try {
      const res = await behindProxy.call('POST', '/api/auth/login', {
        body: { email: 'owner@demo.kiosk', password: 'demo1234' },
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(res.status).toBe(200);
      expect(refreshCookieOf(res)!.attributes.map((a) => a.toLowerCase())).toContain('secure');
    } finally {
      await behindProxy.close();
    }
  });

  test('refresh by cookie from the same origin rotates the cookie; the new access token works', async () => {
    const first = await login();
    const refreshed = await api.call('POST', '/api/auth/refresh', { headers: cookieHeaders(api, first.refreshToken) });
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    expect(refreshed.body.refreshToken).toBeUndefined();
    const next = refreshCookieOf(refreshed)!;
    expect(next.value).not.toBe(first.refreshToken);
    expect(next.attributes.map((a) => a.toLowerCase())).toContain('httponly');
    expect((await api.call('GET', '/api/auth/me', { token: refreshed.body.accessToken })).status).toBe(200);
  });

  test('a configured origin may refresh and gets its own name back with credentials, never *', async () => {
    const first = await login();
    const refreshed = await api.call('POST', '/api/auth/refresh', { headers: cookieHeaders(api, first.refreshToken, TRUSTED) });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get('access-control-allow-origin')).toBe(TRUSTED);
    expect(refreshed.headers.get('access-control-allow-credentials')).toBe('true');
    const preflight = await fetch(`${api.url}/api/auth/refresh`, { method: 'OPTIONS', headers: { origin: TRUSTED } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(TRUSTED);
    const foreignPreflight = await fetch(`${api.url}/api/auth/refresh`, { method: 'OPTIONS', headers: { origin: FOREIGN } });
    expect(foreignPreflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreignPreflight.headers.get('access-control-allow-credentials')).toBeNull();
    // Sign-in from anywhere else stays possible, but without credentials (the browser ignores its cookie).
    const foreignLogin = await api.call('POST', '/api/auth/login', { body: { email: 'owner@demo.kiosk', password: 'demo1234' }, headers: { origin: FOREIGN } });
    expect(foreignLogin.headers.get('access-control-allow-origin')).toBe('*');
    expect(foreignLogin.headers.get('access-control-allow-credentials')).toBeNull();
    // Bearer-only routes keep `*` (and never allow credentials).
    const outlets = await api.call('GET', '/api/outlets', { token: refreshed.body.accessToken, headers: { origin: FOREIGN } });
    expect(outlets.headers.get('access-control-allow-origin')).toBe('*');
    expect(outlets.headers.get('access-control-allow-credentials')).toBeNull();
  });

  test('a foreign or missing Origin is refused with origin_refused, and the cookie stays usable', async () => {
    const { refreshToken } = await login();
    const foreign = await api.call('POST', '/api/auth/refresh', { headers: cookieHeaders(api, refreshToken, FOREIGN) });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error).toMatchObject({ code: 'origin_refused', field: 'origin' });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const none = await api.call('POST', '/api/auth/refresh', { headers: { cookie: `kiosk_refresh=${refreshToken}` } });
    expect(none.status).toBe(403);
    expect(none.body.error.code).toBe('origin_refused');
    // Nothing was consumed: the real page still refreshes with it.
    expect((await api.call('POST', '/api/auth/refresh', { headers: cookieHeaders(api, refreshToken) })).status).toBe(200);
  });

  test('a refresh token in the body is ignored: without the cookie the answer is 401', async () => {
    const { refreshToken } = await login();
    const res = await api.call('POST', '/api/auth/refresh', { body: { refreshToken }, headers: { origin: api.url } });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/cookie/);
    // And it was not consumed either.
    expect((await api.call('POST', '/api/auth/refresh', { headers: cookieHeaders(api, refreshToken) })).status).toBe(200);
  });

  test('logout revokes the sign-in, clears the cookie, and checks the Origin', async () => {
    const session = await login();
    const foreign = await api.call('POST', '/api/auth/logout', { token: session.accessToken, headers: cookieHeaders(api, session.refreshToken, FOREIGN) });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('origin_refused');
    expect((await api.call('GET', '/api/auth/me', { token: session.accessToken })).status).toBe(200);

    const out = await api.call('POST', '/api/auth/logout', { token: session.accessToken, headers: cookieHeaders(api, session.refreshToken) });
    expect(out.status).toBe(204);
    const cleared = refreshCookieOf(out)!;
    expect(cleared.value).toBe('');
    const attributes = cleared.attributes.map((a) => a.toLowerCase());
    expect(attributes).toContain('path=/api/auth');
    expect(attributes.some((a) => a.startsWith('expires=thu, 01 jan 1970'))).toBe(true);
    expect((await api.call('GET', '/api/auth/me', { token: session.accessToken })).status).toBe(401);
    expect((await api.call('POST', '/api/auth/refresh', { headers: cookieHeaders(api, session.refreshToken) })).status).toBe(401);
  });
});
