/**
 * Tables written by the projector (orders, lines, payments, numbers, cursor, lease).
 * Owned by the projector; see migrations/2026-11-23-2xx-*.ts.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface OrderTables {}
