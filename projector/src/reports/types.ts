import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema';

/**
 * Any Kysely handle: the API passes its tenant transaction (row-level security applies),
 * maintenance code may pass the plain database.
 */
export type ReportDb = Kysely<Database> | Transaction<Database>;

/** An outlet and an inclusive range of its business days (`YYYY-MM-DD`). */
export interface ReportRange {
  tenant: string;
  outlet: string;
  from: string;
  to: string;
  /** IANA zone of the outlet, for hour-of-day. */
  timeZone: string;
}

/** Money fields are integer minor units. */
export interface SalesSummary {
  /** Orders not cancelled. */
  orders: number;
  cancelled: number;
  /** Σ line gross (qty × (unit price + modifiers)) before discounts. */
  gross: number;
  /** Promotions + manual discounts. */
  discounts: number;
  /** Amount removed by voided lines. */
  voids: number;
  serviceCharge: number;
  /** Inclusive + exclusive taxes as priced. */
  tax: number;
  /** Billed after voids (what customers owe). */
  total: number;
  /** Money given back. */
  refunds: number;
  /** total − tax − serviceCharge − refunds. */
  net: number;
  /** round(total / orders), 0 without orders. */
  averageTicket: number;
  /** Σ tenders applied (payments). */
  payments: number;
}

export interface DaySummary extends SalesSummary {
  businessDay: string;
}
export interface ItemSales {
  itemId: string;
  name: string;
  categoryId: string;
  qty: number;
  voidedQty: number;
  gross: number;
  discount: number;
  net: number;
}
export interface CategorySales {
  categoryId: string;
  qty: number;
  gross: number;
  discount: number;
  net: number;
}
export interface PaymentSales {
  method: string;
  count: number;
  amount: number;
  refunds: number;
  net: number;
}
export interface HourSales {
  hour: number;
  orders: number;
  total: number;
}
export interface DeviceSales {
  deviceId: string;
  orders: number;
  total: number;
}
export interface StaffSales {
  staffId: string;
  orders: number;
  total: number;
}
export interface KitchenTimes {
  station: string;
  tickets: number;
  p50Seconds: number;
  p90Seconds: number;
  maxSeconds: number;
}
export interface FlaggedOrder {
  orderId: string;
  businessDay: string;
  number: number | null;
  provisionalRef: string;
  reasons: string[];
}
