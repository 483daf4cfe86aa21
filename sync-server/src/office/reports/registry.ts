/**
 * Every range report by name, with its query and its CSV columns, so the HTTP layer serves
 * JSON and CSV of each without knowing them one by one.
 */
import type { CsvColumn } from './csv';
import { flaggedOrders } from './flagged';
import { kitchenTimes } from './kitchen';
import { salesByCategory, salesByDevice, salesByHour, salesByItem, salesByPaymentMethod, salesByStaff, salesSummary, summaryByDay } from './sales';
import type { DaySummary, ReportRange, SalesSummary } from '@kiosk/shared';
import type { ReportDb } from './report-db';

export interface ReportDefinition<Row> {
  query(db: ReportDb, range: ReportRange): Promise<Row[]>;
  columns: CsvColumn<Row>[];
}

const col = <Row>(header: string, value: (row: Row) => string | number | boolean | null | undefined): CsvColumn<Row> => ({ header, value });

const summaryColumns = <Row extends SalesSummary>(): CsvColumn<Row>[] => [
  col('orders', (r) => r.orders),
  col('cancelled', (r) => r.cancelled),
  col('gross', (r) => r.gross),
  col('discounts', (r) => r.discounts),
  col('voids', (r) => r.voids),
  col('service_charge', (r) => r.serviceCharge),
  col('tax', (r) => r.tax),
  col('total', (r) => r.total),
  col('refunds', (r) => r.refunds),
  col('net', (r) => r.net),
  col('average_ticket', (r) => r.averageTicket),
  col('payments', (r) => r.payments),
];

function define<Row>(query: (db: ReportDb, range: ReportRange) => Promise<Row[]>, columns: CsvColumn<Row>[]): ReportDefinition<Row> {
  return { query, columns };
}

export const REPORTS = {
  summary: define(async (db, r) => [await salesSummary(db, r)], summaryColumns<SalesSummary>()),
  days: define(summaryByDay, [col<DaySummary>('business_day', (r) => r.businessDay), ...summaryColumns<DaySummary>()]),
  items: define(salesByItem, [
    col('item_id', (r) => r.itemId),
    col('name', (r) => r.name),
    col('category_id', (r) => r.categoryId),
    col('qty', (r) => r.qty),
    col('voided_qty', (r) => r.voidedQty),
    col('gross', (r) => r.gross),
    col('discount', (r) => r.discount),
    col('net', (r) => r.net),
  ]),
  categories: define(salesByCategory, [
    col('category_id', (r) => r.categoryId),
    col('qty', (r) => r.qty),
    col('gross', (r) => r.gross),
    col('discount', (r) => r.discount),
    col('net', (r) => r.net),
  ]),
  payments: define(salesByPaymentMethod, [
    col('method', (r) => r.method),
    col('count', (r) => r.count),
    col('amount', (r) => r.amount),
    col('refunds', (r) => r.refunds),
    col('net', (r) => r.net),
  ]),
  hours: define(salesByHour, [col('hour', (r) => r.hour), col('orders', (r) => r.orders), col('total', (r) => r.total)]),
  devices: define(salesByDevice, [col('device_id', (r) => r.deviceId), col('orders', (r) => r.orders), col('total', (r) => r.total)]),
  staff: define(salesByStaff, [col('staff_id', (r) => r.staffId), col('orders', (r) => r.orders), col('total', (r) => r.total)]),
  kitchen: define(kitchenTimes, [
    col('station', (r) => r.station),
    col('tickets', (r) => r.tickets),
    col('p50_seconds', (r) => r.p50Seconds),
    col('p90_seconds', (r) => r.p90Seconds),
    col('max_seconds', (r) => r.maxSeconds),
  ]),
  flagged: define(flaggedOrders, [
    col('order_id', (r) => r.orderId),
    col('business_day', (r) => r.businessDay),
    col('number', (r) => r.number),
    col('provisional_ref', (r) => r.provisionalRef),
    col('reasons', (r) => r.reasons.join('; ')),
    col('trust_flags', (r) => r.trust.map((f) => [f.flag, f.field, f.writerName].filter(Boolean).join(' ')).join('; ')),
    col('device', (r) => r.deviceName),
    col('staff', (r) => r.staffName),
  ]),
} as const;

export type ReportName = keyof typeof REPORTS;
