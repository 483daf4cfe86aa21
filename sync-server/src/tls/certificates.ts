/**
 * The box's certificate authority and the server certificate it issues itself, over Node's
 * WebCrypto with `@peculiar/x509` (ECDSA P-256, SHA-256). No file or clock access here: the
 * caller passes `now` and stores the PEM text (box-tls.ts).
 *
 * ```ts
 * const ca = await createCa({ hostname: 'till', now: new Date() });
 * const server = await issueServerCertificate({ ca, names, now: new Date() });
 * certificateStatus({ certPem: server.certPem, caPem: ca.certPem, names, now: new Date() }); // { ok: true }
 * ```
 */
// @peculiar/x509 2 resolves its providers with tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { createPrivateKey, randomBytes, webcrypto, X509Certificate as NodeX509 } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { ServedNames } from './names';

const crypto = webcrypto as unknown as Crypto;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

export interface PemPair {
  certPem: string;
  /** PKCS#8 private key. */
  keyPem: string;
}

/** Validity of the CA (devices trust it once, so it lasts) and of the server certificate. */
export const CA_VALIDITY_DAYS = 3650;
/** 90 days: short enough that a leaked key expires soon, well under Apple's 825-day ceiling. */
export const SERVER_VALIDITY_DAYS = 90;
export const RENEW_BEFORE_DAYS = 30;

export function caName(hostname: string): string {
  return `Kiosk POS box CA (${hostname})`;
}

async function keyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(EC, true, ['sign', 'verify']);
}

async function exportKey(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function importSigningKey(keyPem: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(keyPem), EC, false, ['sign']);
}

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f; // a positive INTEGER
  return bytes.toString('hex');
}

/** A new CA: self-signed, may sign end-entity certificates only (path length 0). */
export async function createCa(input: { hostname: string; now: Date; validityDays?: number }): Promise<PemPair> {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial(),
      name: [{ CN: [caName(input.hostname)] }, { O: ['Kiosk POS'] }],
      notBefore: new Date(input.now.getTime() - DAY_MS),
      notAfter: new Date(input.now.getTime() + (input.validityDays ?? CA_VALIDITY_DAYS) * DAY_MS),
      keys,
      signingAlgorithm: SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: await exportKey(keys.privateKey) };
}

/** A server certificate for every name and address in `names`, signed by `ca`. */
export async function issueServerCertificate(input: { ca: PemPair; names: ServedNames; now: Date; validityDays?: number }): Promise<PemPair> {
  const caCert = new x509.X509Certificate(input.ca.certPem);
  const caKey = await importSigningKey(input.ca.keyPem);
  const keys = await keyPair();
  const first = input.names.dns.find((n) => n !== 'localhost') ?? input.names.dns[0] ?? input.names.ips[0] ?? 'localhost';
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial(),
      subject: [{ CN: [first] }, { O: ['Kiosk POS'] }],
      issuer: caCert.subjectName,
      // An hour back: a tablet whose clock runs a little behind still accepts a fresh certificate.
      notBefore: new Date(input.now.getTime() - 3_600_000),
      notAfter: new Date(input.now.getTime() + (input.validityDays ?? SERVER_VALIDITY_DAYS) * DAY_MS),
      publicKey: keys.publicKey,
      signingKey: caKey,
      signingAlgorithm: SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
        new x509.SubjectAlternativeNameExtension(
          [...input.names.dns.map((value) => ({ type: 'dns' as const, value })), ...input.names.ips.map((value) => ({ type: 'ip' as const, value }))],
          false,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(caCert, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: await exportKey(keys.privateKey) };
}

export type CertificateStatus = { ok: true } | { ok: false; reason: 'unreadable' | 'other-ca' | 'expiring' | 'names-changed' | 'key-mismatch' };

/**
 * Whether a stored server certificate can still be served: readable, issued by `caPem`, more
 * than `renewBeforeDays` left at `now`, and covering exactly `names` (a name or address added
 * or gone both mean a new certificate).
 */
export function certificateStatus(input: {
  certPem: string;
  keyPem: string;
  caPem: string;
  names: ServedNames;
  now: Date;
  renewBeforeDays?: number;
}): CertificateStatus {
  let cert: NodeX509;
  let ca: NodeX509;
  try {
    cert = new NodeX509(input.certPem);
    ca = new NodeX509(input.caPem);
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return { ok: false, reason: 'other-ca' };
  try {
    if (!cert.checkPrivateKey(createPrivateKey(input.keyPem))) return { ok: false, reason: 'key-mismatch' };
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
  const renewAt = new Date(cert.validTo).getTime() - (input.renewBeforeDays ?? RENEW_BEFORE_DAYS) * DAY_MS;
  if (input.now.getTime() >= renewAt || input.now.getTime() < new Date(cert.validFrom).getTime()) return { ok: false, reason: 'expiring' };
  const covered = subjectAltNames(input.certPem);
  const wanted = [...input.names.dns.map((n) => `DNS:${n}`), ...input.names.ips.map((n) => `IP:${n}`)].sort();
  if (covered.join(',') !== wanted.join(',')) return { ok: false, reason: 'names-changed' };
  return { ok: true };
}

/** The certificate's subjectAltName entries as `DNS:name` / `IP:address`, sorted (IPv6 in Node's long-hand form normalised). */
export function subjectAltNames(certPem: string): string[] {
  const text = new NodeX509(certPem).subjectAltName ?? '';
  return text
    .split(', ')
    .filter(Boolean)
    .map((entry) => (entry.startsWith('IP Address:') ? `IP:${normaliseIp(entry.slice('IP Address:'.length))}` : entry))
    .sort();
}

function normaliseIp(ip: string): string {
  // Node prints IPv6 SANs in full (0:0:0:0:0:0:0:1); compare in the short form we put in.
  if (!ip.includes(':')) return ip;
  const url = new URL(`http://[${ip}]/`);
  return url.hostname.slice(1, -1);
}

/** SHA-256 fingerprint as devices show it: upper-case hex pairs joined by colons. */
export function fingerprint256(certPem: string): string {
  return new NodeX509(certPem).fingerprint256;
}

/** DER bytes of the first certificate in `pem` (the `.crt` download Android and Windows install). */
export function pemToDer(certPem: string): Buffer {
  return Buffer.from(new NodeX509(certPem).raw);
}
