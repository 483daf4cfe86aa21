/**
 * `startSyncServer`: one HTTP server carrying the express app and the y-websocket relay
 * (`/sync/{docName}?token=…`), optionally linked to an upstream relay (LAN box).
 *
 * ```ts
 * const server = await startSyncServer({ store, secret, port: 8080 });
 * // ws://localhost:8080/sync/demo/main?token=…
 * await server.close();
 * ```
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import { WebSocketServer } from 'ws';
import type { KioskDatabase } from '@kiosk/store';
import { createHttpApp } from './http';
import { clientAddress, type TrustProxySetting } from './security-headers';
import { createRelayMetrics, type RelayMetrics } from './metrics/metrics';
import { DEFAULT_RELAY_OPTIONS, type RelayOptions } from './relay/options';
import { RelayCore, type Relay } from './relay/relay';
import { UpstreamBox, type UpstreamOptions } from './upstream/box';

/** The relay's options (relay/options.ts, where every default lives) plus the server's own. */
export interface SyncServerOptions extends Omit<RelayOptions, 'instanceId' | 'metrics'> {
  /** 0 = any free port. */
  port: number;
  /** Default 0.0.0.0. */
  host?: string;
  /** Built client to serve (SPA fallback to index.html); skipped when missing. */
  clientDist?: string;
  /** LAN box mode: replicate this outlet's documents with the upstream relay. */
  upstream?: UpstreamOptions;
  /** Written to update_log.origin; default `relay:{uuid}` (unique per process). */
  instanceId?: string;
  mountApi?: (app: express.Express, relay: Relay) => void;
  /** Collect process metrics (CPU, memory, event loop); default true. */
  defaultMetrics?: boolean;
  // HTTP hardening (security-headers.ts): whose forwarded headers count, and the /metrics token.
  /** `--trust-proxy`: off (default), a hop count, or proxy addresses; `req.ip` / `clientAddress(req, trustProxy)` follow it. */
  trustProxy?: TrustProxySetting;
  /** `--metrics-token`: /metrics needs this Bearer token; without one only loopback clients get it. */
  metricsToken?: string;
}

export interface SyncServer {
  port: number;
  /** http://host:port */
  url: string;
  relay: Relay;
  metrics: RelayMetrics;
  /** Graceful shutdown: stop accepting, close clients with 1013, write the queue, unload. */
  close(): Promise<void>;
}

export async function startSyncServer(options: SyncServerOptions): Promise<SyncServer> {
  const instanceId = options.instanceId ?? `relay:${randomUUID()}`;
  const log = options.log ?? ((m: string) => console.error(`kiosk relay: ${m}`));
  let core: RelayCore | null = null;
  let box: UpstreamBox | null = null;
  const metrics = createRelayMetrics(
    {
      connections: () => core?.stats().connections ?? 0,
      loadedDocs: () => core?.stats().loadedDocs ?? 0,
      queuedUpdates: () => core?.stats().queuedUpdates ?? 0,
      upstreamLinks: () => box?.linkStats() ?? { connected: 0, total: 0 },
      memory: () => core?.memoryStats() ?? null,
    },
    { defaultMetrics: options.defaultMetrics },
  );
  // The relay picks its own options out of ours (resolveRelayOptions names each one).
  // The upgrade gate counts pending upgrades per client address, behind a proxy per --trust-proxy.
  const clientIp = options.clientIp ?? ((req: http.IncomingMessage) => clientAddress(req, options.trustProxy ?? false));
  const relay = new RelayCore({ ...options, instanceId, metrics, log, clientIp });
  core = relay;
  await relay.start();

  const app = createHttpApp({
    store: options.store,
    relay,
    metrics,
    clientDist: options.clientDist,
    mountApi: options.mountApi,
    log,
    readiness: () => (box ? { upstream: box.linkStats() } : {}),
    trustProxy: options.trustProxy,
    metricsToken: options.metricsToken,
  });
  const server = http.createServer(app);
  const maxMessageBytes = options.limits?.maxMessageBytes ?? DEFAULT_RELAY_OPTIONS.limits.maxMessageBytes;
  // Frames up to 4x the limit are read and refused with 4413 and a reason; beyond that `ws`
  // stops reading and closes with 1009 itself (no unbounded buffering either way).
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes * 4, perMessageDeflate: false });
  let closing = false;
  server.on('upgrade', (req, socket, head) => {
    const pathname = (req.url ?? '').split('?')[0];
    if (closing || !/^\/sync(\/|$)/.test(pathname)) {
      socket.end(closing ? 'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n' : 'HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!relay.gateUpgrade(req, socket)) return; // pending-upgrade caps (relay/upgrade-gate.ts)
    wss.handleUpgrade(req, socket, head, (ws) => relay.handleSocket(ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  if (options.upstream) {
    box = new UpstreamBox({ relay, store: options.store, upstream: options.upstream, log });
    await box.start();
  }

  let closed: Promise<void> | null = null;
  return {
    port,
    url,
    relay,
    metrics,
    close() {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await box?.close();
        await relay.close();
        wss.close();
        server.closeAllConnections();
        await stopped;
      })();
      return closed;
    },
  };
}
