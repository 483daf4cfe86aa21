/**
 * The cash drawer of a business day: opening float, cash put in or taken out, what was
 * counted at close, and what should be there (float + cash sales − cash refunds + in − out).
 * Its events also list the drawer openings at terminals outside a sale (`drawer_open`, from
 * the day document, amount 0, each with its approval checked), merged by time.
 */
import { sql } from 'kysely';
import type { ReportDb } from './report-db';
import type { CashDrawerEvent, CashDrawer } from '@kiosk/shared';

export async function cashDrawer(
  db: ReportDb,
  input: { tenant: string; outlet: string; day: string; drawerOpens?: readonly CashDrawerEvent[] },
): Promise<CashDrawer> {
  const rows = await db
    .selectFrom('cash_drawer_events')
    .select(['id', 'kind', 'amount', 'note', 'actor', 'at'])
    .where('tenant_id', '=', input.tenant)
    .where('outlet_id', '=', input.outlet)
    .where('business_day', '=', input.day)
    .orderBy('id')
    .execute();
  const sum = (kind: CashDrawerEvent['kind']) => rows.filter((r) => r.kind === kind).reduce((s, r) => s + r.amount, 0);
  const counts = rows.filter((r) => r.kind === 'count');
  const cash = await sql<{ sales: number | null; refunds: number | null }>`
    select
      (select coalesce(sum(p.amount), 0) from payments p join orders o on o.tenant_id = p.tenant_id and o.outlet_id = p.outlet_id and o.id = p.order_id
        where o.tenant_id = ${input.tenant} and o.outlet_id = ${input.outlet} and o.business_day = ${input.day}::date and p.method = 'cash') as sales,
      (select coalesce(sum(r.amount), 0) from voids_refunds r join orders o on o.tenant_id = r.tenant_id and o.outlet_id = r.outlet_id and o.id = r.order_id
        where o.tenant_id = ${input.tenant} and o.outlet_id = ${input.outlet} and o.business_day = ${input.day}::date and r.kind = 'refund' and r.method = 'cash') as refunds`.execute(
    db,
  );
  const cashSales = Number(cash.rows[0]?.sales ?? 0);
  const cashRefunds = Number(cash.rows[0]?.refunds ?? 0);
  const float = sum('float');
  const cashIn = sum('cash_in');
  const cashOut = sum('cash_out');
  const expected = float + cashSales - cashRefunds + cashIn - cashOut;
  const counted = counts.length ? counts[counts.length - 1].amount : null;
  return {
    day: input.day,
    float,
    cashIn,
    cashOut,
    cashSales,
    cashRefunds,
    expected,
    counted,
    overShort: counted === null ? null : counted - expected,
    events: [
      ...rows.map((r): CashDrawerEvent => ({ id: r.id, kind: r.kind, amount: r.amount, note: r.note, actor: r.actor, at: r.at.toISOString() })),
      ...(input.drawerOpens ?? []),
    ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
  };
}
