/**
 * @kiosk/shared — the document schema, typed accessors and the pure domain core.
 * Browser-safe: no I/O, no Node built-ins. Every other package imports from here.
 */
export * from './protocol/ids';
export * from './protocol/close-codes';
export * from './protocol/version';
export * from './protocol/schemas';
export * from './protocol/doc-names';
export * from './doc/layout';
