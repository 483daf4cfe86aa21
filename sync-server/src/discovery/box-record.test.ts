import { describe, expect, it } from 'vitest';
import { cleanBoxName, decodeBoxTxt, encodeBoxTxt, shortFingerprint, toFoundBox } from './box-record';
import { SeenBoxes } from './seen-boxes';

const FP = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF';

describe('TXT record', () => {
  it('carries the name, a short fingerprint and the setup path, nothing else', () => {
    expect(encodeBoxTxt({ name: 'kasir-depan', caFingerprint: FP })).toEqual({ name: 'kasir-depan', fp: 'abcdef0123456789', path: '/setup' });
  });

  it('leaves fp out without TLS, or when the fingerprint is not hex', () => {
    expect(encodeBoxTxt({ name: 'dapur' })).toEqual({ name: 'dapur', path: '/setup' });
    expect(encodeBoxTxt({ name: 'dapur', caFingerprint: 'not-hex' })).toEqual({ name: 'dapur', path: '/setup' });
  });

  it('refuses a name with nothing printable and a relative path', () => {
    expect(() => encodeBoxTxt({ name: '\u0000\n' })).toThrow(/no printable/);
    expect(() => encodeBoxTxt({ name: 'dapur', path: 'setup' })).toThrow(/must start with \//);
  });

  it('round-trips through decode, from strings or Buffers', () => {
    const txt = encodeBoxTxt({ name: 'kasir-depan', caFingerprint: FP });
    expect(decodeBoxTxt(txt)).toEqual(txt);
    expect(decodeBoxTxt({ name: Buffer.from('dapur'), fp: Buffer.from('ABCDEF0123456789'), path: Buffer.from('/setup') })).toEqual({
      name: 'dapur',
      fp: 'abcdef0123456789',
      path: '/setup',
    });
  });

  it('decodes what another box sent defensively', () => {
    expect(decodeBoxTxt(undefined)).toBeUndefined();
    expect(decodeBoxTxt({ fp: 'abcdef0123456789' })).toBeUndefined();
    expect(decodeBoxTxt({ name: true })).toBeUndefined();
    expect(decodeBoxTxt({ name: 'dapur', fp: 'zz', path: 'javascript:alert(1)' })).toEqual({ name: 'dapur', path: '/setup' });
  });

  it('cleans names: printable ASCII, trimmed, at most 63 characters', () => {
    expect(cleanBoxName('  kasir\u0007 depan\n ')).toBe('kasir depan');
    expect(cleanBoxName('x'.repeat(100))).toHaveLength(63);
    expect(shortFingerprint('abcd')).toBeUndefined();
  });
});

describe('toFoundBox', () => {
  const txt = { name: 'dapur', fp: 'abcdef0123456789', path: '/setup' };

  it('links to https on the address the answer came from', () => {
    expect(toFoundBox({ name: 'dapur', port: 8443, txt, referer: { address: '192.0.2.8' }, addresses: ['198.51.100.1'] })).toEqual({
      name: 'dapur',
      url: 'https://192.0.2.8:8443/',
    });
  });

  it('falls back to an announced IPv4, then IPv6 (bracketed), then the .local host', () => {
    expect(toFoundBox({ name: 'dapur', port: 8443, txt, addresses: ['2001:db8::1', '192.0.2.9'] })?.url).toBe('https://192.0.2.9:8443/');
    expect(toFoundBox({ name: 'dapur', port: 8443, txt, addresses: ['fe80::1', '2001:db8::1'] })?.url).toBe('https://[2001:db8::1]:8443/');
    expect(toFoundBox({ name: 'dapur', port: 8443, txt, host: 'dapur.local.' })?.url).toBe('https://dapur.local:8443/');
  });

  it('uses the instance name when the TXT record is missing, and skips what cannot be linked', () => {
    expect(toFoundBox({ name: 'kasir', port: 443, host: 'kasir.local' })).toEqual({ name: 'kasir', url: 'https://kasir.local:443/' });
    expect(toFoundBox({ name: 'kasir', port: 0, txt, host: 'kasir.local' })).toBeUndefined();
    expect(toFoundBox({ name: 'kasir', port: 443, txt })).toBeUndefined();
    expect(toFoundBox({ name: '', port: 443, host: 'x.local' })).toBeUndefined();
  });
});

describe('SeenBoxes', () => {
  it('keeps boxes heard within maxAgeMs, sorted by name, and drops the silent and the departed', () => {
    let now = 0;
    const seen = new SeenBoxes({ maxAgeMs: 1_000, now: () => now });
    seen.seen('b._kiosk-pos._tcp.local', { name: 'kasir', url: 'https://192.0.2.2:8443/' });
    seen.seen('a._kiosk-pos._tcp.local', { name: 'dapur', url: 'https://192.0.2.3:8443/' });
    expect(seen.list().map((b) => b.name)).toEqual(['dapur', 'kasir']);
    now = 800;
    seen.seen('b._kiosk-pos._tcp.local', { name: 'kasir', url: 'https://192.0.2.2:8443/' });
    now = 1_500;
    expect(seen.list().map((b) => b.name)).toEqual(['kasir']);
    seen.gone('b._kiosk-pos._tcp.local');
    expect(seen.list()).toEqual([]);
  });

  it('needs a positive maxAgeMs', () => {
    expect(() => new SeenBoxes({ maxAgeMs: 0 })).toThrow(/positive, got 0/);
  });
});
