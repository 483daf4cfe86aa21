/**
 * The pure half of LAN discovery (issue 14): what a Kiosk box puts in its DNS-SD TXT record,
 * how a record heard from another box is read back, and how a found service becomes a line on
 * the `/setup` page. No sockets here: `announce.ts` and `browse.ts` move these values.
 *
 * The TXT record is public to anyone on the LAN, so it carries only what the setup page shows
 * anyway: the box's name, a short CA fingerprint to compare, and the setup path. No secrets,
 * no tenant or outlet ids (RFC 6763 §6: keys are short, values are bytes; we keep them ASCII).
 *
 * ```ts
 * const txt = encodeBoxTxt({ name: 'kasir-depan', caFingerprint: 'AB:12:…' }); // { name, fp, path }
 * const entry = toFoundBox({ name: 'kasir-depan', port: 8443, txt, referer: { address: '192.0.2.7' } });
 * // → { name: 'kasir-depan', url: 'https://192.0.2.7:8443/' }
 * ```
 */

/** DNS-SD service type (`_kiosk-pos._tcp.local`), as `bonjour-service` spells it. */
export const KIOSK_SERVICE = { type: 'kiosk-pos', protocol: 'tcp' } as const;

/** Hex digits of the CA fingerprint in the TXT record: 64 bits, enough to tell boxes apart by eye. */
export const SHORT_FINGERPRINT_HEX = 16;

/** Longest box name kept (a DNS label is at most 63 bytes). */
export const MAX_BOX_NAME = 63;

export const DEFAULT_SETUP_PATH = '/setup';

/** What one box announces about itself. */
export interface BoxAnnouncement {
  /** The box/host name the owner recognises. */
  name: string;
  /** SHA-256 of the box CA (any hex form); absent when TLS is off or the certificate is the operator's. */
  caFingerprint?: string;
  /** Plain-HTTP setup page; default `/setup`. */
  path?: string;
}

/** TXT keys as sent: `name`, `fp` (short fingerprint, only with TLS), `path`. */
export type BoxTxt = { name: string; fp?: string; path: string };

/** A box heard on the LAN, as the setup page lists it: a name and an https:// link, nothing else. */
export interface FoundBox {
  name: string;
  url: string;
}

/** `AB:12:…` or `ab12…` → the first 16 hex digits, lower-case; undefined when it is not hex. */
export function shortFingerprint(fingerprint: string): string | undefined {
  const hex = fingerprint.replace(/[\s:]/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex) || hex.length < SHORT_FINGERPRINT_HEX) return undefined;
  return hex.slice(0, SHORT_FINGERPRINT_HEX);
}

/** Printable ASCII only, trimmed and capped: a TXT value is shown on a page and used as a DNS label. */
export function cleanBoxName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name
    .replace(/[^\x20-\x7e]/g, '')
    .trim()
    .slice(0, MAX_BOX_NAME)
    .trim();
}

export function encodeBoxTxt(box: BoxAnnouncement): BoxTxt {
  const name = cleanBoxName(box.name);
  if (!name) throw new Error(`box name ${JSON.stringify(box.name)} has no printable characters`);
  const fp = box.caFingerprint === undefined ? undefined : shortFingerprint(box.caFingerprint);
  const path = box.path ?? DEFAULT_SETUP_PATH;
  if (!path.startsWith('/')) throw new Error(`setup path ${JSON.stringify(path)} must start with /`);
  return fp ? { name, fp, path } : { name, path };
}

/** TXT values as `bonjour-service` decodes them (strings, Buffers for binary, `true` for a bare key). */
function txtString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return undefined;
}

/** Reads another box's TXT record; undefined when it is not one of ours (no usable name). */
export function decodeBoxTxt(txt: unknown): BoxTxt | undefined {
  if (!txt || typeof txt !== 'object') return undefined;
  const record = txt as Record<string, unknown>;
  const name = cleanBoxName(txtString(record.name) ?? '');
  if (!name) return undefined;
  const rawFp = txtString(record.fp);
  const fp = rawFp && /^[0-9a-f]{16}$/i.test(rawFp) ? rawFp.toLowerCase() : undefined;
  const rawPath = txtString(record.path);
  const path = rawPath && /^\/[\x21-\x7e]*$/.test(rawPath) ? rawPath : DEFAULT_SETUP_PATH;
  return fp ? { name, fp, path } : { name, path };
}

/** A service as `bonjour-service` reports it (the fields we read). */
export interface HeardService {
  /** DNS-SD instance name. */
  name: string;
  port: number;
  /** The `.local` host of its SRV record. */
  host?: string;
  /** A/AAAA records. */
  addresses?: string[];
  /** Where the answer came from: the address that reached us on this LAN. */
  referer?: { address: string };
  txt?: unknown;
}

const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}$/;

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host.replace(/%.*$/, '')}]` : host;
}

/**
 * The address a tablet should open: the one the answer came from (it reached us, so it is on
 * this LAN), else an announced IPv4, else the `.local` host name; undefined when there is none.
 * IPv6 link-local addresses need a zone id a browser URL cannot carry, so they are skipped.
 */
function pickAddress(service: HeardService): string | undefined {
  const usable = (a: string) => a.length > 0 && !/^fe80:/i.test(a);
  if (service.referer?.address && usable(service.referer.address)) return service.referer.address;
  const addresses = (service.addresses ?? []).filter(usable);
  return addresses.find((a) => IPV4.test(a)) ?? addresses[0] ?? (service.host ? service.host.replace(/\.$/, '') : undefined);
}

/** One line for the setup page; undefined for services that are not Kiosk boxes or have no address. */
export function toFoundBox(service: HeardService): FoundBox | undefined {
  const txt = decodeBoxTxt(service.txt) ?? (service.name ? decodeBoxTxt({ name: service.name }) : undefined);
  if (!txt) return undefined;
  if (!Number.isInteger(service.port) || service.port <= 0 || service.port > 65_535) return undefined;
  const address = pickAddress(service);
  if (!address) return undefined;
  return { name: txt.name, url: `https://${hostForUrl(address)}:${service.port}/` };
}
