/**
 * The HTTP side: health, readiness, metrics, the back-office API (mounted by its owner through
 * `mountApi`) and the built client with SPA fallback.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import { sql } from 'kysely';
import { migrationsUpToDate, type KioskDatabase } from '@kiosk/store';
import type { RelayMetrics } from './metrics/metrics';
import { ApiError } from './office/http/errors';
import { rejectBadUrl } from './office/http/validate';
import type { Relay } from './relay/relay';
import { compileTrustProxy, metricsGate, securityHeaders, type TrustProxySetting } from './security-headers';
import { tlsRoutes, type TlsRoutesOptions } from './tls/setup-routes';

export interface HttpAppOptions {
  store: KioskDatabase;
  relay: Relay;
  metrics: RelayMetrics;
  clientDist?: string;
  mountApi?: (app: express.Express, relay: Relay) => void;
  /** Extra readiness detail (LAN box: upstream link state). */
  readiness?: () => Record<string, unknown>;
  /** Where a failed readiness check's error goes (never into the response: it may name hosts, users or SQL). */
  log?: (message: string) => void;
  /** `--trust-proxy`: whose X-Forwarded-For / -Proto count (req.ip, req.secure). Default off. */
  trustProxy?: TrustProxySetting;
  /** `--metrics-token`: /metrics needs `Authorization: Bearer <token>`; without one only loopback clients get it. */
  metricsToken?: string;
  /** Set when the server also speaks TLS: CA downloads, and the plain-HTTP rule (tls/plain-http.ts). */
  tls?: Omit<TlsRoutesOptions, 'trustProxy'>;
}

/** Paths that never fall back to the client's index.html. */
const NOT_CLIENT = /^\/(sync|api|healthz|readyz|metrics)(\/|$)/;

export function createHttpApp(options: HttpAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', compileTrustProxy(options.trustProxy ?? false));
  // First, so every answer carries them: API, static files, SPA fallback, 404s, errors, probes.
  app.use(securityHeaders());
  app.use(rejectBadUrl);
  // Before every route: a non-loopback device on plain HTTP gets /setup or a redirect, nothing else.
  if (options.tls) app.use(tlsRoutes({ ...options.tls, trustProxy: options.trustProxy }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    let database = false;
    let migrations = false;
    try {
      await sql`select 1`.execute(options.store.db);
      database = true;
      migrations = await migrationsUpToDate(options.store.db);
    } catch (e) {
      (options.log ?? console.error)(`readiness check failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    const ready = database && migrations;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', database, migrations, ...options.readiness?.() });
  });

  app.get('/metrics', metricsGate(options.metricsToken), async (_req, res) => {
    res.set('Content-Type', options.metrics.registry.contentType);
    res.send(await options.metrics.registry.metrics());
  });

  options.mountApi?.(app, options.relay);

  const dist = options.clientDist;
  if (dist && existsSync(path.join(dist, 'index.html'))) {
    app.use(express.static(dist, { index: 'index.html', maxAge: '1h', setHeaders: noCacheForShell }));
    app.use((req, res, next) => {
      if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_CLIENT.test(req.path)) return next();
      res.set('Cache-Control', 'no-cache');
      res.sendFile(path.join(dist, 'index.html'));
    });
  }

  app.use((req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: `no route for ${req.method} ${req.path}` } });
  });
  // Last: express's own handler would answer an HTML page with the stack trace.
  app.use(((error, req, res, next) => {
    if (res.headersSent) return next(error);
    // Our own ApiError (rejectBadUrl) carries a message meant for the caller; anything else
    // (a file error naming a path, a parser's message) is answered by its status class only.
    if (error instanceof ApiError) {
      res.status(error.status).json(error.toBody());
      return;
    }
    const status = (error as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status === 404 ? 404 : 400).json({ error: { code: status === 404 ? 'not_found' : 'bad_request', message: 'the request is malformed' } });
      return;
    }
    (options.log ?? console.error)(
      `http: unexpected error on ${req.method} ${req.path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    res.status(500).json({ error: { code: 'internal', message: 'internal error' } });
  }) satisfies express.ErrorRequestHandler);
  return app;
}

/** The app shell and service worker must revalidate, or a deploy never reaches installed PWAs. */
function noCacheForShell(res: express.Response, filePath: string): void {
  const base = path.basename(filePath);
  if (base === 'index.html' || base === 'sw.js' || base.startsWith('workbox-') || base.endsWith('.webmanifest')) res.setHeader('Cache-Control', 'no-cache');
}
