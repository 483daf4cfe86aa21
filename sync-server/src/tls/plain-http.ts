/**
 * What a plain-HTTP request gets when the server also speaks TLS on the same port. Pure.
 *
 * - Over TLS (or from a trusted TLS proxy, X-Forwarded-Proto https): the app.
 * - From this machine (loopback: 127.0.0.0/8, ::1, ::ffff:127.x): the app. Loopback is a secure
 *   context in every browser, so `npm start` + http://localhost works with no certificate at all.
 * - From anyone else: only `/setup` and `/setup/*` (the page that hands out the CA certificate,
 *   which a tablet must fetch before it can trust https), everything else a 308 to the same path
 *   on `https://<host>:<port>` (308 keeps the method and body).
 */
import { isIP } from 'node:net';

export type PlainHttpDecision = { kind: 'app' } | { kind: 'setup' } | { kind: 'redirect'; location: string };

export interface PlainHttpRequest {
  /** Arrived over TLS, directly or per a trusted proxy. */
  secure: boolean;
  /** The peer is on this machine (and so is the client behind a trusted proxy, if any). */
  loopbackClient: boolean;
  /** Path without the query. */
  path: string;
  /** Path and query as requested. */
  url: string;
  /** The Host header, e.g. `kiosk-box.local:8080`. */
  hostHeader: string | undefined;
  /** The port TLS is served on (the same one). */
  port: number;
  /** Used when the Host header is missing or not a plain name/address. */
  fallbackHost: string;
}

export function decidePlainHttp(request: PlainHttpRequest): PlainHttpDecision {
  if (request.secure || request.loopbackClient) return { kind: 'app' };
  if (request.path === '/setup' || request.path.startsWith('/setup/')) return { kind: 'setup' };
  const host = hostOf(request.hostHeader) ?? request.fallbackHost;
  const url = request.url.startsWith('/') ? request.url : `/${request.url}`;
  return { kind: 'redirect', location: `https://${isIP(host) === 6 ? `[${host}]` : host}:${request.port}${url}` };
}

/**
 * The host name or address in a Host header, or null when it is not one we would put in a
 * redirect (anything but letters, digits, dots, hyphens, or a bracketed IPv6 address).
 */
export function hostOf(header: string | undefined): string | null {
  if (!header) return null;
  const v6 = /^\[([0-9a-f:.]+)\](:\d{1,5})?$/i.exec(header);
  if (v6) return isIP(v6[1]) === 6 ? v6[1].toLowerCase() : null;
  const plain = /^([a-z0-9.-]{1,253})(:\d{1,5})?$/i.exec(header);
  return plain ? plain[1].toLowerCase() : null;
}
