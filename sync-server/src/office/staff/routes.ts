/**
 * Staff of an outlet: /api/outlets/:outlet/staff. Kept in the `staff` table (with the argon2id
 * PIN verifier, server-side only) and in the outlet document (id, name, role and the approval
 * public key; no verifier, since every device holds that document). Setting a PIN also seals a
 * new approval key under it (`staff-keys.ts`). The PIN itself is never stored or returned.
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import {
  hashPin,
  putStaff,
  removeCatalogEntry,
  scrubPinHashes,
  staffCreateBody,
  staffPatchBody,
  verifyPin,
  type StaffResponse,
  type StaffSaved,
  type StaffView,
} from '@kiosk/shared';
import { actorId, outletOf, principalOf, type ApiContext } from '../http/context';
import { conflict, notFound } from '../http/errors';
import { editOutletDoc } from '../outlets/outlet-doc';
import { withTenant, type TenantTransaction } from '@kiosk/store';
import { parseInput } from '../http/validate';
import { dropStaffKey, issueStaffKey, retireStaffKeys } from './staff-keys';
import { endTokens } from '../auth/token-ledger';

/** A PIN picks its owner at sign-in, so two people of one outlet must not share one. */
async function ensurePinFree(trx: TenantTransaction, outlet: string, candidate: string, exceptId?: string): Promise<void> {
  const rows = await trx.selectFrom('staff').select(['id', 'pin_hash']).where('outlet_id', '=', outlet).where('removed_at', 'is', null).execute();
  for (const row of rows) {
    if (row.id !== exceptId && (await verifyPin(candidate, row.pin_hash)))
      throw conflict('pin: another staff member of this outlet already uses this PIN', 'pin');
  }
}

export function staffRoutes(ctx: ApiContext): Router {
  const router = Router({ mergeParams: true });

  router.get('/staff', async (_req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const rows = await withTenant(ctx.store, p.tenant, (trx) =>
      trx
        .selectFrom('staff')
        .select(['id', 'name', 'role', 'created_at'])
        .where('outlet_id', '=', outlet.id)
        .where('removed_at', 'is', null)
        .orderBy('name')
        .execute(),
    );
    const staff: StaffView[] = rows.map((r) => ({ id: r.id, name: r.name, role: r.role, createdAt: r.created_at.toISOString() }));
    res.json({ staff } satisfies StaffResponse);
  });

  router.post('/staff', async (req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const body = parseInput(staffCreateBody, req.body);
    const id = body.id ?? randomUUID();
    const pinHash = await hashPin(body.pin);
    await withTenant(ctx.store, p.tenant, async (trx) => {
      const existing = await trx.selectFrom('staff').select('id').where('outlet_id', '=', outlet.id).where('id', '=', id).executeTakeFirst();
      if (existing) throw conflict(`id: staff member ${JSON.stringify(id)} already exists`, 'id');
      await ensurePinFree(trx, outlet.id, body.pin);
      await trx.insertInto('staff').values({ tenant_id: p.tenant, outlet_id: outlet.id, id, name: body.name, role: body.role, pin_hash: pinHash }).execute();
    });
    const key = await issueStaffKey(ctx, { tenant: p.tenant, outlet: outlet.id, staffId: id, actor: actorId(p) }, body.pin);
    await editOutletDoc(ctx, p, outlet.id, { action: 'staff.create', details: { id, name: body.name, role: body.role } }, (doc) => {
      putStaff(doc, { id, name: body.name, role: body.role });
      key.applyToOutlet(doc);
      scrubPinHashes(doc); // documents from before issue 13: the server drops their verifiers on write
    });
    res.status(201).json({ staff: { id, name: body.name, role: body.role } } satisfies StaffSaved);
  });

  router.patch('/staff/:staffId', async (req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const body = parseInput(staffPatchBody, req.body);
    const staffId = String(req.params.staffId);
    const pinHash = body.pin ? await hashPin(body.pin) : undefined;
    let roleChanged = false;
    const row = await withTenant(ctx.store, p.tenant, async (trx) => {
      const found = await trx
        .selectFrom('staff')
        .selectAll()
        .where('outlet_id', '=', outlet.id)
        .where('id', '=', staffId)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      if (!found) throw notFound(`staff member ${JSON.stringify(staffId)}`);
      if (body.pin) await ensurePinFree(trx, outlet.id, body.pin, staffId);
      roleChanged = body.role !== undefined && body.role !== found.role;
      return trx
        .updateTable('staff')
        .set({ ...(body.name ? { name: body.name } : {}), ...(body.role ? { role: body.role } : {}), ...(pinHash ? { pin_hash: pinHash } : {}) })
        .where('outlet_id', '=', outlet.id)
        .where('id', '=', staffId)
        .returningAll()
        .executeTakeFirstOrThrow();
    });
    // A new PIN or role ends the tokens signed in with the old one (outside withTenant: token-ledger.ts).
    if (body.pin) await endTokens(ctx, { tenant: p.tenant, staffId }, 'staff_pin_changed');
    else if (roleChanged) await endTokens(ctx, { tenant: p.tenant, staffId }, 'staff_role_changed');
    const key = body.pin ? await issueStaffKey(ctx, { tenant: p.tenant, outlet: outlet.id, staffId, actor: actorId(p) }, body.pin) : undefined;
    await editOutletDoc(
      ctx,
      p,
      outlet.id,
      { action: 'staff.update', details: { id: staffId, name: body.name, role: body.role, pinChanged: body.pin !== undefined } },
      (doc) => {
        putStaff(doc, { id: row.id, name: row.name, role: row.role });
        key?.applyToOutlet(doc);
        scrubPinHashes(doc);
      },
    );
    res.json({ staff: { id: row.id, name: row.name, role: row.role } } satisfies StaffSaved);
  });

  router.delete('/staff/:staffId', async (req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const staffId = String(req.params.staffId);
    const removed = await withTenant(ctx.store, p.tenant, (trx) =>
      trx
        .updateTable('staff')
        .set({ removed_at: new Date(ctx.now()) })
        .where('outlet_id', '=', outlet.id)
        .where('id', '=', staffId)
        .where('removed_at', 'is', null)
        .returning(['id', 'name'])
        .executeTakeFirst(),
    );
    if (!removed) throw notFound(`staff member ${JSON.stringify(staffId)}`);
    await endTokens(ctx, { tenant: p.tenant, staffId }, 'staff_removed');
    await dropStaffKey(ctx, { tenant: p.tenant, outlet: outlet.id, staffId, actor: actorId(p) });
    await editOutletDoc(ctx, p, outlet.id, { action: 'staff.remove', details: { id: staffId, name: removed.name, removedBy: actorId(p) } }, (doc) => {
      removeCatalogEntry(doc, 'staff', staffId);
      retireStaffKeys(doc, staffId, ctx.now());
      scrubPinHashes(doc);
    });
    res.status(204).end();
  });

  return router;
}
