/**
 * Report queries over the projected rows: pure functions of a Kysely handle and an outlet
 * range. The API runs them in its tenant transaction (row-level security); they also
 * filter by tenant and outlet themselves, so they are correct on any handle.
 */
export * from '@kiosk/shared';
export * from './csv';
export * from './sales';
export * from './kitchen';
export * from './flagged';
export * from './cash-drawer';
export * from './z-report';
export * from './audit-trail';
export * from './orders';
export * from './registry';
