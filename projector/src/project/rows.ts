/**
 * Row shapes the projector writes, as plain values (snake_case = column names). Timestamps are
 * ISO strings and money is integer minor units, so a row is the same whether it comes from the
 * pure projection or is normalised back from the database (see `verify`). Derived from the
 * table types in `@kiosk/store` (schema/orders.ts), so a column is declared once.
 */
import type { Selectable } from 'kysely';
import type { KitchenEventsTable, OrderLineModifiersTable, OrderLinesTable, OrdersTable, PaymentsTable, VoidsRefundsTable } from '@kiosk/store';

/** A timestamp column as the projector holds it: an ISO string (null stays null). */
type Iso<T> = T extends Date ? string : T;
/** A table's selected row with ISO-string timestamps; jsonb columns are their parsed value. */
type PlainRow<Table> = { [K in keyof Selectable<Table>]: Iso<Selectable<Table>[K]> };

/** `orders` without `projected_at` (the database sets it). */
export type OrderRow = PlainRow<Omit<OrdersTable, 'projected_at'>>;
export type LineRow = PlainRow<OrderLinesTable>;
export type ModifierRow = PlainRow<OrderLineModifiersTable>;
export type PaymentRow = PlainRow<PaymentsTable>;
export type KitchenEventRow = PlainRow<KitchenEventsTable>;
export type VoidRefundRow = PlainRow<VoidsRefundsTable>;

/** Everything one order projects to. */
export interface OrderRows {
  order: OrderRow;
  lines: LineRow[];
  modifiers: ModifierRow[];
  payments: PaymentRow[];
  kitchenEvents: KitchenEventRow[];
  voidsRefunds: VoidRefundRow[];
  /** The number the document holds (maybe one the projector did not adopt): where it differs from the row's, the projector writes the row's back. */
  docNumber: number | null;
}

/** The child tables, in the order they are written, with their key columns after tenant_id/order_id. */
export const CHILD_TABLES = [
  { table: 'order_lines', key: 'lines' },
  { table: 'order_line_modifiers', key: 'modifiers' },
  { table: 'payments', key: 'payments' },
  { table: 'kitchen_events', key: 'kitchenEvents' },
  { table: 'voids_refunds', key: 'voidsRefunds' },
] as const;
export type ChildTable = (typeof CHILD_TABLES)[number]['table'];
