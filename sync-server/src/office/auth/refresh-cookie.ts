/**
 * The back-office refresh token lives in the cookie `kiosk_refresh` — httpOnly (no script on the
 * page can read it, so an XSS cannot walk off with a 30-day credential as it could from
 * localStorage), SameSite=Strict, Secure when the request came over TLS (directly or through a
 * trusted proxy: `req.secure` follows `trust proxy`), Path=/api/auth (sent to refresh and
 * logout only, never to the rest of the API or the relay).
 *
 * A cookie is sent by the browser on its own, so the routes that act on it (refresh, logout)
 * check the Origin header first (`checkCookieOrigin`): the page's own origin, or one configured
 * in `ApiDeps.allowedOrigins`; anything else — including no Origin at all — is refused with
 * 403 `origin_refused`. Their CORS answers name that one origin with credentials, never `*`.
 */
import type { Request, Response } from 'express';
import { ErrorCode, REFRESH_COOKIE, REFRESH_COOKIE_PATH } from '@kiosk/shared';
import { ApiError } from '../http/errors';

export function setRefreshCookie(req: Request, res: Response, token: string, expiresAt: number, now: number): void {
  res.cookie(REFRESH_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: req.secure,
    path: REFRESH_COOKIE_PATH,
    maxAge: Math.max(0, expiresAt - now),
  });
}

export function clearRefreshCookie(req: Request, res: Response): void {
  res.clearCookie(REFRESH_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: REFRESH_COOKIE_PATH });
}

/** The refresh token from the Cookie header, or undefined. (No cookie-parser: one cookie is all we read.) */
export function readRefreshCookie(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== REFRESH_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(value) || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The origin this request was made to, as a browser would write it in `Origin`. */
export function ownOrigin(req: Request): string | undefined {
  const host = req.get('host');
  return host ? `${req.protocol}://${host}` : undefined;
}

/** Whether `origin` may make credentialed calls: the server's own origin or a configured one. */
export function isAllowedOrigin(req: Request, origin: string, allowedOrigins: readonly string[]): boolean {
  return origin === ownOrigin(req) || allowedOrigins.includes(origin);
}

/** Throws 403 `origin_refused` unless the request's Origin is allowed (see the module comment). */
export function checkCookieOrigin(req: Request, allowedOrigins: readonly string[]): void {
  const origin = req.get('origin');
  if (!origin) throw new ApiError(ErrorCode.originRefused, 'this call uses the sign-in cookie and needs an Origin header from the back-office page', 'origin');
  if (!isAllowedOrigin(req, origin, allowedOrigins))
    throw new ApiError(ErrorCode.originRefused, `origin ${JSON.stringify(origin)} may not use the sign-in cookie of this server`, 'origin');
}
