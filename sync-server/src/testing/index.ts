/**
 * `@kiosk/sync-server/testing`: a real relay on port 0 with stock y-websocket clients, the
 * back-office API on a real port, and the report fixtures (orders with hand-computed sums).
 */
export * from './start-test-relay';
export * from './office-fixtures';
export * from './report-fixtures';
export { cuttableProxy, type CuttableProxy } from './cuttable-proxy';
