/**
 * The relay's options and their defaults, in one object (hocuspocus `defaultConfiguration`):
 * a reader finds every tunable and its default here, and the relay's parts receive the
 * resolved values instead of each applying its own `??`.
 */
import type { IncomingMessage } from 'node:http';
import type { DatabaseKind, KioskDatabase } from '@kiosk/store';
import type { RelayMetrics } from '../metrics/metrics';
import type { DayWindowOptions } from '@kiosk/shared';
import type { RateLimit } from './device-limits';
import type { BoxKeyResolver } from '../auth/tokens';

export interface RelayLimits {
  /** Largest WebSocket message accepted (bigger → close 4413). Default 1 MiB. */
  maxMessageBytes: number;
  /** Sockets (= documents) one device may hold open at once (more → close 4429). Default 64. */
  maxDocsPerDevice: number;
  /** Messages per device (burst + sustained per second); over it → close 4429. */
  rateLimit: RateLimit;
  /**
   * Send buffer above which a reader stops receiving live messages (they are skipped and it gets
   * one catch-up when it drains); still above it after `slowReaderGraceMs` → terminated (1013).
   * Also the cap of the backlog kept while a connection is admitted. Default 2 MiB.
   */
  maxBufferedBytes: number;
  // ---- relay memory (issue 13; slow-reader.ts, awareness-guard.ts, upgrade-gate.ts)
  /** How long a reader may stay over `maxBufferedBytes` before it is terminated (default 5 s). */
  slowReaderGraceMs: number;
  /** After a close frame, how long a socket may linger before it is terminated (default 2 s). */
  closeLingerMs: number;
  /** Presence (awareness) client ids one connection may publish (default 4). */
  maxAwarenessIdsPerConnection: number;
  /** Presence client ids one device may publish in one document (default 8). */
  maxAwarenessIdsPerDevice: number;
  /** Presence client ids in one document (default 256). */
  maxAwarenessIdsPerDoc: number;
  /** Largest presence state (its JSON text, bytes; default 1 KiB). */
  maxAwarenessStateBytes: number;
  /** Upgrades not yet admitted from one remote address; more → HTTP 429 (default 32). */
  maxPendingUpgradesPerIp: number;
  /** Upgrades not yet admitted in total; more → HTTP 503 (default 512). */
  maxPendingUpgrades: number;
  /** An admission (token check + document load) that takes longer → close `auth_timeout` (default 10 s). */
  admissionTimeoutMs: number;
}

export interface RelayOptions {
  store: KioskDatabase;
  secret: string | Uint8Array;
  instanceId: string;
  metrics: RelayMetrics;
  limits?: Partial<RelayLimits>;
  /**
   * Group commit: wait this long after the first queued update to collect a batch. Default
   * 50 ms on PGlite (it runs on our event loop and costs ~3 ms per transaction whatever its
   * size, so fewer, larger transactions keep fan-out latency flat) and 10 ms on PostgreSQL.
   * A crash loses at most this window from the server, never from the devices.
   */
  flushDelayMs?: number;
  /** Group commit: at most this many updates per transaction (default 500). */
  maxBatch?: number;
  /** Unload a document this long after its last connection left (default 30 s). */
  unloadAfterMs?: number;
  /** Minimum time between two stored-state acknowledgements to one connection (default 100 ms). */
  ackIntervalMs?: number;
  /** How long a revocation lookup is cached (default 5 s); also how long a box key lookup is (so a revoked box's tokens stop within it). */
  revocationCacheMs?: number;
  /**
   * Keys of LAN boxes for box-signed tokens (JWT kid `box:<id>`, auth/tokens.ts). Default: a
   * lookup of `box_keys` cached for `revocationCacheMs` (the cloud). A box passes its own.
   */
  boxKeys?: BoxKeyResolver;
  /** Safety net: tail the log this often even without notifications (default 10 s). */
  tailPollMs?: number;
  /** WebSocket ping interval; a socket that misses a pong is dropped (default 30 s). */
  pingIntervalMs?: number;
  /** On unload, compact a document with more log rows than this after its snapshot (default 500; 0 = never). */
  compactAfterRows?: number;
  /**
   * Which business days devices may write: yesterday and today, plus `graceDays` more days back
   * for long-offline devices (default 3), with `clockSkewMs` of tolerance for a device clock
   * running ahead near the day start (default 15 min). Never a later day.
   */
  dayWindow?: Partial<DayWindowOptions>;
  /** How long the outlet facts the write rules use (settings, staff, devices) are cached (default 10 s). */
  outletFactsTtlMs?: number;
  log?: (message: string) => void;
  now?: () => number;
  /** The remote address an upgrade is counted under (upgrade-gate.ts; default the socket's peer address; pass a trust-proxy-aware one behind a proxy). */
  clientIp?: (req: IncomingMessage) => string;
}

/** The options with every default applied. */
export type ResolvedRelayOptions = Required<Omit<RelayOptions, 'limits' | 'dayWindow' | 'boxKeys'>> & {
  limits: RelayLimits;
  dayWindow: DayWindowOptions;
  /** Absent: the relay makes the cached `box_keys` lookup itself (it needs the store). */
  boxKeys: BoxKeyResolver | undefined;
};

/** Every default of the relay (the flush delay depends on the database, see `RelayOptions.flushDelayMs`). */
export const DEFAULT_RELAY_OPTIONS = {
  limits: {
    maxMessageBytes: 1024 * 1024,
    maxDocsPerDevice: 64,
    rateLimit: { capacity: 2_000, refillPerSecond: 500 },
    maxBufferedBytes: 2 * 1024 * 1024,
    // relay memory (issue 13)
    slowReaderGraceMs: 5_000,
    closeLingerMs: 2_000,
    maxAwarenessIdsPerConnection: 4,
    maxAwarenessIdsPerDevice: 8,
    maxAwarenessIdsPerDoc: 256,
    maxAwarenessStateBytes: 1024,
    maxPendingUpgradesPerIp: 32,
    maxPendingUpgrades: 512,
    admissionTimeoutMs: 10_000,
  },
  flushDelayMs: { pglite: 50, postgres: 10 },
  maxBatch: 500,
  unloadAfterMs: 30_000,
  ackIntervalMs: 100,
  revocationCacheMs: 5_000,
  tailPollMs: 10_000,
  pingIntervalMs: 30_000,
  compactAfterRows: 500,
  dayWindow: { graceDays: 3, clockSkewMs: 15 * 60_000 },
  outletFactsTtlMs: 10_000,
  log: (message: string) => console.error(`relay: ${message}`),
  now: () => Date.now(),
  clientIp: (req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown',
} satisfies Omit<ResolvedRelayOptions, 'store' | 'secret' | 'boxKeys' | 'instanceId' | 'metrics' | 'flushDelayMs'> & {
  flushDelayMs: Record<DatabaseKind, number>;
};

/** The default limits (kept under this name for the package's public API). */
export const DEFAULT_LIMITS: RelayLimits = DEFAULT_RELAY_OPTIONS.limits;

export function resolveRelayOptions(options: RelayOptions): ResolvedRelayOptions {
  const d = DEFAULT_RELAY_OPTIONS;
  return {
    store: options.store,
    secret: options.secret,
    boxKeys: options.boxKeys,
    instanceId: options.instanceId,
    metrics: options.metrics,
    limits: { ...d.limits, ...options.limits },
    flushDelayMs: options.flushDelayMs ?? d.flushDelayMs[options.store.kind],
    maxBatch: options.maxBatch ?? d.maxBatch,
    unloadAfterMs: options.unloadAfterMs ?? d.unloadAfterMs,
    ackIntervalMs: options.ackIntervalMs ?? d.ackIntervalMs,
    revocationCacheMs: options.revocationCacheMs ?? d.revocationCacheMs,
    tailPollMs: options.tailPollMs ?? d.tailPollMs,
    pingIntervalMs: options.pingIntervalMs ?? d.pingIntervalMs,
    compactAfterRows: options.compactAfterRows ?? d.compactAfterRows,
    dayWindow: { ...d.dayWindow, ...options.dayWindow },
    outletFactsTtlMs: options.outletFactsTtlMs ?? d.outletFactsTtlMs,
    log: options.log ?? d.log,
    now: options.now ?? d.now,
    clientIp: options.clientIp ?? d.clientIp,
  };
}
