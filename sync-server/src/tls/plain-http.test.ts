import { describe, expect, test } from 'vitest';
import { isLoopbackAddress, isCertificateName, servedNames, httpsUrls } from './names';
import { decidePlainHttp, hostOf, type PlainHttpRequest } from './plain-http';

const base: PlainHttpRequest = {
  secure: false,
  loopbackClient: false,
  path: '/pos',
  url: '/pos',
  hostHeader: 'kiosk-box.test:8080',
  port: 8080,
  fallbackHost: 'till.local',
};

describe('plain HTTP on the TLS port', () => {
  test('over TLS and from loopback: the whole app', () => {
    expect(decidePlainHttp({ ...base, secure: true })).toEqual({ kind: 'app' });
    expect(decidePlainHttp({ ...base, loopbackClient: true })).toEqual({ kind: 'app' });
    expect(decidePlainHttp({ ...base, loopbackClient: true, path: '/office', url: '/office' })).toEqual({ kind: 'app' });
  });

  test('another device: /setup, /setup/* and the CA downloads only', () => {
    for (const path of ['/setup', '/setup/', '/setup/ca.pem', '/setup/ca.crt', '/setup/qr.svg']) {
      expect(decidePlainHttp({ ...base, path, url: path }), path).toEqual({ kind: 'setup' });
    }
  });

  test('another device, anything else: 308 to the same path and query on https, same host and port', () => {
    expect(decidePlainHttp({ ...base, path: '/pos', url: '/pos?table=4' })).toEqual({ kind: 'redirect', location: 'https://kiosk-box.test:8080/pos?table=4' });
    expect(decidePlainHttp({ ...base, path: '/', url: '/', hostHeader: '192.0.2.7:8080' })).toEqual({ kind: 'redirect', location: 'https://192.0.2.7:8080/' });
    expect(decidePlainHttp({ ...base, path: '/sync/x', url: '/sync/x', hostHeader: '[fd00::2]:8080' })).toEqual({
      kind: 'redirect',
      location: 'https://[fd00::2]:8080/sync/x',
    });
    // `/setupx` is not /setup; a missing or odd Host header falls back to the box's own name.
    expect(decidePlainHttp({ ...base, path: '/setupx', url: '/setupx', hostHeader: undefined })).toEqual({
      kind: 'redirect',
      location: 'https://till.local:8080/setupx',
    });
    expect(decidePlainHttp({ ...base, hostHeader: 'evil.example/@x' })).toEqual({ kind: 'redirect', location: 'https://till.local:8080/pos' });
  });

  test('hostOf accepts names, IPv4 and bracketed IPv6 only', () => {
    expect(hostOf('Kiosk-Box.test')).toBe('kiosk-box.test');
    expect(hostOf('[::1]:80')).toBe('::1');
    expect(hostOf('[zz]:80')).toBeNull();
    expect(hostOf('a b')).toBeNull();
    expect(hostOf('')).toBeNull();
  });

  test('loopback addresses: 127.0.0.0/8, ::1, IPv4-mapped; nothing else', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['192.0.2.1', '::ffff:192.0.2.1', 'fd00::1', '0.0.0.0', '', undefined, '128.0.0.1']) expect(isLoopbackAddress(a), String(a)).toBe(false);
  });
});

describe('served names', () => {
  test('hostname, <label>.local, localhost, loopback, each non-internal address and --tls-names', () => {
    const names = servedNames({
      hostname: 'Till.example.com',
      interfaces: {
        lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '255.0.0.0', mac: '', cidr: null }],
        eth0: [
          { address: '192.0.2.20', family: 'IPv4', internal: false, netmask: '255.255.255.0', mac: '', cidr: null },
          { address: 'fe80::1', family: 'IPv6', internal: false, netmask: 'ffff:ffff:ffff:ffff::', mac: '', cidr: null, scopeid: 2 },
          { address: '2001:db8::20', family: 'IPv6', internal: false, netmask: 'ffff:ffff:ffff:ffff::', mac: '', cidr: null, scopeid: 0 },
        ],
      },
      extra: ['kiosk-box.test', ' 198.51.100.9 ', ''],
    });
    expect(names).toEqual({
      dns: ['kiosk-box.test', 'localhost', 'till.example.com', 'till.local'],
      ips: ['127.0.0.1', '192.0.2.20', '198.51.100.9', '2001:db8::20', '::1'],
    });
    expect(httpsUrls(names, 8080)).toEqual([
      'https://kiosk-box.test:8080',
      'https://till.example.com:8080',
      'https://till.local:8080',
      'https://192.0.2.20:8080',
      'https://198.51.100.9:8080',
      'https://[2001:db8::20]:8080',
      'https://localhost:8080',
      'https://127.0.0.1:8080',
      'https://[::1]:8080',
    ]);
  });

  test('--tls-names entries must be DNS names or addresses', () => {
    for (const n of ['kiosk-box.test', 'till', '*.shop.example', '10.1.2.3', 'fd00::1']) expect(isCertificateName(n), n).toBe(true);
    for (const n of ['https://x', 'a b', 'under_score', '-lead.example', 'x..y']) expect(isCertificateName(n), n).toBe(false);
  });
});
