import type { ColumnType, Generated } from 'kysely';

/**
 * Tables written by the projector (orders, lines, payments, numbers, cursor, lease).
 * Owned by the projector; see migrations/2026-11-23-2xx-*.ts.
 *
 * Money columns are bigint minor units (read back as JS numbers by the connection's parser).
 * `business_day` is a 'YYYY-MM-DD' string; timestamps are written as ISO strings or Dates.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** jsonb: written as a JSON string, read back parsed. */
type Json<T> = ColumnType<T, string, string>;

export type OrderStatusColumn = 'open' | 'paid' | 'cancelled';
export type KitchenStatusColumn = 'new' | 'preparing' | 'ready' | 'served';

export interface OrdersTable {
  tenant_id: string;
  id: string;
  outlet_id: string;
  business_day: string;
  doc_name: string;
  /** Gapless daily number; null until the numbering authority assigns it. */
  number: number | null;
  provisional_ref: string;
  device_id: string;
  staff_id: string | null;
  type: string;
  table: string | null;
  note: string | null;
  status: OrderStatusColumn;
  kitchen_status: KitchenStatusColumn;
  currency: string;
  subtotal: number;
  discount: number;
  service_charge: number;
  tax: number;
  rounding: number;
  total: number;
  voided_amount: number;
  net_total: number;
  paid: number;
  refunded: number;
  balance_due: number;
  change: number;
  line_count: number;
  item_count: number;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Reasons the order is suspicious (totals, unknown items, overpayment); [] when fine. */
  flags: Json<string[]>;
  /** What the projector's verification found (`TrustFlag[]`, shared/src/domain/trust-flags.ts; migration 2026-12-03-800). */
  trust_flags: Json<unknown[]>;
  /** Audit reasons or trust flags present. */
  flagged: boolean;
  projected_at: DefaultTimestamp;
}

export interface OrderLinesTable {
  tenant_id: string;
  order_id: string;
  line_id: string;
  outlet_id: string;
  business_day: string;
  position: number;
  item_id: string;
  name: string;
  category_id: string;
  station: string;
  qty: number;
  voided_qty: number;
  unit_price: number;
  modifiers_total: number;
  gross: number;
  discount: number;
  net: number;
  status: KitchenStatusColumn;
  note: string | null;
}

export interface OrderLineModifiersTable {
  tenant_id: string;
  order_id: string;
  line_id: string;
  position: number;
  outlet_id: string;
  business_day: string;
  group_id: string;
  option_id: string;
  name: string;
  price_delta: number;
}

export interface PaymentsTable {
  tenant_id: string;
  order_id: string;
  id: string;
  outlet_id: string;
  business_day: string;
  method: string;
  amount: number;
  tendered: number | null;
  reference: string | null;
  device_id: string;
  staff_id: string | null;
  at: Timestamp;
}

export interface KitchenEventsTable {
  tenant_id: string;
  order_id: string;
  id: string;
  outlet_id: string;
  business_day: string;
  kind: 'station' | 'recall';
  station: string;
  status: KitchenStatusColumn;
  line_id: string | null;
  device_id: string;
  staff_id: string | null;
  at: Timestamp;
}

export interface VoidsRefundsTable {
  tenant_id: string;
  order_id: string;
  id: string;
  outlet_id: string;
  business_day: string;
  kind: 'void_line' | 'refund' | 'cancel';
  line_id: string | null;
  qty: number | null;
  amount: number;
  method: string | null;
  reason: string;
  approved_by: string | null;
  device_id: string;
  staff_id: string | null;
  at: Timestamp;
}

export interface OrderTables {
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_line_modifiers: OrderLineModifiersTable;
  payments: PaymentsTable;
  kitchen_events: KitchenEventsTable;
  voids_refunds: VoidsRefundsTable;
  order_numbers: { tenant_id: string; outlet_id: string; business_day: string; last_number: number };
  projector_cursor: { name: string; last_id: number; updated_at: DefaultTimestamp };
  projector_leases: {
    tenant_id: string;
    outlet_id: string;
    holder: string;
    mode: 'authority' | 'mirror';
    expires_at: Timestamp;
    acquired_at: DefaultTimestamp;
  };
  projector_errors: {
    id: Generated<number>;
    tenant_id: string;
    outlet_id: string;
    doc_name: string;
    update_id: number | null;
    order_id: string | null;
    error: string;
    at: DefaultTimestamp;
  };
}
