import { X509Certificate } from 'node:crypto';
import { checkServerIdentity } from 'node:tls';
import { describe, expect, test } from 'vitest';
import { caName, certificateStatus, createCa, fingerprint256, issueServerCertificate, pemToDer, subjectAltNames } from './certificates';
import type { ServedNames } from './names';

const NOW = new Date('2026-12-03T12:00:00Z');
const DAY = 86_400_000;
const names: ServedNames = { dns: ['kiosk-box', 'kiosk-box.local', 'kiosk-box.test', 'localhost'], ips: ['127.0.0.1', '192.0.2.10', '::1'] };

describe('box CA and server certificate', async () => {
  const ca = await createCa({ hostname: 'kiosk-box', now: NOW });
  const server = await issueServerCertificate({ ca, names, now: NOW });

  test('the CA: named after the box, a CA with path length 0, ten years', () => {
    const cert = new X509Certificate(ca.certPem);
    expect(cert.subject).toContain(`CN=${caName('kiosk-box')}`);
    expect(cert.ca).toBe(true);
    expect(new Date(cert.validTo).getTime() - NOW.getTime()).toBeGreaterThan(3600 * DAY);
    expect(fingerprint256(ca.certPem)).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(pemToDer(ca.certPem).equals(Buffer.from(cert.raw))).toBe(true);
  });

  test('the server certificate: signed by the CA, not a CA, 90 days, every name and address', () => {
    const cert = new X509Certificate(server.certPem);
    expect(cert.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(Math.round((new Date(cert.validTo).getTime() - NOW.getTime()) / DAY)).toBe(90);
    expect(subjectAltNames(server.certPem)).toEqual([...names.dns.map((n) => `DNS:${n}`), ...names.ips.map((n) => `IP:${n}`)].sort());
    const peer = { subject: { CN: 'kiosk-box' }, subjectaltname: cert.subjectAltName } as unknown as Parameters<typeof checkServerIdentity>[1];
    for (const n of [...names.dns, ...names.ips]) expect(checkServerIdentity(n, peer), n).toBeUndefined();
    expect(checkServerIdentity('other.test', peer)).toBeInstanceOf(Error);
  });

  test('status: ok; renew under 30 days left; re-issue on a changed name set, another CA or key', async () => {
    const input = { certPem: server.certPem, keyPem: server.keyPem, caPem: ca.certPem, names };
    expect(certificateStatus({ ...input, now: NOW })).toEqual({ ok: true });
    expect(certificateStatus({ ...input, now: new Date(NOW.getTime() + 59 * DAY) })).toEqual({ ok: true });
    expect(certificateStatus({ ...input, now: new Date(NOW.getTime() + 61 * DAY) })).toEqual({ ok: false, reason: 'expiring' });
    expect(certificateStatus({ ...input, now: NOW, names: { ...names, ips: [...names.ips, '192.0.2.11'].sort() } })).toEqual({
      ok: false,
      reason: 'names-changed',
    });
    expect(certificateStatus({ ...input, now: NOW, names: { ...names, dns: names.dns.slice(1) } })).toEqual({ ok: false, reason: 'names-changed' });
    const other = await createCa({ hostname: 'other', now: NOW });
    expect(certificateStatus({ ...input, now: NOW, caPem: other.certPem })).toEqual({ ok: false, reason: 'other-ca' });
    expect(certificateStatus({ ...input, now: NOW, keyPem: other.keyPem })).toEqual({ ok: false, reason: 'key-mismatch' });
    expect(certificateStatus({ ...input, now: NOW, certPem: 'garbage' })).toEqual({ ok: false, reason: 'unreadable' });
  });
});
