/**
 * Orders that need a look: the projector's audit reasons (totals that do not add up, unknown
 * items, payments above the total…) and orders that reached the server after their business
 * day was closed (`late_after_close`).
 */
import { sql } from 'kysely';
import { ordersIn } from './sales';
import type { FlaggedOrder, ReportRange } from '@kiosk/shared';
import type { ReportDb } from './report-db';

export const LATE_AFTER_CLOSE = 'late_after_close';

export async function flaggedOrders(db: ReportDb, r: ReportRange): Promise<FlaggedOrder[]> {
  const result = await sql<{ id: string; business_day: string; number: number | null; provisional_ref: string; flags: unknown; late: boolean }>`
    select o.id, o.business_day, o.number, o.provisional_ref, o.flags,
      (exists (select 1 from z_reports z where z.tenant_id = o.tenant_id and z.outlet_id = o.outlet_id and z.business_day = o.business_day)
        and not exists (select 1 from z_report_orders c where c.tenant_id = o.tenant_id and c.outlet_id = o.outlet_id and c.order_id = o.id and not c.late)) as late
    from orders o
    where ${ordersIn(r)}
    order by o.business_day, o.created_at, o.id`.execute(db);
  const flagged: FlaggedOrder[] = [];
  for (const row of result.rows) {
    const reasons = [...(Array.isArray(row.flags) ? (row.flags as string[]) : [])];
    if (row.late) reasons.push(LATE_AFTER_CLOSE);
    if (reasons.length) flagged.push({ orderId: row.id, businessDay: row.business_day, number: row.number, provisionalRef: row.provisional_ref, reasons });
  }
  return flagged;
}
