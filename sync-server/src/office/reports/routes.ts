/**
 * Reports, X/Z reports, cash drawer and audit log of an outlet:
 * /api/outlets/:outlet/{reports/:report, x-report, z-reports, cash-drawer, audit}.
 * The queries live beside this file (pure functions of a Kysely handle); here
 * they run inside the caller's tenant transaction, so row-level security applies.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import {
  businessDayOf,
  dayDocName,
  drawerReportEvents,
  readOutlet,
  type CashDrawerEvent,
  type ReportResponse,
  type ZReportsResponse,
  type ZReportView,
} from '@kiosk/shared';
import {
  auditTrail,
  cashDrawer,
  closeDay,
  DAY_FIGURES_CSV_COLUMNS,
  dayFiguresCsvRows,
  listOrders,
  orderDetail,
  REPORTS,
  toCsv,
  xReport,
  type DayFigures,
  type ReportDefinition,
  type ReportName,
} from './index';
import { writeAudit } from '../http/audit';
import { actorId, outletOf, principalOf, type ApiContext } from '../http/context';
import { badRequest, conflict, notFound } from '../http/errors';
import { readOutletDoc } from '../outlets/outlet-doc';
import { withTenant } from '@kiosk/store';
import { parseInput } from '../http/validate';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a calendar date');
const MAX_RANGE_DAYS = 366;
const rangeQuery = z
  .object({ from: day, to: day, format: z.enum(['json', 'csv']).default('json') })
  .refine((q) => q.from <= q.to, { message: 'must not be before from', path: ['to'] })
  .refine((q) => (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 < MAX_RANGE_DAYS, {
    message: `the range must be at most ${MAX_RANGE_DAYS} days`,
    path: ['to'],
  });
const dayQuery = z.object({ day: day.optional(), format: z.enum(['json', 'csv']).default('json') });
const closeBody = z.object({ day, countedCash: z.number().int('must be whole minor units').min(0, 'must not be negative').optional() });
const cashBody = z.object({
  day,
  kind: z.enum(['float', 'cash_in', 'cash_out', 'count']),
  amount: z.number().int('must be whole minor units').min(0, 'must not be negative'),
  note: z.string().max(200).optional(),
});
const ordersQuery = z
  .object({
    from: day,
    to: day,
    q: z.string().trim().max(40).optional(),
    status: z.enum(['open', 'paid', 'cancelled']).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .refine((q) => q.from <= q.to, { message: 'must not be before from', path: ['to'] });
const auditQuery = z.object({
  from: day.optional(),
  to: day.optional(),
  action: z.string().max(60).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

function sendCsv(res: Response, filename: string, csv: string): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.send(csv);
}

export function reportRoutes(ctx: ApiContext): Router {
  const router = Router({ mergeParams: true });

  /** The outlet's current business day, from its settings (time zone, day start). */
  async function today(tenant: string, outlet: string): Promise<string> {
    const settings = readOutlet(await readOutletDoc(ctx, tenant, outlet)).settings;
    if (!settings) throw badRequest('day: the outlet has no settings yet, give ?day=YYYY-MM-DD', 'day');
    return businessDayOf(ctx.now(), settings);
  }

  /**
   * Drawer openings at terminals outside a sale: read from the day document itself (they are
   * not projected into rows), each approval checked against the outlet's approval keys.
   */
  async function drawerOpens(tenant: string, outlet: string, day: string): Promise<CashDrawerEvent[]> {
    const [dayDoc, outletDoc] = [await ctx.relay.getDoc(dayDocName(tenant, outlet, day)), await readOutletDoc(ctx, tenant, outlet)];
    return drawerReportEvents(dayDoc, readOutlet(outletDoc));
  }

  router.get('/reports/:report', async (req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const name = String(req.params.report);
    if (!Object.hasOwn(REPORTS, name)) throw notFound(`report ${JSON.stringify(name)} (known: ${Object.keys(REPORTS).join(', ')})`);
    const report = REPORTS[name as ReportName] as unknown as ReportDefinition<unknown>;
    const q = parseInput(rangeQuery, req.query);
    const rows = await withTenant(ctx.store, p.tenant, (trx) =>
      report.query(trx, { tenant: p.tenant, outlet: outlet.id, from: q.from, to: q.to, timeZone: outlet.time_zone }),
    );
    if (q.format === 'csv') return sendCsv(res, `${outlet.id}-${name}-${q.from}-${q.to}.csv`, toCsv(report.columns, rows));
    res.json({ report: name, outlet: outlet.id, from: q.from, to: q.to, currency: outlet.currency, timeZone: outlet.time_zone, rows } satisfies ReportResponse);
  });

  router.get('/orders', async (req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const q = parseInput(ordersQuery, req.query);
    const orders = await withTenant(ctx.store, p.tenant, (trx) =>
      listOrders(trx, {
        tenant: p.tenant,
        outlet: outlet.id,
        from: q.from,
        to: q.to,
        timeZone: outlet.time_zone,
        search: q.q,
        status: q.status,
        limit: q.limit,
      }),
    );
    res.json({ orders });
  });

  router.get('/orders/:orderId', async (req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const orderId = String(req.params.orderId);
    const order = await withTenant(ctx.store, p.tenant, (trx) => orderDetail(trx, { tenant: p.tenant, outlet: outlet.id, orderId }));
    if (!order) throw notFound(`order ${JSON.stringify(orderId)}`);
    res.json({ order });
  });

  router.get('/x-report', async (req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const q = parseInput(dayQuery, req.query);
    const reportDay = q.day ?? (await today(p.tenant, outlet.id));
    const opens = await drawerOpens(p.tenant, outlet.id, reportDay);
    const report = await withTenant(ctx.store, p.tenant, (trx) =>
      xReport(trx, { tenant: p.tenant, outlet: outlet.id, day: reportDay, timeZone: outlet.time_zone, drawerOpens: opens }),
    );
    if (q.format === 'csv') return sendCsv(res, `${outlet.id}-x-report-${reportDay}.csv`, toCsv(DAY_FIGURES_CSV_COLUMNS, dayFiguresCsvRows(report)));
    res.json({ ...report, currency: outlet.currency });
  });

  router.get('/z-reports', async (req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const q = parseInput(z.object({ from: day.optional(), to: day.optional() }), req.query);
    const rows = await withTenant(ctx.store, p.tenant, (trx) => {
      let query = trx.selectFrom('z_reports').select(['business_day', 'closed_by', 'closed_at', 'figures']).where('outlet_id', '=', outlet.id);
      if (q.from) query = query.where('business_day', '>=', q.from);
      if (q.to) query = query.where('business_day', '<=', q.to);
      return query.orderBy('business_day', 'desc').execute();
    });
    res.json({
      zReports: rows.map((r) => ({ day: r.business_day, closedBy: r.closed_by, closedAt: r.closed_at.toISOString(), figures: r.figures as DayFigures })),
    } satisfies ZReportsResponse);
  });

  router.get('/z-reports/:day', async (req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const d = parseInput(day, req.params.day, 'day');
    const { format } = parseInput(z.object({ format: z.enum(['json', 'csv']).default('json') }), req.query);
    const row = await withTenant(ctx.store, p.tenant, (trx) =>
      trx
        .selectFrom('z_reports')
        .select(['business_day', 'closed_by', 'closed_at', 'figures'])
        .where('outlet_id', '=', outlet.id)
        .where('business_day', '=', d)
        .executeTakeFirst(),
    );
    if (!row) throw notFound(`Z report for ${d}`);
    if (format === 'csv') return sendCsv(res, `${outlet.id}-z-report-${d}.csv`, toCsv(DAY_FIGURES_CSV_COLUMNS, dayFiguresCsvRows(row.figures as DayFigures)));
    res.json({
      day: row.business_day,
      closedBy: row.closed_by,
      closedAt: row.closed_at.toISOString(),
      figures: row.figures as DayFigures,
    } satisfies ZReportView);
  });

  router.post('/z-reports', async (req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const body = parseInput(closeBody, req.body);
    const current = await today(p.tenant, outlet.id).catch(() => undefined);
    if (current && body.day > current) throw badRequest(`day: ${body.day} has not started yet (today is ${current})`, 'day');
    // Read before the transaction (the relay is never awaited inside one, see withTenant).
    const opens = await drawerOpens(p.tenant, outlet.id, body.day);
    const result = await withTenant(ctx.store, p.tenant, async (trx) => {
      const exists = await trx
        .selectFrom('z_reports')
        .select('business_day')
        .where('outlet_id', '=', outlet.id)
        .where('business_day', '=', body.day)
        .executeTakeFirst();
      if (exists) throw conflict(`day: ${body.day} is already closed; a closed day never changes`, 'day');
      if (body.countedCash !== undefined) {
        await trx
          .insertInto('cash_drawer_events')
          .values({
            tenant_id: p.tenant,
            outlet_id: outlet.id,
            business_day: body.day,
            kind: 'count',
            amount: body.countedCash,
            note: 'counted at close',
            actor: actorId(p),
          })
          .execute();
      }
      const closed = await closeDay(trx, {
        tenant: p.tenant,
        outlet: outlet.id,
        day: body.day,
        timeZone: outlet.time_zone,
        drawerOpens: opens,
        closedBy: actorId(p),
        closedAt: new Date(ctx.now()),
      });
      await writeAudit(trx, {
        tenant: p.tenant,
        outlet: outlet.id,
        actor: actorId(p),
        action: 'day.close',
        details: { day: body.day, by: p.name, total: closed.figures.summary.total, lateOrders: closed.figures.lateOrders.length },
      });
      return closed;
    });
    res.status(201).json(result);
  });

  router.get('/cash-drawer', async (req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const q = parseInput(dayQuery, req.query);
    const d = q.day ?? (await today(p.tenant, outlet.id));
    const opens = await drawerOpens(p.tenant, outlet.id, d);
    const drawer = await withTenant(ctx.store, p.tenant, (trx) => cashDrawer(trx, { tenant: p.tenant, outlet: outlet.id, day: d, drawerOpens: opens }));
    res.json(drawer);
  });

  router.post('/cash-drawer', async (req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const body = parseInput(cashBody, req.body);
    const opens = await drawerOpens(p.tenant, outlet.id, body.day);
    const drawer = await withTenant(ctx.store, p.tenant, async (trx) => {
      const closed = await trx
        .selectFrom('z_reports')
        .select('business_day')
        .where('outlet_id', '=', outlet.id)
        .where('business_day', '=', body.day)
        .executeTakeFirst();
      if (closed) throw conflict(`day: ${body.day} is closed; its cash drawer can no longer change`, 'day');
      await trx
        .insertInto('cash_drawer_events')
        .values({
          tenant_id: p.tenant,
          outlet_id: outlet.id,
          business_day: body.day,
          kind: body.kind,
          amount: body.amount,
          note: body.note ?? null,
          actor: actorId(p),
        })
        .execute();
      await writeAudit(trx, {
        tenant: p.tenant,
        outlet: outlet.id,
        actor: actorId(p),
        action: `cash.${body.kind}`,
        details: { day: body.day, amount: body.amount, note: body.note, by: p.name },
      });
      return cashDrawer(trx, { tenant: p.tenant, outlet: outlet.id, day: body.day, drawerOpens: opens });
    });
    res.status(201).json(drawer);
  });

  router.get('/audit', async (req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const q = parseInput(auditQuery, req.query);
    const entries = await withTenant(ctx.store, p.tenant, (trx) =>
      auditTrail(trx, { tenant: p.tenant, outlet: outlet.id, from: q.from, to: q.to, action: q.action, limit: q.limit, timeZone: outlet.time_zone }),
    );
    res.json({ entries });
  });

  return router;
}
