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
import type { Relay } from './relay/relay';

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
}

/** Paths that never fall back to the client's index.html. */
const NOT_CLIENT = /^\/(sync|api|healthz|readyz|metrics)(\/|$)/;

export function createHttpApp(options: HttpAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');

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

  app.get('/metrics', async (_req, res) => {
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
    res.status(404).json({ error: `no route for ${req.method} ${req.path}` });
  });
  return app;
}

/** The app shell and service worker must revalidate, or a deploy never reaches installed PWAs. */
function noCacheForShell(res: express.Response, filePath: string): void {
  const base = path.basename(filePath);
  if (base === 'index.html' || base === 'sw.js' || base.startsWith('workbox-') || base.endsWith('.webmanifest')) res.setHeader('Cache-Control', 'no-cache');
}
