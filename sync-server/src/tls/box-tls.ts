/**
 * The thin I/O shell around certificates.ts: the CA and the server certificate live in
 * `<data-dir>/tls/` (`ca.key` and `server.key` mode 0600 — the CA key never leaves the box),
 * the CA is created on first start, and the server certificate is re-issued when it nears
 * expiry or when the served names/addresses change. `check()` runs at open and then every
 * `checkIntervalMs` (a minute by default: an address change from DHCP shows up quickly; the
 * expiry check rides along). Clock, hostname and interfaces are injectable for tests.
 *
 * ```ts
 * const tls = await openBoxTls({ mode: 'box', dataDir: './data', extraNames: ['till.example'] });
 * tls.onChange((m) => httpsServer.setSecureContext({ key: m.key, cert: m.cert }));
 * ```
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  caName,
  certificateStatus,
  createCa,
  fingerprint256,
  issueServerCertificate,
  RENEW_BEFORE_DAYS,
  SERVER_VALIDITY_DAYS,
  type PemPair,
} from './certificates';
import { sameNames, servedNames, type ServedNames } from './names';

export type TlsOptions =
  | {
      /** The box's own CA issues the server certificate (the default on a non-loopback host). */
      mode: 'box';
      dataDir: string;
      /** `--tls-names`: extra DNS names or addresses to cover. */
      extraNames?: readonly string[];
      now?: () => Date;
      hostname?: () => string;
      interfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
      /** How often names and expiry are re-checked; default 60 s. 0 = only when `check()` is called. */
      checkIntervalMs?: number;
      validityDays?: number;
      renewBeforeDays?: number;
    }
  | {
      /** `--tls-cert/--tls-key`: the operator's own certificate (PEM, chain after the leaf) and key. */
      mode: 'operator';
      certFile: string;
      keyFile: string;
    };

export interface TlsMaterial {
  key: string;
  cert: string;
  /** The box CA (PEM); absent for an operator's certificate. */
  caPem?: string;
  /** SHA-256 of the CA (box mode) or of the operator's leaf certificate. */
  fingerprint: string;
  /** Names and addresses the served certificate covers. */
  names: ServedNames;
}

export interface BoxTls {
  current(): TlsMaterial;
  /** Re-evaluates expiry and names; resolves true when a new certificate was issued (and listeners told). */
  check(): Promise<boolean>;
  onChange(listener: (material: TlsMaterial) => void): void;
  close(): void;
}

export const TLS_DIR = 'tls';

export async function openBoxTls(options: TlsOptions, log: (message: string) => void = () => {}): Promise<BoxTls> {
  if (options.mode === 'operator') return openOperatorTls(options);
  const dir = path.join(options.dataDir, TLS_DIR);
  const now = options.now ?? (() => new Date());
  const hostname = options.hostname ?? (() => os.hostname());
  const interfaces = options.interfaces ?? (() => os.networkInterfaces());
  const names = () => servedNames({ hostname: hostname(), interfaces: interfaces(), extra: options.extraNames });
  await mkdir(dir, { recursive: true, mode: 0o700 });

  const ca = await loadOrCreateCa(dir, hostname(), now(), log);
  const fingerprint = fingerprint256(ca.certPem);
  let material: TlsMaterial = { ...(await loadOrIssueServer(dir, ca, names(), now(), options, log)), caPem: ca.certPem, fingerprint };
  const listeners: Array<(m: TlsMaterial) => void> = [];
  let running: Promise<boolean> | null = null;

  const checkOnce = async (): Promise<boolean> => {
    const wanted = names();
    const status = certificateStatus({
      certPem: material.cert,
      keyPem: material.key,
      caPem: ca.certPem,
      names: wanted,
      now: now(),
      renewBeforeDays: options.renewBeforeDays,
    });
    if (status.ok) return false;
    log(`tls: issuing a new server certificate (${status.reason}${sameNames(wanted, material.names) ? '' : `: ${describe(wanted)}`})`);
    const issued = await issueAndStore(dir, ca, wanted, now(), options);
    material = { key: issued.keyPem, cert: issued.certPem, caPem: ca.certPem, fingerprint, names: wanted };
    for (const listener of listeners) listener(material);
    return true;
  };
  // One check at a time: the timer and a caller share the run in progress.
  const check = (): Promise<boolean> => {
    running ??= checkOnce().finally(() => {
      running = null;
    });
    return running;
  };

  const interval = options.checkIntervalMs ?? 60_000;
  const timer = interval > 0 ? setInterval(() => void check().catch((e: unknown) => log(`tls: certificate check failed: ${String(e)}`)), interval) : null;
  timer?.unref();
  return {
    current: () => material,
    check,
    onChange: (listener) => void listeners.push(listener),
    close: () => {
      if (timer) clearInterval(timer);
    },
  };
}

function describe(names: ServedNames): string {
  return [...names.dns, ...names.ips].join(', ');
}

/** Writes `text` to `file` through a temporary file and a rename, so a crash never leaves half a key. */
async function writeAtomic(file: string, text: string, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode });
  await chmod(tmp, mode); // in case the umask or an old file's mode got in the way
  await rename(tmp, file);
}

async function readIfPresent(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function loadOrCreateCa(dir: string, hostname: string, now: Date, log: (m: string) => void): Promise<PemPair> {
  const keyFile = path.join(dir, 'ca.key');
  const certFile = path.join(dir, 'ca.pem');
  const [keyPem, certPem] = await Promise.all([readIfPresent(keyFile), readIfPresent(certFile)]);
  if (keyPem && certPem) {
    // A key readable by others is a key that may have left the box: tighten it and say so.
    if (((await stat(keyFile)).mode & 0o077) !== 0) {
      await chmod(keyFile, 0o600);
      log(`tls: ${keyFile} was readable by other users; now 0600`);
    }
    return { keyPem, certPem };
  }
  if (keyPem || certPem)
    throw new Error(`tls: ${dir} holds only one of ca.key and ca.pem; restore the other or remove both to create a new CA (devices must then trust it again)`);
  const ca = await createCa({ hostname, now });
  await writeAtomic(keyFile, ca.keyPem, 0o600);
  await writeAtomic(certFile, ca.certPem, 0o644);
  log(`tls: created the box CA "${caName(hostname)}" in ${dir}`);
  return ca;
}

async function loadOrIssueServer(
  dir: string,
  ca: PemPair,
  names: ServedNames,
  now: Date,
  options: Extract<TlsOptions, { mode: 'box' }>,
  log: (m: string) => void,
): Promise<Omit<TlsMaterial, 'caPem' | 'fingerprint'>> {
  const [keyPem, certPem] = await Promise.all([readIfPresent(path.join(dir, 'server.key')), readIfPresent(path.join(dir, 'server.pem'))]);
  if (keyPem && certPem) {
    const status = certificateStatus({ certPem, keyPem, caPem: ca.certPem, names, now, renewBeforeDays: options.renewBeforeDays });
    if (status.ok) return { key: keyPem, cert: certPem, names };
    log(`tls: issuing a new server certificate (${status.reason})`);
  }
  const issued = await issueAndStore(dir, ca, names, now, options);
  return { key: issued.keyPem, cert: issued.certPem, names };
}

async function issueAndStore(dir: string, ca: PemPair, names: ServedNames, now: Date, options: { validityDays?: number }): Promise<PemPair> {
  const issued = await issueServerCertificate({ ca, names, now, validityDays: options.validityDays ?? SERVER_VALIDITY_DAYS });
  await writeAtomic(path.join(dir, 'server.key'), issued.keyPem, 0o600);
  await writeAtomic(path.join(dir, 'server.pem'), issued.certPem, 0o644);
  return issued;
}

async function openOperatorTls(options: Extract<TlsOptions, { mode: 'operator' }>): Promise<BoxTls> {
  const [cert, key] = await Promise.all([readFile(options.certFile, 'utf8'), readFile(options.keyFile, 'utf8')]);
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch {
    throw new Error(`tls: ${options.certFile} is not a PEM certificate`);
  }
  let matches = false;
  try {
    matches = leaf.checkPrivateKey(createPrivateKey(key));
  } catch {
    throw new Error(`tls: ${options.keyFile} is not a PEM private key`);
  }
  if (!matches) throw new Error(`tls: ${options.keyFile} is not the key of ${options.certFile}`);
  const dns: string[] = [];
  const ips: string[] = [];
  for (const entry of (leaf.subjectAltName ?? '').split(', ').filter(Boolean)) {
    if (entry.startsWith('DNS:')) dns.push(entry.slice(4));
    else if (entry.startsWith('IP Address:')) ips.push(entry.slice('IP Address:'.length));
  }
  const material: TlsMaterial = { key, cert, fingerprint: leaf.fingerprint256, names: { dns: dns.sort(), ips: ips.sort() } };
  return { current: () => material, check: async () => false, onChange: () => {}, close: () => {} };
}

export { RENEW_BEFORE_DAYS, SERVER_VALIDITY_DAYS };
