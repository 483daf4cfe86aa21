/**
 * Outlet restore over HTTP (owners only): the restore points of an outlet document and the
 * restore itself. The state at a point is computed from the log (`restore-core.ts`); the
 * difference is written through the relay (`relay.transactDoc`) as a new update, so connected
 * devices get it at once and offline ones on reconnect; staff names and roles go to the `staff`
 * table too; every restore is audited as `outlet.restore`.
 *
 * Order of effects, as everywhere in the API: the relay first, outside any transaction (see
 * `withTenant`), then the database rows and the audit row.
 */
import type { Request, Response } from 'express';
import { outletDocName, type RestorePointsResponse, type RestoreResult, restoreBody, type UnknownWriter } from '@kiosk/shared';
import { withTenant, type TenantTransaction } from '@kiosk/store';
import { writeAudit } from '../http/audit';
import { actorId, outletOf, principalOf, type ApiContext } from '../http/context';
import { notFound } from '../http/errors';
import { parseInput } from '../http/validate';
import { applyRestore, RESTORE_SUFFIX, restoredStaff, restorePoints, sectionsOf, stateAt, type OutletLogRow } from './restore-core';

async function outletLog(trx: TenantTransaction, docName: string): Promise<OutletLogRow[]> {
  const rows = await trx.selectFrom('update_log').select(['id', 'update', 'device_id', 'created_at']).where('doc_name', '=', docName).orderBy('id').execute();
  return rows.map((r) => ({ id: Number(r.id), update: r.update, deviceId: r.device_id, createdAt: r.created_at }));
}

/** Writer id → a name people know (users by name or email, staff and devices by name). */
async function namer(trx: TenantTransaction, outlet: string): Promise<(deviceId: string) => { by: string; byUnknown?: UnknownWriter }> {
  const users = await trx.selectFrom('users').select(['id', 'name', 'email']).execute();
  const staff = await trx.selectFrom('staff').select(['id', 'name']).where('outlet_id', '=', outlet).execute();
  const devices = await trx.selectFrom('devices').select(['id', 'name']).where('outlet_id', '=', outlet).execute();
  const names = new Map<string, string>();
  for (const u of users) names.set(`user:${u.id}`, u.name && u.name !== u.id ? u.name : u.email);
  for (const s of staff) names.set(`staff:${s.id}`, s.name);
  for (const d of devices) names.set(d.id, d.name);
  const UNKNOWN: Record<UnknownWriter, string> = { removed_account: 'a removed account', setup: 'setup', system: 'system' };
  const nameOf = (id: string): { by: string; byUnknown?: UnknownWriter } => {
    const name = names.get(id);
    if (name !== undefined) return { by: name };
    const byUnknown: UnknownWriter = id.startsWith('user:') || id.startsWith('staff:') ? 'removed_account' : id === 'cli' || id === 'seed' ? 'setup' : 'system';
    return { by: UNKNOWN[byUnknown], byUnknown };
  };
  // A restore's rows carry the restorer's id with RESTORE_SUFFIX.
  return (id) => nameOf(id.endsWith(RESTORE_SUFFIX) ? id.slice(0, -RESTORE_SUFFIX.length) : id);
}

export function listRestorePoints(ctx: ApiContext) {
  return async (_req: Request, res: Response) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const points = await withTenant(ctx.store, p.tenant, async (trx) => {
      const rows = await outletLog(trx, outletDocName(p.tenant, outlet.id));
      return restorePoints(rows, { nameOf: await namer(trx, outlet.id) });
    });
    res.json({ points } satisfies RestorePointsResponse);
  };
}

export function restoreOutlet(ctx: ApiContext) {
  return async (req: Request, res: Response) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const { pointId } = parseInput(restoreBody, req.body);
    const docName = outletDocName(p.tenant, outlet.id);
    const { target, at } = await withTenant(ctx.store, p.tenant, async (trx) => {
      const rows = await outletLog(trx, docName);
      const row = rows.find((r) => r.id === pointId);
      if (!row) throw notFound(`restore point ${pointId} of this outlet`);
      const doc = stateAt(rows, pointId);
      const sections = sectionsOf(doc);
      doc.destroy();
      return { target: sections, at: row.createdAt.toISOString() };
    });
    let changes: RestoreResult['changes'] = [];
    let staff: { id: string; name: string; role: string }[] = [];
    await ctx.relay.transactDoc(docName, { deviceId: `${actorId(p)}${RESTORE_SUFFIX}` }, (doc) => {
      changes = applyRestore(doc, target);
      staff = restoredStaff(target, changes, doc);
    });
    await withTenant(ctx.store, p.tenant, async (trx) => {
      for (const s of staff) {
        await trx
          .updateTable('staff')
          .set({ name: s.name, role: s.role as never })
          .where('outlet_id', '=', outlet.id)
          .where('id', '=', s.id)
          .where('removed_at', 'is', null)
          .execute();
      }
      await writeAudit(trx, {
        tenant: p.tenant,
        outlet: outlet.id,
        actor: actorId(p),
        action: 'outlet.restore',
        details: { pointId, at, changes: changes.length, sections: [...new Set(changes.map((c) => c.section))], by: p.name },
      });
    });
    res.json({ pointId, at, changes } satisfies RestoreResult);
  };
}
