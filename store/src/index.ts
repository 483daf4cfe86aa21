/**
 * @kiosk/store — the database and the update log, used by every server part: the relay
 * appends and tails, the back-office reads and writes its tables, the projector projects.
 */
export * from './connect';
export * from './migrate';
export type { Database } from './schema';
export type { KitchenEventsTable, OrderLineModifiersTable, OrderLinesTable, OrdersTable, PaymentsTable, VoidsRefundsTable } from './schema/orders';
export * from './update-log/append';
export * from './update-log/channels';
export * from './update-log/read';
export * from './update-log/group-commit';
export * from './update-log/load';
export * from './update-log/compaction';
export * from './tenant';
export * from './revoked-tokens';
