/**
 * HTTP hardening against a real server on port 0 over PGlite and PostgreSQL: the security
 * headers on every class of route, HSTS only under TLS (a real TLS listener with a certificate
 * made here, and X-Forwarded-Proto from a trusted proxy), `trust proxy`, the /metrics gate,
 * /readyz without error text, malformed addresses and bodies → 400, and no cross-tenant email probe.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generate } from 'selfsigned';
import { testDatabaseTargets } from '@kiosk/store/testing';
import type { KioskDatabase } from '@kiosk/store';
import { createHttpApp } from './http';
import { createOfficeApi } from './office';
import { clientAddress, parseTrustProxy } from './security-headers';
import { callApi, seedTestTenant, TEST_SECRET } from './testing/office-fixtures';
import { startTestRelay, type TestRelay } from './testing/start-test-relay';

/** Written out, not imported: the test pins the policy browsers receive. */
const EXPECTED_CSP =
  "default-src 'self';script-src 'self' 'wasm-unsafe-eval';style-src 'self';img-src 'self' data: blob:;font-src 'self';" +
  "connect-src 'self' ws: wss:;worker-src 'self';manifest-src 'self';frame-ancestors 'none';object-src 'none';base-uri 'self';form-action 'self'";

const METRICS_TOKEN = 'metrics-token-for-the-test-0123456789';

function expectSecurityHeaders(headers: Headers, where: string): void {
  expect(headers.get('content-security-policy'), where).toBe(EXPECTED_CSP);
  expect(headers.get('x-content-type-options'), where).toBe('nosniff');
  expect(headers.get('referrer-policy'), where).toBe('no-referrer');
  expect(headers.get('x-frame-options'), where).toBe('DENY');
  expect(headers.get('x-powered-by'), where).toBeNull();
}

/** Raw request over http(s), headers as given (fetch would refuse a self-signed certificate or rewrite the path). */
function rawGet(
  url: string,
  options: { path: string; headers?: Record<string, string>; ca?: string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      { host: u.hostname, port: u.port, path: options.path, method: 'GET', headers: options.headers, ca: options.ca, servername: 'localhost' },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe.each(testDatabaseTargets())('HTTP security on $name', (target) => {
  let store: KioskDatabase;
  let dist: string;
  /** Default settings: no trust proxy, no metrics token. */
  let plain: TestRelay;
  /** Behind a trusted loopback proxy, with a metrics token. */
  let proxied: TestRelay;
  const logged: string[] = [];

  beforeAll(async () => {
    store = await target.open();
    await seedTestTenant(store, 'acme', 'acme.test');
    await seedTestTenant(store, 'beta', 'beta.test');
    dist = await mkdtemp(path.join(tmpdir(), 'kiosk-dist-'));
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>kiosk</title>');
    await writeFile(path.join(dist, 'app.js'), 'console.log("app")');
    const mountApi = (app: import('express').Express, relay: import('./relay/relay').Relay) => {
      app.get('/api/test/ip', (req, res) => {
        res.json({ ip: req.ip, secure: req.secure });
      });
      app.use('/api', createOfficeApi({ store, secret: TEST_SECRET, relay, log: (m) => logged.push(m) }));
    };
    plain = await startTestRelay({ store, clientDist: dist, mountApi, log: (m) => logged.push(m) });
    proxied = await startTestRelay({ store, clientDist: dist, mountApi, trustProxy: parseTrustProxy('loopback'), metricsToken: METRICS_TOKEN });
  });
  afterAll(async () => {
    await proxied?.close();
    await plain?.close();
    await store?.close();
    await rm(dist, { recursive: true, force: true });
  });

  test('every class of route carries the headers: probes, metrics, API, API errors, static, SPA fallback, 404, malformed', async () => {
    const routes: Array<[string, RequestInit?]> = [
      ['/healthz'],
      ['/readyz'],
      ['/metrics'],
      ['/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"nobody@x.test","password":"x"}' }],
      ['/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' }],
      ['/api/outlets/main/devices'],
      ['/api/nope'],
      ['/app.js'],
      ['/index.html'],
      ['/office/reports'],
      ['/pos'],
      ['/metrics/nope'],
      ['/%E0%A4%A'],
    ];
    for (const [route, init] of routes) {
      const res = await fetch(`${plain.url}${route}`, init);
      await res.arrayBuffer();
      expect(res.status, route).toBeLessThan(500);
      expectSecurityHeaders(res.headers, route);
      expect(res.headers.get('strict-transport-security'), route).toBeNull();
    }
    // An express-level error answer is JSON, never an HTML page with a stack.
    const bad = await fetch(`${plain.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/application\/json/);
    expect(await bad.text()).not.toMatch(/<html|at .*\.js:\d+/i);
  });

  test('HSTS only under TLS: a real TLS listener, or X-Forwarded-Proto https from a trusted proxy', async () => {
    // Forwarded proto from an untrusted peer counts for nothing.
    const spoofed = await rawGet(plain.url, { path: '/healthz', headers: { 'x-forwarded-proto': 'https' } });
    expect(spoofed.headers['strict-transport-security']).toBeUndefined();
    const viaProxy = await rawGet(proxied.url, { path: '/healthz', headers: { 'x-forwarded-proto': 'https' } });
    expect(viaProxy.headers['strict-transport-security']).toBe('max-age=31536000');
    const plainViaProxy = await rawGet(proxied.url, { path: '/healthz', headers: { 'x-forwarded-proto': 'http' } });
    expect(plainViaProxy.headers['strict-transport-security']).toBeUndefined();

    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }],
    });
    const app = createHttpApp({ store, relay: plain.server.relay, metrics: plain.server.metrics, clientDist: dist });
    const tls = https.createServer({ key: pems.private, cert: pems.cert }, app);
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    try {
      const url = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
      for (const route of ['/healthz', '/pos', '/app.js', '/nope/%00']) {
        const res = await rawGet(url, { path: route, ca: pems.cert });
        expect(res.headers['strict-transport-security'], route).toBe('max-age=31536000');
        expect(res.headers['content-security-policy'], route).toBe(EXPECTED_CSP);
        expect(res.headers['x-frame-options'], route).toBe('DENY');
      }
    } finally {
      tls.closeAllConnections();
      await new Promise<void>((resolve) => tls.close(() => resolve()));
    }
  });

  test('trust proxy: req.ip is the forwarding client only from a trusted proxy; clientAddress agrees for raw upgrades', async () => {
    const forwarded = { 'x-forwarded-for': '203.0.113.7, 198.51.100.2' };
    const direct = JSON.parse((await rawGet(plain.url, { path: '/api/test/ip', headers: forwarded })).text);
    expect(direct.ip).toMatch(/127\.0\.0\.1$/);
    const behind = JSON.parse((await rawGet(proxied.url, { path: '/api/test/ip', headers: forwarded })).text);
    // loopback is trusted; 198.51.100.2 is not, so it is the client (never the spoofable left-most entry).
    expect(behind.ip).toBe('198.51.100.2');

    // The same answer for a raw request (what a WebSocket upgrade is).
    const seen: string[] = [];
    const probe = http.createServer((req, res) => {
      seen.push(clientAddress(req, false), clientAddress(req, parseTrustProxy('loopback')), clientAddress(req, parseTrustProxy('2')));
      res.end();
    });
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    try {
      await rawGet(`http://127.0.0.1:${(probe.address() as AddressInfo).port}`, { path: '/', headers: forwarded });
    } finally {
      await new Promise<void>((resolve) => probe.close(() => resolve()));
    }
    expect(seen[0]).toMatch(/127\.0\.0\.1$/);
    expect(seen[1]).toBe('198.51.100.2');
    expect(seen[2]).toBe('203.0.113.7');
  });

  test('parseTrustProxy: off, hop counts, names and CIDR lists; "true" and garbage refused', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('loopback, 10.0.0.0/8,::1')).toEqual(['loopback', '10.0.0.0/8', '::1']);
    expect(() => parseTrustProxy('true')).toThrow(/any client/);
    expect(() => parseTrustProxy('loopback,10.0.0.0/99')).toThrow(/10\.0\.0\.0\/99/);
    expect(() => parseTrustProxy('proxy.example')).toThrow(/not an IP/);
  });

  test('/metrics: loopback only without a token (a forwarded request is not loopback); Bearer token when configured', async () => {
    expect((await rawGet(plain.url, { path: '/metrics' })).text).toContain('kiosk_relay_connections');
    const forwardedToLoopback = await rawGet(plain.url, { path: '/metrics', headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(forwardedToLoopback.status).toBe(404);
    expect(forwardedToLoopback.text).not.toContain('kiosk_');

    // With a token: no token, a wrong one → 401 (also from loopback); the right one → 200.
    const none = await rawGet(proxied.url, { path: '/metrics' });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await rawGet(proxied.url, { path: '/metrics', headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const ok = await rawGet(proxied.url, { path: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}`, 'x-forwarded-for': '203.0.113.7' } });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('kiosk_relay_connections');
    expect(ok.headers['content-security-policy']).toBe(EXPECTED_CSP);
  });

  test("/metrics carries the relay's memory figures (memoryStats) as gauges, behind the same token", async () => {
    const ok = await rawGet(proxied.url, { path: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    for (const name of [
      'kiosk_relay_awareness_states',
      'kiosk_relay_awareness_meta_entries',
      'kiosk_relay_awareness_owned_ids',
      'kiosk_relay_awareness_tombstones',
      'kiosk_relay_awareness_dropped_entries',
      'kiosk_relay_buffered_bytes',
      'kiosk_relay_lagging_readers',
      'kiosk_relay_slow_readers_terminated',
      'kiosk_relay_pending_upgrades',
    ])
      expect(ok.text).toMatch(new RegExp(`^# TYPE ${name} gauge$[\\s\\S]*^${name} \\d+$`, 'm'));
    expect(ok.text).toMatch(/^kiosk_relay_upgrades_refused\{status="429"\} \d+$/m);
    expect(ok.text).toMatch(/^kiosk_relay_upgrades_refused\{status="503"\} \d+$/m);
    expect((await rawGet(proxied.url, { path: '/metrics' })).text).not.toContain('kiosk_relay_awareness_states');
  });

  test('malformed addresses and bodies are 400 with a named field, never 500 or HTML', async () => {
    const login = await callApi(plain.url, 'POST', '/api/auth/login', { body: { email: 'owner@acme.test', password: 'demo1234' } });
    expect(login.status, login.text).toBe(200);
    const token = login.body.accessToken as string;
    const cases: Array<[string, string, Record<string, unknown>]> = [
      ['GET', '/api/outlets/main%00/devices', { field: 'url' }],
      ['GET', '/api/outlets/%C3%28/devices', { field: 'url' }],
      ['GET', '/api/outlets/%E0%A4%A/devices', { field: 'url' }],
      ['GET', '/api/outlets/main/orders?from=%00', { field: 'query' }],
      ['GET', '/api/outlets/main/orders?q=%FF', { field: 'query' }],
      ['GET', '/pos/%00', { field: 'url' }],
      ['GET', '/%C0%AE%C0%AE/etc/passwd', { field: 'url' }],
    ];
    for (const [method, route, error] of cases) {
      const res = await callApi(plain.url, method, route, { token });
      expect(res.status, `${route}: ${res.text}`).toBe(400);
      expect(res.body.error, route).toMatchObject({ code: 'bad_request', ...error });
    }
    const bodies: Array<[string, string]> = [
      ['{"email":"a\\u0000@acme.test","password":"x"}', 'body.email'],
      ['{"email":"a\\ud800@acme.test","password":"x"}', 'body.email'],
      ['{"email":"owner@acme.test","password":"x","\\u0000":1}', 'body'],
    ];
    for (const [raw, field] of bodies) {
      const res = await callApi(plain.url, 'POST', '/api/auth/login', { raw });
      expect(res.status, raw).toBe(400);
      expect(res.body.error, raw).toMatchObject({ code: 'bad_request', field });
    }
    // Bytes that are not UTF-8 at all.
    const bytes = Buffer.concat([Buffer.from('{"email":"'), Buffer.from([0xc3, 0x28]), Buffer.from('@acme.test","password":"x"}')]);
    const res = await fetch(`${plain.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bytes });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'bad_request', field: 'body' } });
    expect(logged.filter((m) => m.includes('unexpected'))).toEqual([]);
  });
  test('POST /api/users does not tell whether an email has an account in another tenant; sign-in asks for the organisation only when the password fits two', async () => {
    const owner = (await callApi(plain.url, 'POST', '/api/auth/login', { body: { email: 'owner@acme.test', password: 'demo1234' } })).body
      .accessToken as string;
    const create = (email: string, password = 'demo1234') =>
      callApi(plain.url, 'POST', '/api/users', { token: owner, body: { email, name: 'New', password, role: 'manager', outlets: ['main'] } });
    // An address of another tenant and an unknown one get the same answer.
    const elsewhere = await create('manager@beta.test');
    const unknown = await create('nobody-yet@beta.test', 'another-password');
    expect(elsewhere.status, elsewhere.text).toBe(201);
    expect(unknown.status, unknown.text).toBe(201);
    expect(Object.keys(elsewhere.body.user).sort()).toEqual(Object.keys(unknown.body.user).sort());
    // Within the tenant it is still one account per address.
    const again = await create('manager@beta.test');
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'conflict', field: 'email' });
    expect(again.body.error.message).toMatch(/your organisation/);

    // manager@beta.test now has accounts in acme and beta, both with password demo1234.
    const login = (body: Record<string, unknown>) => callApi(plain.url, 'POST', '/api/auth/login', { body: { email: 'manager@beta.test', ...body } });
    const ambiguous = await login({ password: 'demo1234' });
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.error).toMatchObject({ code: 'ambiguous_account', field: 'tenant' });
    const intoAcme = await login({ password: 'demo1234', tenant: 'acme' });
    expect(intoAcme.status, intoAcme.text).toBe(200);
    expect(intoAcme.body.user.tenant).toBe('acme');
    const intoBeta = await login({ password: 'demo1234', tenant: 'BETA' });
    expect(intoBeta.body.user.tenant).toBe('beta');
    // A wrong password says nothing about how many accounts there are: the same 401 as an unknown address.
    const wrong = await login({ password: 'not-it' });
    const nobody = await callApi(plain.url, 'POST', '/api/auth/login', { body: { email: 'nobody@nowhere.test', password: 'not-it' } });
    expect([wrong.status, nobody.status]).toEqual([401, 401]);
    expect(wrong.body).toEqual(nobody.body);
    // The organisation of another account with a right password elsewhere is still a 401.
    expect((await login({ password: 'demo1234', tenant: 'gamma' })).status).toBe(401);
    // The database itself refuses a second account of one tenant under one address.
    await expect(
      store.db
        .insertInto('users')
        .values({ id: 'dup', tenant_id: 'acme', email: 'manager@beta.test', name: 'dup', role: 'manager', password_hash: 'x' })
        .execute(),
    ).rejects.toThrow(/unique|duplicate/i);
  });
});

describe('the relay upgrade gate keys on the trust-proxy client address', () => {
  /** A raw upgrade with no token that never answers the relay's close frame (it keeps its pending slot). */
  function hangingUpgrade(port: number, forwardedFor: string): Promise<{ status: string; socket: net.Socket }> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(
          `GET /sync/demo/main HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nX-Forwarded-For: ${forwardedFor}\r\n\r\n`,
        );
      });
      socket.once('data', (chunk: Buffer) => resolve({ status: chunk.toString('latin1').split('\r\n')[0], socket }));
      socket.once('error', reject);
    });
  }

  test('behind a trusted proxy, one forwarded client at its limit does not block another', async () => {
    const relay = await startTestRelay({ trustProxy: parseTrustProxy('loopback'), limits: { maxPendingUpgradesPerIp: 1 } });
    const sockets: net.Socket[] = [];
    try {
      const first = await hangingUpgrade(relay.server.port, '203.0.113.1');
      sockets.push(first.socket);
      expect(first.status).toBe('HTTP/1.1 101 Switching Protocols');
      const again = await hangingUpgrade(relay.server.port, '203.0.113.1');
      sockets.push(again.socket);
      expect(again.status).toBe('HTTP/1.1 429 Too Many Requests');
      const other = await hangingUpgrade(relay.server.port, '203.0.113.2');
      sockets.push(other.socket);
      expect(other.status).toBe('HTTP/1.1 101 Switching Protocols');
    } finally {
      for (const s of sockets) s.destroy();
      await relay.close();
    }
  });
});

describe.each(testDatabaseTargets())('/readyz without error text on $name', (target) => {
  test('the database going away is 503 with flags only; the detail goes to the log', async () => {
    const store = await target.open();
    const logged: string[] = [];
    const relay = await startTestRelay({ store, log: (m) => logged.push(m) });
    try {
      expect((await fetch(`${relay.url}/readyz`)).status).toBe(200);
      await store.close();
      const down = await fetch(`${relay.url}/readyz`);
      const text = await down.text();
      expect(down.status).toBe(503);
      expect(JSON.parse(text)).toEqual({ status: 'not ready', database: false, migrations: false });
      expectSecurityHeaders(down.headers, '/readyz');
      const detail = logged.find((m) => m.startsWith('readiness check failed: '));
      expect(detail).toBeDefined();
      expect(text).not.toContain(detail!.slice('readiness check failed: '.length));
    } finally {
      await relay.close().catch(() => {});
    }
  });
});
