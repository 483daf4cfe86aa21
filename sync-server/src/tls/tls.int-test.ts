/**
 * Real TLS on loopback: the box CA in a data directory, the certificate the server serves
 * (chain, names, renewal with an injected clock, re-issue on a changed address set, an
 * operator's certificate), HTTPS and WSS by the name `kiosk-box.test` (mapped to 127.0.0.1
 * with `lookup`; the CA trusted with `ca:`, never by switching verification off), plain HTTP
 * from loopback, the non-loopback rule through a trusted loopback proxy, HSTS only over TLS.
 */
import { X509Certificate } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { NetworkInterfaceInfo } from 'node:os';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { connectDatabase, migrateToLatest, type KioskDatabase } from '@kiosk/store';
import { parseTrustProxy } from '../security-headers';
import { startTestRelay, type TestRelay } from '../testing/start-test-relay';
import { createCa, issueServerCertificate, pemToDer } from './certificates';
import type { TlsOptions } from './box-tls';

const NAME = 'kiosk-box.test';
const DAY = 86_400_000;
/** The outlet document: a manager may write its `items`. */
const DOC = 'demo/main';

/** Resolves every name to 127.0.0.1: test traffic stays on loopback, the certificate is checked against the name. */
const toLoopback = ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
  if (options?.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
}) as unknown as LookupFunction;

/** A documentation-range address (RFC 5737) in the certificate only: nothing is sent to it. */
function iface(address: string): NodeJS.Dict<NetworkInterfaceInfo[]> {
  return { eth0: [{ address, family: 'IPv4', internal: false, netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: `${address}/24` }] };
}

interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function request(url: string, options: { ca?: string; headers?: Record<string, string>; method?: string } = {}): Promise<Got> {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      {
        host: u.hostname,
        port: u.port,
        path: `${u.pathname}${u.search}`,
        method: options.method ?? 'GET',
        headers: options.headers,
        ca: options.ca,
        lookup: toLoopback,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The certificate the server presents for `servername`, verified against `ca` by Node's own checks. */
function servedCertificate(port: number, ca: string, servername: string): Promise<tls.PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      { host: '127.0.0.1', port, ca, servername, checkServerIdentity: (_h, cert) => tls.checkServerIdentity(servername, cert) },
      () => {
        const cert = socket.getPeerCertificate(true);
        socket.end();
        resolve(cert);
      },
    );
    socket.on('error', reject);
  });
}

async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('TLS on the box', () => {
  let store: KioskDatabase;
  let dataDir: string;
  let dist: string;
  // The injected clock starts 61 days back, so that "61 days later" (renewal) is today: the TLS
  // clients below check validity against the real clock.
  let now = new Date(Date.now() - 61 * DAY);
  let address = '192.0.2.10';
  const relays: TestRelay[] = [];
  const boxTls = (): TlsOptions => ({
    mode: 'box',
    dataDir,
    extraNames: [NAME],
    now: () => now,
    hostname: () => 'kiosk-box',
    interfaces: () => iface(address),
    checkIntervalMs: 0,
  });
  const start = async (overrides: Parameters<typeof startTestRelay>[0] = {}) => {
    const relay = await startTestRelay({
      store,
      clientDist: dist,
      tls: boxTls(),
      mountApi: (app) => app.get('/api/test/whoami', (req, res) => res.json({ ip: req.ip, secure: req.secure })),
      ...overrides,
    });
    relays.push(relay);
    return relay;
  };

  beforeAll(async () => {
    store = await connectDatabase({});
    await migrateToLatest(store.db);
    dataDir = await mkdtemp(path.join(tmpdir(), 'kiosk-tls-'));
    dist = await mkdtemp(path.join(tmpdir(), 'kiosk-dist-'));
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>kiosk app</title>');
  });
  afterEach(async () => {
    for (const relay of relays.splice(0)) await relay.close();
  });
  afterAll(async () => {
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(dist, { recursive: true, force: true });
  });

  test('first start creates the CA (ca.key 0600); the served certificate chains to it and covers every name and address', async () => {
    const relay = await start();
    const caPem = await readFile(path.join(dataDir, 'tls', 'ca.pem'), 'utf8');
    expect((await stat(path.join(dataDir, 'tls', 'ca.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dataDir, 'tls', 'server.key'))).mode & 0o777).toBe(0o600);
    const server = relay.server.tls!;
    expect(server.caPem).toBe(caPem);
    expect(server.fingerprint).toBe(new X509Certificate(caPem).fingerprint256);
    expect(new X509Certificate(caPem).subject).toContain('CN=Kiosk POS box CA (kiosk-box)');
    expect(server.httpsUrls).toContain(`https://${NAME}:${relay.server.port}`);
    expect(server.httpsUrls).toContain(`https://192.0.2.10:${relay.server.port}`);

    for (const name of ['kiosk-box', 'kiosk-box.local', NAME, 'localhost']) {
      const cert = await servedCertificate(relay.server.port, caPem, name);
      expect(cert.issuer.CN).toBe('Kiosk POS box CA (kiosk-box)');
      expect(new X509Certificate(cert.raw).checkIssued(new X509Certificate(caPem))).toBe(true);
    }
    // Addresses: connecting to 127.0.0.1 by address is verified against the IP SAN.
    const byIp = await new Promise<tls.PeerCertificate>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: relay.server.port, ca: caPem }, () => {
        resolve(socket.getPeerCertificate());
        socket.end();
      });
      socket.on('error', reject);
    });
    for (const ip of ['127.0.0.1', '::1', '192.0.2.10']) expect(tls.checkServerIdentity(ip, byIp), ip).toBeUndefined();
    expect(byIp.subjectaltname).toContain(`DNS:${NAME}`);
  });

  test('a restart reuses the CA and the still-valid server certificate', async () => {
    const first = await start();
    const fingerprint = first.server.tls!.fingerprint;
    const served = first.server.tls!.current().cert;
    const caKey = await readFile(path.join(dataDir, 'tls', 'ca.key'), 'utf8');
    await first.close();
    relays.splice(0);
    const second = await start();
    expect(second.server.tls!.fingerprint).toBe(fingerprint);
    expect(second.server.tls!.current().cert).toBe(served);
    expect(await readFile(path.join(dataDir, 'tls', 'ca.key'), 'utf8')).toBe(caKey);
  });

  test('renewal before expiry (injected clock), swapped on the live server', async () => {
    const relay = await start();
    const { caPem } = relay.server.tls!;
    const before = await servedCertificate(relay.server.port, caPem!, NAME);
    const started = now;
    try {
      now = new Date(started.getTime() + 59 * DAY);
      expect(await relay.server.tls!.check()).toBe(false);
      now = new Date(started.getTime() + 61 * DAY);
      expect(await relay.server.tls!.check()).toBe(true);
      const after = await servedCertificate(relay.server.port, caPem!, NAME);
      expect(after.fingerprint256).not.toBe(before.fingerprint256);
      expect(new Date(after.valid_to).getTime()).toBeGreaterThan(new Date(before.valid_to).getTime() + 60 * DAY);
      expect(await relay.server.tls!.check()).toBe(false);
    } finally {
      now = started;
    }
  });

  test('a changed address set re-issues the certificate with the new address', async () => {
    const relay = await start();
    const { caPem } = relay.server.tls!;
    try {
      address = '192.0.2.11';
      expect(await relay.server.tls!.check()).toBe(true);
      const cert = await servedCertificate(relay.server.port, caPem!, NAME);
      expect(tls.checkServerIdentity('192.0.2.11', cert)).toBeUndefined();
      expect(tls.checkServerIdentity('192.0.2.10', cert)).toBeInstanceOf(Error);
      expect(relay.server.tls!.httpsUrls).toContain(`https://192.0.2.11:${relay.server.port}`);
    } finally {
      address = '192.0.2.10';
    }
  });

  test("an operator's certificate replaces the generated one; no CA to hand out", async () => {
    const opDir = await mkdtemp(path.join(tmpdir(), 'kiosk-op-'));
    try {
      const ca = await createCa({ hostname: 'operator', now: new Date() });
      const leaf = await issueServerCertificate({ ca, names: { dns: [NAME], ips: ['127.0.0.1'] }, now: new Date() });
      await writeFile(path.join(opDir, 'cert.pem'), leaf.certPem);
      await writeFile(path.join(opDir, 'key.pem'), leaf.keyPem, { mode: 0o600 });
      const relay = await start({ tls: { mode: 'operator', certFile: path.join(opDir, 'cert.pem'), keyFile: path.join(opDir, 'key.pem') } });
      const cert = await servedCertificate(relay.server.port, ca.certPem, NAME);
      expect(cert.fingerprint256).toBe(new X509Certificate(leaf.certPem).fingerprint256);
      expect(relay.server.tls!.caPem).toBeUndefined();
      const res = await request(`https://${NAME}:${relay.server.port}/setup/ca.pem`, { ca: ca.certPem });
      expect(res.status).not.toBe(200);
      await expect(start({ tls: { mode: 'operator', certFile: path.join(opDir, 'cert.pem'), keyFile: path.join(dataDir, 'tls', 'ca.key') } })).rejects.toThrow(
        /is not the key of/,
      );
    } finally {
      await rm(opDir, { recursive: true, force: true });
    }
  });

  test('HTTPS by name and plain HTTP from loopback serve the app; HSTS only over TLS; CA downloads', async () => {
    const relay = await start();
    const { caPem } = relay.server.tls!;
    const port = relay.server.port;
    const secure = await request(`https://${NAME}:${port}/pos`, { ca: caPem });
    expect(secure.status).toBe(200);
    expect(secure.body.toString()).toContain('kiosk app');
    expect(secure.headers['strict-transport-security']).toBe('max-age=31536000');
    const healthz = await request(`https://${NAME}:${port}/healthz`, { ca: caPem });
    expect(JSON.parse(healthz.body.toString())).toEqual({ status: 'ok' });
    // Over TLS express sees the real peer (rate limits, upgrade gate) and req.secure.
    const who = await request(`https://${NAME}:${port}/api/test/whoami`, { ca: caPem });
    expect(JSON.parse(who.body.toString())).toEqual({ ip: '127.0.0.1', secure: true });
    const whoPlain = await request(`http://127.0.0.1:${port}/api/test/whoami`);
    expect(JSON.parse(whoPlain.body.toString())).toEqual({ ip: '127.0.0.1', secure: false });

    const plain = await request(`http://127.0.0.1:${port}/pos`);
    expect(plain.status).toBe(200);
    expect(plain.body.toString()).toContain('kiosk app');
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    // Keep-alive over the first-byte switch: fetch reuses its connection for the second request.
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }

    const pem = await request(`http://127.0.0.1:${port}/setup/ca.pem`);
    expect(pem.headers['content-type']).toMatch(/^application\/x-pem-file/);
    expect(pem.body.toString()).toBe(caPem);
    const der = await request(`https://${NAME}:${port}/setup/ca.crt`, { ca: caPem });
    expect(der.headers['content-type']).toMatch(/^application\/x-x509-ca-cert/);
    expect(der.body.equals(pemToDer(caPem!))).toBe(true);
  });

  test('another device on plain HTTP (through a trusted loopback proxy): /setup and the CA only, everything else 308 to https', async () => {
    let seen: unknown = null;
    const relay = await start({
      trustProxy: parseTrustProxy('loopback'),
      setupPage: (info) => {
        seen = info;
        return `<p>setup ${info.caFingerprint}</p>`;
      },
    });
    const port = relay.server.port;
    const fromTablet = { 'x-forwarded-for': '192.0.2.50', host: `${NAME}:${port}` };
    const redirected = await request(`http://127.0.0.1:${port}/pos?table=4`, { headers: fromTablet });
    expect(redirected.status).toBe(308);
    expect(redirected.headers.location).toBe(`https://${NAME}:${port}/pos?table=4`);
    expect((await request(`http://127.0.0.1:${port}/api/auth/login`, { headers: fromTablet, method: 'POST' })).status).toBe(308);

    const setup = await request(`http://127.0.0.1:${port}/setup`, { headers: fromTablet });
    expect(setup.status).toBe(200);
    expect(setup.body.toString()).toBe(`<p>setup ${relay.server.tls!.fingerprint}</p>`);
    expect(seen).toEqual({ caPem: relay.server.tls!.caPem, caFingerprint: relay.server.tls!.fingerprint, httpsUrls: relay.server.tls!.httpsUrls });
    expect((await request(`http://127.0.0.1:${port}/setup/ca.crt`, { headers: fromTablet })).status).toBe(200);
    const css = await request(`http://127.0.0.1:${port}/setup/setup.css`, { headers: fromTablet });
    expect([css.status, css.headers['content-type']]).toEqual([200, 'text/css; charset=utf-8']);
    expect((await request(`http://127.0.0.1:${port}/setup/other`, { headers: fromTablet })).status).toBe(404);
    // The proxy says https: the app, with HSTS.
    const viaTlsProxy = await request(`http://127.0.0.1:${port}/pos`, { headers: { ...fromTablet, 'x-forwarded-proto': 'https' } });
    expect(viaTlsProxy.status).toBe(200);
    expect(viaTlsProxy.headers['strict-transport-security']).toBe('max-age=31536000');
    // A WebSocket from another device over plain HTTP is refused; it must use wss.
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/sync/${DOC}?token=x`, { headers: { 'x-forwarded-for': '192.0.2.50' } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
    expect(refused).toBe(403);
  });

  test("the default /setup page: the café owner's how-to in Bahasa Indonesia (English with ?lang=en), with the fingerprint and the CA download", async () => {
    const relay = await start({ trustProxy: parseTrustProxy('loopback') });
    const port = relay.server.port;
    const fromTablet = { 'x-forwarded-for': '192.0.2.50', host: `${NAME}:${port}` };
    const id = (await request(`http://127.0.0.1:${port}/setup`, { headers: fromTablet })).body.toString();
    expect(id).toContain('Unduh sertifikat');
    expect(id).toContain(relay.server.tls!.fingerprint.toUpperCase());
    expect(id).toContain('/setup/ca.crt');
    expect(id).toContain('<svg');
    // A tablet cannot use the box's loopback addresses: they are not offered.
    expect(id).toContain(`https://${NAME}:${port}`);
    expect(id).not.toContain(`https://127.0.0.1:${port}`);
    expect(id).not.toContain(`https://localhost:${port}`);
    const en = (await request(`http://127.0.0.1:${port}/setup?lang=en`, { headers: fromTablet })).body.toString();
    expect(en).toContain('Download certificate');
  });

  test('the relay over wss by name, and over ws from loopback: an edit crosses', async () => {
    const relay = await start();
    const { caPem } = relay.server.tls!;
    const token = await relay.tokenFor('manager', { deviceId: 'M-tls' });
    // y-websocket constructs `new WebSocketPolyfill(url)`: this one trusts the box CA and resolves to loopback.
    class BoxWebSocket extends WebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols, { ca: caPem, lookup: toLoopback });
      }
    }
    const docs = [new Y.Doc(), new Y.Doc()];
    const providers = [
      new WebsocketProvider(`wss://${NAME}:${relay.server.port}/sync`, DOC, docs[0], {
        params: { token },
        WebSocketPolyfill: BoxWebSocket as unknown as typeof globalThis.WebSocket,
        disableBc: true,
      }),
      new WebsocketProvider(`ws://127.0.0.1:${relay.server.port}/sync`, DOC, docs[1], {
        params: { token },
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        disableBc: true,
      }),
    ];
    try {
      await eventually(() => providers.every((p) => p.synced), 'both providers synced');
      docs[0].getMap('items').set('tls', { price: 1 });
      await eventually(() => (docs[1].getMap('items').get('tls') as { price?: number } | undefined)?.price === 1, 'the wss edit reaches the ws client');
    } finally {
      for (const p of providers) p.destroy();
      for (const d of docs) d.destroy();
    }
  });
});
