/**
 * @kiosk/sync-server back-office API, mounted at `/api` by `startSyncServer({ mountApi })`.
 * Every endpoint, body and response is listed in ./README.md.
 *
 * ```ts
 * mountApi: (app, relay) => app.use('/api', createOfficeApi({ store, secret, relay }))
 * ```
 */
import express, { Router } from 'express';
import type { ApiContext, ApiDeps } from './http/context';
import { errorHandler, notFoundHandler } from './http/errors';
import { rejectNulBytes, verifyUtf8 } from './http/validate';
import { authenticate, loadOutlet, requireRole } from './http/middleware';
import { createLimiters } from './auth/sign-in-limiter';
import { BoxKeyCache } from '../auth/box-keys';
import { boxRoutes } from './devices/box-routes';
import { authRoutes } from './auth/routes';
import { isAllowedOrigin } from './auth/refresh-cookie';
import { catalogRoutes } from './catalog/routes';
import { deviceRoutes, deviceTokenRoute, pairRoute } from './devices/routes';
import { numberingRoutes } from './outlets/numbering';
import { peopleRoutes } from './outlets/routes';
import { reportRoutes } from './reports/routes';
import { staffRoutes } from './staff/routes';

export type { ApiDeps } from './http/context';
export type { RelayPort } from './http/relay-port';
export { withTenant, APP_ROLE } from '@kiosk/store';
export { createPairingCode } from './devices/pairing';
export { seedOfficeDemo, DEMO_STAFF, DEMO_USERS } from './seed';
export { hashPassword, verifyPassword } from './auth/passwords';
export { StoredLimiter, DEFAULT_LIMIT_RULES, type LimitRule, type LimitRules } from './auth/sign-in-limiter';

/** Routes that set or read the `kiosk_refresh` cookie (paths under /api): credentialed CORS for allowed origins. */
const COOKIE_ROUTES = new Set(['/auth/login', '/auth/refresh', '/auth/logout']);
/** Routes that act on the cookie alone: never `*`, no CORS answer at all for other origins. */
const COOKIE_ONLY_ROUTES = new Set(['/auth/refresh', '/auth/logout']);

export function createOfficeApi(deps: ApiDeps): Router {
  const now = deps.now ?? Date.now;
  // One cache of box keys per process where possible: the relay's, so a revocation here drops both.
  const ownBoxKeys = (deps.boxKeys ?? deps.relay.boxKeys) ? null : new BoxKeyCache(deps.store, 5_000, now);
  const ctx: ApiContext = {
    store: deps.store,
    secret: deps.secret,
    relay: deps.relay,
    now,
    log: deps.log ?? ((message, error) => console.error(message, error)),
    // Stored and counted before the check (see auth/sign-in-limiter.ts): per account, per address, per device.
    limits: createLimiters(deps.store, deps.limits, now),
    allowedOrigins: deps.allowedOrigins ?? [],
    upstreamRelay: deps.upstreamRelay,
    boxKeys: deps.boxKeys ?? deps.relay.boxKeys ?? ownBoxKeys!.resolve,
    forgetBoxKey: (kid) => {
      ownBoxKeys?.forget(kid);
      deps.relay.forgetBoxKey?.(kid);
    },
  };

  const api = Router();
  // Bearer tokens: any origin may call (a device paired from a page served by a LAN box to a
  // cloud URL) without CSRF exposure. The routes that set or read the refresh cookie are the
  // exception: they never answer `*`; an allowed origin (its own or `allowedOrigins`) gets its
  // own name back with credentials, any other none at all (auth/refresh-cookie.ts).
  api.use((req, res, next) => {
    const origin = req.get('origin');
    const credentialed = origin !== undefined && COOKIE_ROUTES.has(req.path) && isAllowedOrigin(req, origin, ctx.allowedOrigins);
    if (COOKIE_ROUTES.has(req.path)) res.setHeader('Vary', 'Origin');
    if (credentialed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    } else if (!COOKIE_ONLY_ROUTES.has(req.path)) {
      // Sign-in stays callable from anywhere without credentials: the browser then ignores the cookie.
      res.setHeader('Access-Control-Allow-Origin', '*');
    }
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After, Content-Disposition');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  });
  api.use(express.json({ limit: '256kb', verify: verifyUtf8 }));
  api.use(rejectNulBytes);
  // Reports change with every order; nothing here may be cached by a browser or proxy.
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  // Public: sign-in, refresh, pairing, device-token renewal. (/auth/pin and /auth/logout authenticate themselves.)
  api.use('/auth', authRoutes(ctx));
  api.use('/pair', pairRoute(ctx));
  api.use('/device-token', deviceTokenRoute(ctx));

  // Everything below needs a valid, unrevoked access token.
  api.use(authenticate(ctx));
  api.use(peopleRoutes(ctx));
  // A LAN box reports the devices it paired on its own (its own token, role box).
  api.use('/box', boxRoutes(ctx));

  const outlet = Router({ mergeParams: true });
  outlet.use(catalogRoutes(ctx));
  outlet.use(staffRoutes(ctx));
  outlet.use(deviceRoutes(ctx));
  outlet.use(numberingRoutes(ctx));
  outlet.use(reportRoutes(ctx));
  // Order matters: another tenant's outlet is 404 before any role check can say 403.
  api.use('/outlets/:outlet', loadOutlet(ctx), requireRole('manager'), outlet);

  api.use(notFoundHandler);
  api.use(errorHandler(ctx.log));
  return api;
}
