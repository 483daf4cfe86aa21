/**
 * @kiosk/sync-server — the authenticated, durable y-websocket relay (+ LAN box upstream link),
 * its HTTP app, the back-office API (`office/`), and the token helpers other parts use.
 */
export { startSyncServer, type SyncServer, type SyncServerDiscovery, type SyncServerOptions, type SyncServerTls } from './server';
export type { FoundBox } from './discovery/box-record';
export type { TlsMaterial, TlsOptions } from './tls/box-tls';
export { isCertificateName } from './tls/names';
export type { SetupInfo, SetupPage } from './tls/setup-routes';
export type { Relay, Actor } from './relay/relay';
export { DEFAULT_LIMITS, DEFAULT_RELAY_OPTIONS, type RelayLimits } from './relay/options';
export type { RefusalReason } from '@kiosk/shared';
export * from './auth/index';
export { createRelayMetrics, type RelayMetrics } from './metrics/metrics';
export type { UpstreamOptions, UpstreamBox } from './upstream/box';
export { backoffDelay, type BackoffOptions } from './upstream/backoff';
export { BoxTokenRenewer, renewalDueAt, requestDeviceToken, RenewalError, type HeldToken, type RenewerOptions } from './upstream/token-renewal';
export { DeviceReporter, deviceReportBody, reportFingerprint, type ReportedDevice, type DeviceReporterOptions } from './upstream/device-report';
export { clientAddress, compileTrustProxy, CONTENT_SECURITY_POLICY, parseTrustProxy, requestIsSecure, type TrustProxySetting } from './security-headers';
export * from './office/index';
export * from './office/reports/index';
