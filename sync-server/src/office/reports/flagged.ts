/**
 * Orders that need a look: the projector's audit reasons (totals that do not add up, unknown
 * items, payments above the total…), its verification findings (`trust_flags`: numbers it
 * ignored, prices that differ from the menu, a header written by another device, unknown staff),
 * and orders that reached the server after their business day was closed (`late_after_close`).
 * Devices and staff are given by name, so the back-office never shows a raw id.
 */
import { sql } from 'kysely';
import { readTrustFlags, type FlaggedOrder, type FlaggedTrustFinding, type ReportRange } from '@kiosk/shared';
import { ordersIn } from './sales';
import type { ReportDb } from './report-db';

export const LATE_AFTER_CLOSE = 'late_after_close';

export async function flaggedOrders(db: ReportDb, r: ReportRange): Promise<FlaggedOrder[]> {
  const result = await sql<{
    id: string;
    business_day: string;
    number: number | null;
    provisional_ref: string;
    flags: unknown;
    trust_flags: unknown;
    device_id: string;
    device_name: string | null;
    staff_name: string | null;
    late: boolean;
  }>`
    select o.id, o.business_day, o.number, o.provisional_ref, o.flags, o.trust_flags, o.device_id,
      (select d.name from devices d where d.tenant_id = o.tenant_id and d.id = o.device_id) as device_name,
      (select s.name from staff s where s.tenant_id = o.tenant_id and s.outlet_id = o.outlet_id and s.id = o.staff_id) as staff_name,
      (exists (select 1 from z_reports z where z.tenant_id = o.tenant_id and z.outlet_id = o.outlet_id and z.business_day = o.business_day)
        and not exists (select 1 from z_report_orders c where c.tenant_id = o.tenant_id and c.outlet_id = o.outlet_id and c.order_id = o.id and not c.late)) as late
    from orders o
    where ${ordersIn(r)}
    order by o.business_day, o.created_at, o.id`.execute(db);
  const trustRows = result.rows.map((row) => readTrustFlags(row.trust_flags));
  const deviceIdOf = (f: { flag: string; claimed?: unknown }) => (f.flag === 'device_mismatch' && typeof f.claimed === 'string' ? [f.claimed] : []);
  const writers = [...new Set(trustRows.flat().flatMap((f) => [...(f.writer ? [f.writer] : []), ...deviceIdOf(f)]))];
  const writerNames = new Map<string, string>();
  if (writers.length > 0) {
    const named = await sql<{ id: string; name: string }>`select id, name from devices where id in (${sql.join(writers)})`.execute(db);
    for (const d of named.rows) writerNames.set(d.id, d.name);
  }
  const flagged: FlaggedOrder[] = [];
  result.rows.forEach((row, i) => {
    const reasons = [...(Array.isArray(row.flags) ? (row.flags as string[]) : [])];
    if (row.late) reasons.push(LATE_AFTER_CLOSE);
    const trust = trustRows[i].map((f): FlaggedTrustFinding => {
      const finding: FlaggedTrustFinding = { flag: f.flag };
      if (f.field !== undefined) finding.field = f.field;
      if (f.expected !== undefined) finding.expected = f.expected;
      // A claimed device is shown by name; a claimed staff id the outlet never had has no name to show.
      if (f.flag === 'device_mismatch' && typeof f.claimed === 'string') finding.claimed = writerNames.get(f.claimed) ?? f.claimed;
      else if (f.claimed !== undefined && f.flag !== 'unknown_staff') finding.claimed = f.claimed;
      if (f.writer) finding.writerName = writerNames.get(f.writer) ?? (f.writer === 'projector' ? 'server' : f.writer);
      return finding;
    });
    if (reasons.length || trust.length)
      flagged.push({
        orderId: row.id,
        businessDay: row.business_day,
        number: row.number,
        provisionalRef: row.provisional_ref,
        reasons,
        trust,
        deviceName: row.device_name ?? row.device_id,
        staffName: row.staff_name,
      });
  });
  return flagged;
}
