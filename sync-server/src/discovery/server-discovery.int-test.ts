// Two real TLS boxes (startSyncServer) announce themselves and list each other, and /setup is
// handed the list. mDNS stays on loopback (interface 127.0.0.1, a random UDP port, not 5353);
// the certificates name only a documentation-range address (RFC 5737) that nothing is sent to.
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { NetworkInterfaceInfo } from 'node:os';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually } from '@kiosk/shared/testing';
import { connectDatabase, migrateToLatest, type KioskDatabase } from '@kiosk/store';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseTrustProxy } from '../security-headers';
import { startTestRelay, type TestRelay } from '../testing/start-test-relay';
import type { SetupInfo } from '../tls/setup-routes';

function iface(address: string): NodeJS.Dict<NetworkInterfaceInfo[]> {
  return { eth0: [{ address, family: 'IPv4', internal: false, netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: `${address}/24` }] };
}

function get(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

describe('startSyncServer({ discovery })', () => {
  let store: KioskDatabase;
  const dirs: string[] = [];
  const relays: TestRelay[] = [];
  const mdnsPort = 20_000 + Math.floor(Math.random() * 30_000);

  beforeAll(async () => {
    store = await connectDatabase({});
    await migrateToLatest(store.db);
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.close()));
  });
  afterAll(async () => {
    await store?.close();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  const startBox = async (name: string, address: string, seen: { info?: SetupInfo } = {}) => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'kiosk-mdns-'));
    dirs.push(dataDir);
    const relay = await startTestRelay({
      store,
      trustProxy: parseTrustProxy('loopback'),
      tls: { mode: 'box', dataDir, hostname: () => name, interfaces: () => iface(address), checkIntervalMs: 0 },
      discovery: { announce: true, browse: true, interface: '127.0.0.1', mdnsPort, name, refreshMs: 200 },
      setupPage: (info) => {
        seen.info = info;
        return `<p>${info.otherBoxes?.map((b) => b.name).join(',')}</p>`;
      },
    });
    relays.push(relay);
    return relay;
  };

  it('two boxes find each other, and /setup is given the other box', async () => {
    const seen: { info?: SetupInfo } = {};
    const a = await startBox('kasir-depan', '192.0.2.21', seen);
    const b = await startBox('dapur', '192.0.2.22');
    await eventually(() => expect(a.server.otherBoxes()).toEqual([{ name: 'dapur', url: `https://127.0.0.1:${b.server.port}/` }]), { timeoutMs: 15_000 });
    await eventually(() => expect(b.server.otherBoxes()).toEqual([{ name: 'kasir-depan', url: `https://127.0.0.1:${a.server.port}/` }]), {
      timeoutMs: 15_000,
    });

    const page = await get(`http://127.0.0.1:${a.server.port}/setup`, { 'x-forwarded-for': '192.0.2.50', host: `192.0.2.21:${a.server.port}` });
    expect(page).toEqual({ status: 200, body: '<p>dapur</p>' });
    expect(seen.info?.otherBoxes).toEqual([{ name: 'dapur', url: `https://127.0.0.1:${b.server.port}/` }]);

    await b.close();
    relays.splice(relays.indexOf(b), 1);
    await eventually(() => expect(a.server.otherBoxes()).toEqual([]), { timeoutMs: 15_000 });
  });
});
