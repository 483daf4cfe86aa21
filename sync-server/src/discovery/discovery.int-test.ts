// Two boxes find each other for real over mDNS, on this machine's loopback only: the socket
// joins the group on 127.0.0.1 and sends there, on a random port instead of 5353, so nothing
// leaves the machine and parallel runs do not hear each other.
import { eventually } from '@kiosk/shared/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startDiscovery, type Discovery } from './discovery';

const started: Discovery[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((d) => d.close()));
});

function testPort(): number {
  return 20_000 + Math.floor(Math.random() * 30_000);
}

function box(name: string, httpsPort: number, mdnsPort: number, browse: { refreshMs: number; maxAgeMs: number } = { refreshMs: 200, maxAgeMs: 1_000 }) {
  const d = startDiscovery({
    interface: '127.0.0.1',
    port: mdnsPort,
    announce: { name, port: httpsPort, caFingerprint: 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89' },
    browse,
    log: () => {},
  });
  started.push(d);
  return d;
}

describe('mDNS discovery on loopback', () => {
  it('two boxes list each other (not themselves) with https links', async () => {
    const port = testPort();
    const a = box('kasir-depan', 8443, port);
    const b = box('dapur', 9443, port);
    await eventually(() => expect(a.boxes()).toEqual([{ name: 'dapur', url: 'https://127.0.0.1:9443/' }]), { timeoutMs: 15_000 });
    await eventually(() => expect(b.boxes()).toEqual([{ name: 'kasir-depan', url: 'https://127.0.0.1:8443/' }]), { timeoutMs: 15_000 });
  });

  it('a box that leaves drops out of the list', async () => {
    const port = testPort();
    const a = box('kasir-depan', 8443, port);
    const b = box('dapur', 9443, port);
    await eventually(() => expect(a.boxes().map((x) => x.name)).toEqual(['dapur']), { timeoutMs: 15_000 });
    await b.close();
    await eventually(() => expect(a.boxes()).toEqual([]), { timeoutMs: 15_000 });
  });

  it('a listener that does not announce still finds the box', async () => {
    const port = testPort();
    box('kasir-depan', 8443, port);
    const listener = startDiscovery({ interface: '127.0.0.1', port, browse: { refreshMs: 200, maxAgeMs: 1_000 }, log: () => {} });
    started.push(listener);
    await eventually(() => expect(listener.boxes()).toEqual([{ name: 'kasir-depan', url: 'https://127.0.0.1:8443/' }]), { timeoutMs: 15_000 });
  });
});
