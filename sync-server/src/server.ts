/**
 * `startSyncServer`: one port carrying the express app and the y-websocket relay
 * (`/sync/{docName}?token=…`), optionally linked to an upstream relay (LAN box). With `tls`, the
 * same port speaks HTTPS/WSS too (tls/one-port.ts: the first byte decides), and plain HTTP
 * serves the app only to loopback clients (tls/plain-http.ts).
 *
 * ```ts
 * const server = await startSyncServer({ store, secret, port: 8080 });
 * // ws://localhost:8080/sync/demo/main?token=…
 * await server.close();
 * ```
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import { WebSocketServer } from 'ws';
import type { KioskDatabase } from '@kiosk/store';
import type { FoundBox } from './discovery/box-record';
import { startDiscovery, type Discovery } from './discovery/discovery';
import { createHttpApp } from './http';
import { clientAddress, type TrustProxySetting } from './security-headers';
import { openBoxTls, type BoxTls, type TlsMaterial, type TlsOptions } from './tls/box-tls';
import { httpsUrls } from './tls/names';
import { listenOnePort, type OnePortServer } from './tls/one-port';
import { decidePlainHttp } from './tls/plain-http';
import { isLoopbackRequest, type SetupInfo, type SetupPage } from './tls/setup-routes';
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
  /**
   * HTTPS/WSS on the same port: the box's own CA (`mode: 'box'`) or an operator's certificate.
   * Absent = plain HTTP only (loopback, or behind a TLS-terminating proxy: `--no-tls`).
   */
  tls?: TlsOptions;
  /** Renders /setup for devices on plain HTTP (CA download, how-to); default a minimal page. */
  setupPage?: SetupPage;
  /**
   * LAN discovery (mDNS/DNS-SD `_kiosk-pos._tcp`, `discovery/`): announce this box (needs TLS:
   * the record points at https) and list the other boxes on `/setup`. Absent = off.
   */
  discovery?: SyncServerDiscovery;
}

export interface SyncServerDiscovery {
  announce: boolean;
  browse: boolean;
  /** IPv4 address of the one interface to use; default every interface. */
  interface?: string;
  /** Announced name; default the host name. */
  name?: string;
  /** mDNS UDP port; default 5353 (tests pick another). */
  mdnsPort?: number;
  /** How often to query for other boxes (ms); default 10 s, silent boxes drop out after three rounds. */
  refreshMs?: number;
}

export interface SyncServerTls {
  /** The box CA (PEM), absent with an operator's certificate. */
  caPem?: string;
  /** SHA-256 of the box CA, or of the operator's certificate. */
  fingerprint: string;
  /** `https://name:port` for every name and address the served certificate covers (now). */
  readonly httpsUrls: string[];
  /** What is served now. */
  current(): TlsMaterial;
  /** Re-checks expiry and names now (it also runs periodically); true when a new certificate went live. */
  check(): Promise<boolean>;
}

export interface SyncServer {
  port: number;
  /** http://host:port (with TLS on 0.0.0.0: http://127.0.0.1:port, which loopback gets in plain HTTP) */
  url: string;
  /** Set when the port also speaks TLS. */
  tls?: SyncServerTls;
  relay: Relay;
  metrics: RelayMetrics;
  /** LAN box mode: the upstream links (switch their token with `setToken` when it is renewed). */
  upstream?: UpstreamBox;
  /** Other Kiosk boxes heard on the LAN; empty unless `discovery.browse`. */
  otherBoxes(): FoundBox[];
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

  const boxTls: BoxTls | null = options.tls ? await openBoxTls(options.tls, log) : null;
  let discovery: Discovery | null = null;
  let port = 0;
  const listenHost = options.host ?? '0.0.0.0';
  const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
  const setupInfo = (): SetupInfo | null => {
    const material = boxTls?.current();
    return material?.caPem
      ? {
          caPem: material.caPem,
          caFingerprint: material.fingerprint,
          httpsUrls: httpsUrls(material.names, port),
          ...(discovery ? { otherBoxes: discovery.boxes() } : {}),
        }
      : null;
  };

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
    tls: boxTls
      ? {
          info: setupInfo,
          port: () => port,
          fallbackHost: () => boxTls.current().names.dns.find((n) => n !== 'localhost') ?? host,
          setupPage: options.setupPage,
        }
      : undefined,
  });
  const server = http.createServer(app);
  const secureServer = boxTls ? https.createServer({ key: boxTls.current().key, cert: boxTls.current().cert }, app) : null;
  // A renewed or re-issued certificate goes live without a restart; open connections keep theirs.
  boxTls?.onChange((m) => secureServer?.setSecureContext({ key: m.key, cert: m.cert }));
  const maxMessageBytes = options.limits?.maxMessageBytes ?? DEFAULT_RELAY_OPTIONS.limits.maxMessageBytes;
  // Frames up to 4x the limit are read and refused with 4413 and a reason; beyond that `ws`
  // stops reading and closes with 1009 itself (no unbounded buffering either way).
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes * 4, perMessageDeflate: false });
  let closing = false;
  const onUpgrade = (req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => {
    const pathname = (req.url ?? '').split('?')[0];
    if (closing || !/^\/sync(\/|$)/.test(pathname)) {
      socket.end(closing ? 'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n' : 'HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    // The plain-HTTP rule holds for WebSockets too: another device must use wss.
    if (boxTls && !(req.socket as import('node:tls').TLSSocket).encrypted) {
      const trustProxy = options.trustProxy ?? false;
      const decision = decidePlainHttp({
        secure: false,
        loopbackClient: isLoopbackRequest(req, trustProxy),
        path: pathname,
        url: req.url ?? '/',
        hostHeader: req.headers.host,
        port,
        fallbackHost: host,
      });
      if (decision.kind !== 'app') {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nuse wss:// from other devices\n');
        return;
      }
    }
    if (!relay.gateUpgrade(req, socket)) return; // pending-upgrade caps (relay/upgrade-gate.ts)
    wss.handleUpgrade(req, socket, head, (ws) => relay.handleSocket(ws, req));
  };
  server.on('upgrade', onUpgrade);
  secureServer?.on('upgrade', onUpgrade);

  let onePort: OnePortServer | null = null;
  if (secureServer) {
    onePort = await listenOnePort({ plain: server, secure: secureServer, port: options.port, host: listenHost });
    port = (onePort.server.address() as AddressInfo).port;
  } else {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, listenHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
    port = (server.address() as AddressInfo).port;
  }
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  if (options.upstream) {
    box = new UpstreamBox({ relay, store: options.store, upstream: options.upstream, log });
    await box.start();
  }

  const wanted = options.discovery;
  if (wanted && (wanted.announce || wanted.browse)) {
    if (wanted.announce && !boxTls) log('mDNS: not announcing without TLS (the record would point at https)');
    const announce = wanted.announce && boxTls;
    discovery = startDiscovery({
      interface: wanted.interface,
      port: wanted.mdnsPort,
      announce: announce ? { name: wanted.name ?? os.hostname(), port, caFingerprint: boxTls.current().fingerprint } : undefined,
      browse: wanted.browse ? { refreshMs: wanted.refreshMs } : false,
      log,
    });
  }

  let closed: Promise<void> | null = null;
  return {
    port,
    url,
    tls: boxTls
      ? {
          caPem: boxTls.current().caPem,
          fingerprint: boxTls.current().fingerprint,
          get httpsUrls() {
            return httpsUrls(boxTls.current().names, port);
          },
          current: () => boxTls.current(),
          check: () => boxTls.check(),
        }
      : undefined,
    relay,
    metrics,
    upstream: box ?? undefined,
    otherBoxes: () => discovery?.boxes() ?? [],
    close() {
      closed ??= (async () => {
        closing = true;
        await discovery?.close();
        boxTls?.close();
        const stopped = onePort ? onePort.close() : new Promise<void>((resolve) => server.close(() => resolve()));
        await box?.close();
        await relay.close();
        wss.close();
        server.closeAllConnections();
        secureServer?.closeAllConnections();
        await stopped;
      })();
      return closed;
    },
  };
}
