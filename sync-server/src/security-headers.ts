/**
 * HTTP hardening shared by every route of the server: the security headers (helmet), the
 * `trust proxy` setting (who the client is behind a TLS proxy) and the `/metrics` gate.
 *
 * ```ts
 * app.set('trust proxy', compileTrustProxy(parseTrustProxy('loopback')));
 * app.use(securityHeaders());
 * const ip = clientAddress(upgradeRequest, trustProxy); // for raw WebSocket upgrades
 * ```
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import proxyaddr from 'proxy-addr';

/**
 * The one Content-Security-Policy of the server, the same on every route.
 * - `script-src 'wasm-unsafe-eval'`: the terminal compiles argon2 (WASM) for the PIN check;
 *   it allows WebAssembly compilation only, not `eval`/`new Function` (zod runs jitless,
 *   client/src/zod-csp.ts).
 * - no `'unsafe-inline'` for styles: the built client has no inline `<style>` or `style=""`
 *   markup (React sets `style` through the CSSOM, which CSP does not govern); the e2e test
 *   loads /pos and /office in Chromium and fails on any violation.
 * - `connect-src ws: wss:`: a LAN box page may sync with a cloud relay of another origin.
 * - `frame-ancestors 'none'` (and X-Frame-Options DENY for old browsers): the back-office
 *   cannot be framed (clickjacking).
 * - no `upgrade-insecure-requests`: a LAN box opened as http://localhost must keep working.
 */
export const CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'", 'ws:', 'wss:'],
  'worker-src': ["'self'"],
  'manifest-src': ["'self'"],
  'frame-ancestors': ["'none'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
} as const;

/** The header value, as browsers receive it (helmet joins the directives with `;`). */
export const CONTENT_SECURITY_POLICY = Object.entries(CSP_DIRECTIVES)
  .map(([name, values]) => `${name} ${values.join(' ')}`)
  .join(';');

/** A year; sent only on requests that arrived over TLS (a browser ignores it over http anyway, and a LAN box on http must stay reachable). */
export const HSTS = 'max-age=31536000';

/**
 * helmet with the policy above, then HSTS when the request is TLS (`req.secure`, which honours
 * `trust proxy`: X-Forwarded-Proto counts only from a trusted proxy). Mount it first, so 404s,
 * errors, /healthz, /metrics and static files all carry the headers.
 */
export function securityHeaders(): RequestHandler {
  const base = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES as unknown as Record<string, string[]> },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // helmet would send HSTS on plain http too; ours depends on the request.
    strictTransportSecurity: false,
    xContentTypeOptions: true,
    // The API answers other origins (CORS *, bearer tokens), so its responses may be read cross-origin.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  return (req, res, next) => {
    if (req.secure) res.setHeader('Strict-Transport-Security', HSTS);
    base(req, res, next);
  };
}

/** `--trust-proxy`: off, a hop count, or proxy addresses (`loopback`, `linklocal`, `uniquelocal`, IPs, CIDRs). */
export type TrustProxySetting = false | number | string[];

const NAMED = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Parses the option's text: `false`/`off`/`0`/empty = off; `2` = trust two hops; otherwise a
 * comma-separated list such as `loopback, 10.0.0.0/8`. `true` (trust everyone) is refused:
 * anyone could then choose their own address for the rate limits with X-Forwarded-For.
 * Throws an Error naming the bad entry.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxySetting {
  const text = (raw ?? '').trim().toLowerCase();
  if (text === '' || text === 'false' || text === 'off' || text === 'no' || text === '0') return false;
  if (text === 'true') throw new Error("must be a hop count, 'loopback' or a CIDR list; 'true' would let any client pick its address");
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 32) throw new Error('a hop count must be 0–32');
    return hops;
  }
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (NAMED.has(entry)) continue;
    try {
      proxyaddr.compile(entry);
    } catch {
      throw new Error(`${JSON.stringify(entry)} is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal`);
    }
  }
  return entries;
}

/** Express's own `trust proxy fn` semantics, so `req.ip` and `clientAddress` always agree. */
export function compileTrustProxy(setting: TrustProxySetting): (address: string, hop: number) => boolean {
  if (setting === false || setting === 0) return () => false;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return proxyaddr.compile(setting);
}

/**
 * The client's address for a raw request (a WebSocket upgrade, which never passes through
 * express): the socket's peer, or with a trusted proxy the nearest untrusted address of
 * X-Forwarded-For — exactly what `req.ip` is for the same request in express.
 */
export function clientAddress(req: IncomingMessage, setting: TrustProxySetting): string {
  return proxyaddr(req, compileTrustProxy(setting)) || req.socket.remoteAddress || 'unknown';
}

/** Whether a raw request came over TLS, directly or (from a trusted proxy) per X-Forwarded-Proto. */
export function requestIsSecure(req: IncomingMessage, setting: TrustProxySetting): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  if (!compileTrustProxy(setting)(req.socket.remoteAddress ?? '', 0)) return false;
  const proto = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    .trim()
    .toLowerCase();
  return proto === 'https';
}

const LOOPBACK = proxyaddr.compile('loopback');
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

/**
 * `/metrics` gate. With a token: `Authorization: Bearer <token>` or 401. Without one: only a
 * loopback client (its address after `trust proxy`), and never a request a proxy forwarded
 * (a TLS proxy on the same host would otherwise make every visitor "loopback"); others get 404,
 * as if there were no such route.
 */
export function metricsGate(token: string | undefined): RequestHandler {
  const expected = token ? createHash('sha256').update(token).digest() : null;
  return (req, res, next) => {
    if (expected) {
      const match = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '');
      const given = createHash('sha256')
        .update(match?.[1] ?? '')
        .digest();
      if (match && timingSafeEqual(given, expected)) return next();
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res.status(401).json({ error: { code: 'unauthorized', message: 'metrics need Authorization: Bearer <metrics token>' } });
      return;
    }
    const proxied = FORWARDING_HEADERS.some((h) => req.headers[h] !== undefined);
    if (!proxied && LOOPBACK(req.ip ?? '', 0)) return next();
    res.status(404).json({ error: { code: 'not_found', message: `no route for ${req.method} ${req.path}` } });
  };
}
