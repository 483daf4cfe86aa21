import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { eventually } from '@kiosk/shared/testing';
import { rmSync } from 'node:fs';
import { makeDataDir, runKiosk, startKiosk, type KioskProcess } from './kiosk-process';

describe('kiosk start: the whole system from one command (PGlite, demo outlet)', () => {
  let kiosk: KioskProcess;
  beforeAll(async () => {
    kiosk = await startKiosk();
  });
  afterAll(async () => {
    await kiosk?.stop();
  });

  test('prints the URLs of /pos, /kitchen, /office and how to sign in', async () => {
    await eventually(() => {
      const out = kiosk.output();
      for (const route of ['/pos', '/kitchen', '/office', '/setup']) expect(out).toContain(`${kiosk.baseUrl}${route}`);
      expect(out).toMatch(/owner@demo\.kiosk/);
    });
  });

  test.each(['/pos', '/kitchen', '/office', '/setup'])('serves the client at %s', async (route) => {
    const response = await fetch(`${kiosk.baseUrl}${route}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toMatch(/<div id="root"/);
  });

  test('is healthy and ready (database reachable, migrations applied)', async () => {
    expect((await fetch(`${kiosk.baseUrl}/healthz`)).status).toBe(200);
    await eventually(async () => expect((await fetch(`${kiosk.baseUrl}/readyz`)).status).toBe(200));
  });

  test('a token printed by `kiosk token` is accepted by the relay and opens the demo outlet', async () => {
    const printed = kiosk.run(['token', '--tenant', 'demo', '--outlet', 'main', '--role', 'terminal', '--device', 'T1']);
    expect(printed.stderr).toBe('');
    expect(printed.status).toBe(0);
    const token = printed.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(`${kiosk.baseUrl.replace('http', 'ws')}/sync`, 'demo/main', doc, {
      params: { token },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    try {
      await eventually(() => expect(doc.getMap('settings').get('currency')).toBe('IDR'), { timeoutMs: 15_000 });
      expect(doc.getMap('items').size).toBeGreaterThan(5);
    } finally {
      provider.destroy();
      doc.destroy();
    }
  });

  test('`kiosk token --role box` prints a LAN box token for that one outlet', () => {
    const printed = kiosk.run(['token', '--tenant', 'demo', '--outlet', 'main', '--role', 'box', '--device', 'lan-box-1']);
    expect(printed.stderr).toBe('');
    expect(printed.status).toBe(0);
    const payload = JSON.parse(Buffer.from(printed.stdout.trim().split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    expect({ tenant: payload.tenant, outlet: payload.outlet, role: payload.role, deviceId: payload.deviceId }).toEqual({
      tenant: 'demo',
      outlet: 'main',
      role: 'box',
      deviceId: 'lan-box-1',
    });
  });

  test('a second process is refused the PGlite data directory while the server holds it', () => {
    const printed = kiosk.run(['migrate']);
    expect(printed.status).not.toBe(0);
    expect(printed.stderr).toMatch(/data directory .* is in use by process \d+/);
  });
});

describe('kiosk commands on a stopped data directory', () => {
  test('seed-demo is idempotent and pairing-code prints a short code', () => {
    const dataDir = makeDataDir();
    try {
      const first = runKiosk(['seed-demo'], { KIOSK_DATA_DIR: dataDir, DATABASE_URL: '' });
      expect(first.stderr).toBe('');
      expect(first.stdout).toMatch(/seeded demo tenant 'demo', outlet 'main'/);
      const second = runKiosk(['seed-demo'], { KIOSK_DATA_DIR: dataDir, DATABASE_URL: '' });
      expect(second.stdout).toMatch(/already seeded; nothing changed/);
      const code = runKiosk(['pairing-code', '--tenant', 'demo', '--outlet', 'main'], { KIOSK_DATA_DIR: dataDir, DATABASE_URL: '' });
      expect(code.status).toBe(0);
      expect(code.stdout.trim()).toMatch(/^[A-Z0-9]{4,10}$/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('kiosk: bad configuration is one clear line and a non-zero exit', () => {
  test.each([
    [['start', '--port', 'abc'], /^kiosk: invalid --port: /],
    [['serve', '--database-url', 'mysql://x'], /^kiosk: invalid --database-url: must be a postgres:\/\/ URL/],
    [['token', '--tenant', 'demo', '--outlet', 'main', '--role', 'chef'], /^kiosk token: invalid --role/],
    [['launch'], /^kiosk: unknown command "launch"/],
  ])('kiosk %j', (args, expected) => {
    const result = runKiosk(args);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(expected);
  });

  test('an environment variable with a bad value is named', () => {
    const result = runKiosk(['start'], { KIOSK_PORT: '99999' });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/KIOSK_PORT/);
  });
});
