/**
 * The audit trail of an outlet: the back-office's own log (document edits with before/after,
 * devices, staff, sign-ins, day closes, cash) merged with every void and refund of the
 * projected orders (with who approved it) and every write to the outlet document from the
 * update log (with the device or person that sent it). Newest first.
 */
import { sql } from 'kysely';
import type { ReportDb } from './report-db';

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  details: Record<string, unknown>;
  /** `office` = audit_log, `orders` = voids and refunds of the projected orders, `document` = writes to the outlet document (update log). */
  source: 'office' | 'orders' | 'document';
}

export interface AuditQuery {
  tenant: string;
  outlet: string;
  /** Business days / local dates (outlet time zone), inclusive. */
  from?: string;
  to?: string;
  /** Action prefix, e.g. `catalog`, `auth`, `order`. */
  action?: string;
  limit: number;
  timeZone: string;
}

export async function auditTrail(db: ReportDb, q: AuditQuery): Promise<AuditEntry[]> {
  const local = (column: string) => sql`(${sql.ref(column)} at time zone ${q.timeZone})::date`;
  const office = await db
    .selectFrom('audit_log')
    .select(['at', 'actor', 'action', 'details'])
    .where('tenant_id', '=', q.tenant)
    .where((eb) => eb.or([eb('outlet_id', '=', q.outlet), eb('outlet_id', 'is', null)]))
    .$if(q.from !== undefined, (qb) => qb.where(sql<boolean>`${local('at')} >= ${q.from}::date`))
    .$if(q.to !== undefined, (qb) => qb.where(sql<boolean>`${local('at')} <= ${q.to}::date`))
    .$if(q.action !== undefined, (qb) => qb.where('action', 'like', `${escapeLike(q.action ?? '')}%`))
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit)
    .execute();
  const entries: AuditEntry[] = office.map((r) => ({ at: r.at.toISOString(), actor: r.actor, action: r.action, details: r.details, source: 'office' }));

  if (q.action === undefined || 'order.'.startsWith(q.action) || q.action.startsWith('order')) {
    const orders = await sql<{
      at: Date;
      kind: string;
      order_id: string;
      business_day: string;
      number: number | null;
      provisional_ref: string;
      amount: number;
      method: string | null;
      reason: string;
      approved_by: string | null;
      approved_by_name: string | null;
      staff_id: string | null;
      device_id: string;
      line_id: string | null;
      qty: number | null;
    }>`
      select x.at, x.kind, x.order_id, o.business_day, o.number, o.provisional_ref, x.amount, x.method, x.reason,
        x.approved_by, a.name as approved_by_name, x.staff_id, x.device_id, x.line_id, x.qty
      from voids_refunds x join orders o on o.tenant_id = x.tenant_id and o.outlet_id = x.outlet_id and o.id = x.order_id
      left join staff a on a.tenant_id = x.tenant_id and a.outlet_id = x.outlet_id and a.id = x.approved_by
      where x.tenant_id = ${q.tenant} and x.outlet_id = ${q.outlet}
        ${q.from !== undefined ? sql`and o.business_day >= ${q.from}::date` : sql``}
        ${q.to !== undefined ? sql`and o.business_day <= ${q.to}::date` : sql``}
      order by x.at desc limit ${q.limit}`.execute(db);
    for (const r of orders.rows) {
      const action = r.kind === 'refund' ? 'order.refund' : r.kind === 'cancel' ? 'order.cancel' : 'order.void';
      if (q.action !== undefined && !action.startsWith(q.action)) continue;
      entries.push({
        at: new Date(r.at).toISOString(),
        actor: r.staff_id ? `staff:${r.staff_id}` : r.device_id,
        action,
        details: {
          orderId: r.order_id,
          businessDay: r.business_day,
          number: r.number,
          provisionalRef: r.provisional_ref,
          amount: Number(r.amount),
          method: r.method,
          reason: r.reason,
          approvedBy: r.approved_by,
          /** The approver's name when they are on the outlet's staff list. */
          approvedByName: r.approved_by_name,
          deviceId: r.device_id,
          lineId: r.line_id,
          qty: r.qty,
        },
        source: 'orders',
      });
    }
  }
  // Every write to the outlet document, whoever made it (the API's own edits are also above,
  // with before/after; a manager's device writing the document directly appears only here).
  if (q.action === undefined || 'document.update'.startsWith(q.action) || q.action.startsWith('document')) {
    const docName = `${q.tenant}/${q.outlet}`;
    const writes = await db
      .selectFrom('update_log')
      .select(['id', 'device_id', 'origin', 'created_at', sql<number>`length(update)`.as('bytes')])
      .where('tenant_id', '=', q.tenant)
      .where('doc_name', '=', docName)
      .$if(q.from !== undefined, (qb) => qb.where(sql<boolean>`${local('created_at')} >= ${q.from}::date`))
      .$if(q.to !== undefined, (qb) => qb.where(sql<boolean>`${local('created_at')} <= ${q.to}::date`))
      .orderBy('id', 'desc')
      .limit(q.limit)
      .execute();
    for (const w of writes) {
      entries.push({
        at: w.created_at.toISOString(),
        actor: w.device_id,
        action: 'document.update',
        details: { doc: docName, updateId: w.id, bytes: Number(w.bytes), origin: w.origin },
        source: 'document',
      });
    }
  }
  entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return entries.slice(0, q.limit);
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
