/**
 * Row shapes the projector writes, as plain values (snake_case = column names). Timestamps are
 * ISO strings and money is integer minor units, so a row is the same whether it comes from the
 * pure projection or is normalised back from the database (see `verify`).
 */
export interface OrderRow {
  tenant_id: string;
  id: string;
  outlet_id: string;
  business_day: string;
  doc_name: string;
  number: number | null;
  provisional_ref: string;
  device_id: string;
  staff_id: string | null;
  type: string;
  table: string | null;
  note: string | null;
  status: 'open' | 'paid' | 'cancelled';
  kitchen_status: 'new' | 'preparing' | 'ready' | 'served';
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
  created_at: string;
  updated_at: string;
  flags: string[];
  flagged: boolean;
}

export interface LineRow {
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
  status: 'new' | 'preparing' | 'ready' | 'served';
  note: string | null;
}

export interface ModifierRow {
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

export interface PaymentRow {
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
  at: string;
}

export interface KitchenEventRow {
  tenant_id: string;
  order_id: string;
  id: string;
  outlet_id: string;
  business_day: string;
  kind: 'station' | 'recall';
  station: string;
  status: 'new' | 'preparing' | 'ready' | 'served';
  line_id: string | null;
  device_id: string;
  staff_id: string | null;
  at: string;
}

export interface VoidRefundRow {
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
  at: string;
}

/** Everything one order projects to. */
export interface OrderRows {
  order: OrderRow;
  lines: LineRow[];
  modifiers: ModifierRow[];
  payments: PaymentRow[];
  kitchenEvents: KitchenEventRow[];
  voidsRefunds: VoidRefundRow[];
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
