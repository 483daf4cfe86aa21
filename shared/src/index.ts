/**
 * @kiosk/shared — the document schema, typed accessors and the pure domain core.
 * Browser-safe: no I/O, no Node built-ins. Every other package imports from here.
 */
export * from './protocol/ids';
export * from './protocol/close-codes';
export * from './protocol/roles';
export * from './protocol/version';
export * from './protocol/schemas';
export * from './protocol/doc-names';
export * from './protocol/wire';
export * from './doc/layout';
export * from './doc/outlet-doc';
export * from './doc/day-doc';
export * from './doc/day-write-rules';
export * from './domain/money';
export * from './domain/uuid';
export * from './util/asserts';
export * from './domain/business-day';
export * from './domain/pricing';
export * from './domain/submit-order';
export * from './domain/order-events';
export * from './domain/order-fold';
export * from './domain/audit';
export * from './domain/pin';
// staff PINs and approvals (issue 13)
export * from './util/base64';
export * from './domain/staff-keys';
export * from './domain/staff-keys-verify';
export * from './domain/drawer';
export * from './domain/numbering-authority';
export * from './doc/numbering-doc';
export * from './doc/staff-keys-doc';
export * from './api/errors';
export * from './api/ids';
export * from './api/auth';
export * from './api/outlets';
export * from './api/devices';
export * from './api/numbering';
export * from './api/staff';
export * from './api/catalog';
export * from './api/reports';
// projector trust (issue 13): menu versions, re-pricing, trust-flag names
export * from './domain/pricing-inputs';
export * from './domain/pricing-reprice';
export * from './domain/trust-flags';
// Recovery (restore of the outlet document)
export * from './api/restore';
