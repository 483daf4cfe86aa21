/**
 * Which names and addresses the box's certificate must cover, from the machine's hostname,
 * its network interfaces and the operator's `--tls-names`. Pure: the caller passes
 * `os.hostname()` and `os.networkInterfaces()` (tests pass their own).
 *
 * ```ts
 * servedNames({ hostname: 'till', interfaces: os.networkInterfaces(), extra: ['kiosk-box.test'] });
 * // { dns: ['kiosk-box.test', 'localhost', 'till', 'till.local'], ips: ['127.0.0.1', '192.168.1.20', '::1'] }
 * ```
 */
import { isIP } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';

export interface ServedNames {
  /** DNS names, lower case, sorted. */
  dns: string[];
  /** IP addresses (v4 and v6, v6 without zone), sorted. */
  ips: string[];
}

export interface ServedNamesInput {
  hostname: string;
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>;
  extra?: readonly string[];
}

/** A DNS name a certificate can carry: labels of letters, digits and hyphens (a leading `*.` allowed). */
const DNS_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Whether `name` is usable in `--tls-names`: a DNS name or an IP address. */
export function isCertificateName(name: string): boolean {
  return isIP(name) !== 0 || DNS_NAME.test(name.toLowerCase());
}

export function servedNames(input: ServedNamesInput): ServedNames {
  const dns = new Set<string>(['localhost']);
  const ips = new Set<string>(['127.0.0.1', '::1']);
  const host = input.hostname.trim().toLowerCase();
  if (host && DNS_NAME.test(host)) {
    dns.add(host);
    // mDNS answers for the first label only: `till.example.com` is `till.local` on the LAN.
    const label = host.split('.')[0];
    dns.add(host.endsWith('.local') ? host : `${label}.local`);
  }
  for (const infos of Object.values(input.interfaces)) {
    for (const info of infos ?? []) {
      if (info.internal) continue;
      // Link-local IPv6 (fe80::/10) needs a zone id that no URL a tablet types carries.
      if (info.family === 'IPv6' && /^fe[89ab]/i.test(info.address)) continue;
      ips.add(info.address.split('%')[0].toLowerCase());
    }
  }
  for (const raw of input.extra ?? []) {
    const name = raw.trim().toLowerCase();
    if (!name) continue;
    if (isIP(name)) ips.add(name);
    else dns.add(name);
  }
  return { dns: [...dns].sort(), ips: [...ips].sort() };
}

export function sameNames(a: ServedNames, b: ServedNames): boolean {
  return a.dns.join(',') === b.dns.join(',') && a.ips.join(',') === b.ips.join(',');
}

/** `https://name:port` for each served name, the machine's own names first, loopback last. */
export function httpsUrls(names: ServedNames, port: number): string[] {
  const loopback = (n: string) => n === 'localhost' || n === '::1' || n.startsWith('127.');
  const all = [...names.dns, ...names.ips.filter((ip) => isIP(ip) === 4), ...names.ips.filter((ip) => isIP(ip) === 6)];
  const ordered = [...all.filter((n) => !loopback(n)), ...all.filter(loopback)];
  return ordered.map((n) => `https://${isIP(n) === 6 ? `[${n}]` : n}:${port}`);
}

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback (`::ffff:127.x.y.z`). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase();
  if (a === '::1' || a === '0:0:0:0:0:0:0:1') return true;
  const v4 = a.startsWith('::ffff:') ? a.slice(7) : a;
  return isIP(v4) === 4 && v4.startsWith('127.');
}
