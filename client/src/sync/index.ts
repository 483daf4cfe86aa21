/** The device's sync layer without React: what the integration tests in `test/client-sync/` drive against a real relay. */
export { DocSync } from './doc-sync';
export { DeviceSession } from './session';
export { isOrderStored } from './stored-state';
export { loadCredentials, saveCredentials, type DeviceCredentials } from './credentials';
export { RelayLink, webSocketProbe, type KnownRelay, type Relay, type RelayKind, type RelayProbe } from './relay-link';
export { relaysOf } from './credentials';
