/**
 * Kitchen times: from submission (order created_at) to the first time each station reported
 * the order ready (or served), per station, with median and 90th percentile (percentile_cont, so the
 * value interpolates between tickets like a spreadsheet's PERCENTILE).
 */
import { sql } from 'kysely';
import { ordersIn } from './sales';
import type { KitchenTimes, ReportRange } from '@kiosk/shared';
import type { ReportDb } from './report-db';

export async function kitchenTimes(db: ReportDb, r: ReportRange): Promise<KitchenTimes[]> {
  const result = await sql<{ station: string; tickets: number; p50: number | null; p90: number | null; max: number | null }>`
    with bumps as (
      select k.order_id, k.station, k.line_id, min(k.at) as at
      from kitchen_events k
      where k.tenant_id = ${r.tenant} and k.outlet_id = ${r.outlet} and k.kind = 'station' and k.status in ('ready', 'served')
        and k.business_day between ${r.from}::date and ${r.to}::date
      group by k.order_id, k.station, k.line_id
    ), ready as (
      -- A station-level bump, else the last of its line-level bumps (the station is ready when
      -- its last line is). Recalls do not move the first ready time: that is when food was up.
      select order_id, station, coalesce(min(at) filter (where line_id is null), max(at)) as ready_at
      from bumps group by order_id, station
    ), waits as (
      select ready.station, extract(epoch from (ready.ready_at - o.created_at)) as seconds
      from ready join orders o on o.tenant_id = ${r.tenant} and o.outlet_id = ${r.outlet} and o.id = ready.order_id
      where ${ordersIn(r)} and o.status <> 'cancelled'
    )
    select station, count(*)::int as tickets,
      percentile_cont(0.5) within group (order by seconds) as p50,
      percentile_cont(0.9) within group (order by seconds) as p90,
      max(seconds) as max
    from waits group by station order by station`.execute(db);
  return result.rows.map((row) => ({
    station: row.station,
    tickets: Number(row.tickets),
    p50Seconds: Math.round(Number(row.p50 ?? 0) * 10) / 10,
    p90Seconds: Math.round(Number(row.p90 ?? 0) * 10) / 10,
    maxSeconds: Math.round(Number(row.max ?? 0) * 10) / 10,
  }));
}
