import type { TrustFlagName } from '../domain/trust-flags';
/**
 * The back-office reports' response types: shared by the queries that build them
 * (`sync-server/src/office/reports/`) and the screens that show them (`client/src/routes/office/`).
 */

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
  /** The projector's verification findings (issue 13), with the devices named, never as ids. */
  trust: FlaggedTrustFinding[];
  /** Name of the device the order names (or its id when the device is unknown to the outlet). */
  deviceName: string;
  /** Name of the staff member the order names; null when none or unknown. */
  staffName: string | null;
}

/** One `TrustFlag` of an order as the back-office shows it. */
export interface FlaggedTrustFinding {
  flag: TrustFlagName;
  field?: string;
  expected?: number | string | null;
  claimed?: number | string | null;
  /** Name of the device whose write it was (when not the order's own device). */
  writerName?: string;
}

export interface LateOrder {
  orderId: string;
  businessDay: string;
  number: number | null;
  provisionalRef: string;
  total: number;
}

export interface Adjustment {
  /** The closed day whose figures changed. */
  businessDay: string;
  delta: SalesSummary;
}

export interface DayFigures {
  day: string;
  summary: SalesSummary;
  payments: PaymentSales[];
  cashDrawer: CashDrawer;
  adjustments: Adjustment[];
  lateOrders: LateOrder[];
}

export interface XReport extends Omit<DayFigures, 'adjustments'> {
  closed: boolean;
  /** The frozen Z figures when the day is closed. */
  zReport: DayFigures | null;
  /** What the next Z report will add for closed days. */
  pendingAdjustments: Adjustment[];
}

export interface OrderListEntry {
  id: string;
  businessDay: string;
  number: number | null;
  provisionalRef: string;
  deviceId: string;
  staffId: string | null;
  type: string;
  table: string | null;
  status: string;
  kitchenStatus: string;
  total: number;
  netTotal: number;
  paid: number;
  refunded: number;
  balanceDue: number;
  createdAt: string;
  flags: string[];
}

export interface OrderDetail extends OrderListEntry {
  subtotal: number;
  discount: number;
  serviceCharge: number;
  tax: number;
  rounding: number;
  voidedAmount: number;
  note: string | null;
  lines: Array<{
    lineId: string;
    itemId: string;
    name: string;
    categoryId: string;
    station: string;
    qty: number;
    voidedQty: number;
    unitPrice: number;
    modifiersTotal: number;
    gross: number;
    discount: number;
    net: number;
    status: string;
    note: string | null;
    modifiers: Array<{ groupId: string; optionId: string; name: string; priceDelta: number }>;
  }>;
  payments: Array<{
    id: string;
    method: string;
    amount: number;
    tendered: number | null;
    reference: string | null;
    deviceId: string;
    staffId: string | null;
    at: string;
  }>;
  voidsRefunds: Array<{
    id: string;
    kind: string;
    lineId: string | null;
    qty: number | null;
    amount: number;
    method: string | null;
    reason: string;
    approvedBy: string | null;
    deviceId: string;
    staffId: string | null;
    at: string;
  }>;
  kitchen: Array<{ id: string; kind: string; station: string; status: string; lineId: string | null; deviceId: string; at: string }>;
}

export interface CashDrawerEvent {
  /** A back-office entry's row id; a drawer opening's event id (UUIDv7) from the day document. */
  id: number | string;
  /** 'drawer_open': opened at a terminal outside a sale, with a manager's approval (amount 0). */
  kind: 'float' | 'cash_in' | 'cash_out' | 'count' | 'drawer_open';
  amount: number;
  note: string | null;
  actor: string;
  at: string;
  /** drawer_open: the approving manager's staff id. */
  approvedBy?: string;
  /** drawer_open: why the approval's signature does not verify, null when it does. */
  approvalProblem?: string | null;
}

export interface CashDrawer {
  day: string;
  float: number;
  cashIn: number;
  cashOut: number;
  /** Cash tenders applied to the day's orders (change already deducted). */
  cashSales: number;
  cashRefunds: number;
  expected: number;
  /** The last count of the day, null until counted. */
  counted: number | null;
  /** counted − expected: positive = over, negative = short; null until counted. */
  overShort: number | null;
  /** Oldest first: back-office entries and drawer openings at terminals. */
  events: CashDrawerEvent[];
}

/** A closed day: `POST /z-reports` (201), `GET /z-reports/:day`, and each entry of `GET /z-reports`. The figures never change. */
export interface ZReportView {
  day: string;
  closedBy: string;
  closedAt: string;
  figures: DayFigures;
}
export interface ZReportsResponse {
  zReports: ZReportView[];
}

/** `GET /reports/:report` as JSON; the row type depends on the report. */
export interface ReportResponse<Row = unknown> {
  report: string;
  outlet: string;
  from: string;
  to: string;
  currency: string;
  timeZone: string;
  rows: Row[];
}
