/**
 * @kiosk/sync-server — the authenticated, durable y-websocket relay (+ LAN box upstream link),
 * its HTTP app, the back-office API (`office/`), and the token helpers other parts use.
 */
export { startSyncServer, type SyncServer, type SyncServerOptions } from './server';
export type { Relay, Actor, RelayLimits } from './relay/relay';
export { DEFAULT_LIMITS } from './relay/relay';
export * from './auth/index';
export { createRelayMetrics, type RelayMetrics, type RefusalReason } from './metrics/metrics';
export type { UpstreamOptions } from './upstream/box';
export { backoffDelay } from './upstream/backoff';
export * from './office/index';
export * from './office/reports/index';
