/**
 * `POST /api/box/devices` (issue 14): a paired LAN box reports the devices it paired on its own
 * while the cloud was out of reach, with its own token (role `box`). They are upserted into the
 * cloud's `devices` table for the box's outlet (`paired_by_box`), so the back-office lists them
 * and the projector attributes their orders; never into another outlet or tenant (409).
 *
 * What the box may change: devices it paired itself (name, stations, a revocation). A device
 * the cloud paired, or another box, is left as it is (`unchanged`); a revocation made in the
 * cloud is never undone by a box that has not seen it yet.
 */
import { Router } from 'express';
import { boxDevicesBody, putDevice, removeCatalogEntry, outletDocName, type BoxDevicesResponse, type Device } from '@kiosk/shared';
import { withTenant } from '@kiosk/store';
import { writeAudit } from '../http/audit';
import { principalOf, type ApiContext } from '../http/context';
import { conflict, forbidden, unauthorized } from '../http/errors';
import { parseInput } from '../http/validate';

export function boxRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.post('/devices', async (req, res) => {
    const p = principalOf(res);
    if (p.kind !== 'device' || p.role !== 'box')
      throw forbidden(`only a LAN box reports the devices it paired (its own token, role box); you are signed in as ${p.role}`);
    const body = parseInput(boxDevicesBody, req.body);
    const boxId = p.deviceId;
    const { tenant, outlet } = p;
    const ids = body.devices.map((d) => d.id);
    if (new Set(ids).size !== ids.length) throw conflict('devices: the same device id is listed twice', 'devices');
    // As the owner: ids are global, and a device of another tenant is invisible under its row-level security.
    const elsewhere = ids.length ? await ctx.store.db.selectFrom('devices').select(['id', 'tenant_id', 'outlet_id']).where('id', 'in', ids).execute() : [];
    for (const d of elsewhere) {
      if (d.tenant_id !== tenant || d.outlet_id !== outlet) {
        throw conflict(`device ${d.id} belongs to another outlet; a box reports devices of its own outlet (${tenant}/${outlet}) only`, 'devices');
      }
    }
    const result: BoxDevicesResponse = { created: [], updated: [], unchanged: [] };
    const toDoc: Array<{ device: Device; revoked: boolean }> = [];
    try {
      await withTenant(ctx.store, tenant, async (trx) => {
        const box = await trx.selectFrom('devices').select(['kind', 'revoked_at']).where('id', '=', boxId).where('outlet_id', '=', outlet).executeTakeFirst();
        if (!box || box.kind !== 'box' || box.revoked_at) throw unauthorized('this box is not paired with the outlet (or has been revoked); pair it again');
        const known = new Map((ids.length ? await trx.selectFrom('devices').selectAll().where('id', 'in', ids).execute() : []).map((r) => [r.id, r] as const));
        for (const d of body.devices) {
          const existing = known.get(d.id);
          if (!existing) {
            await trx
              .insertInto('devices')
              .values({
                id: d.id,
                tenant_id: tenant,
                outlet_id: outlet,
                name: d.name,
                kind: d.kind,
                code: d.code,
                stations: JSON.stringify(d.kind === 'kitchen' ? d.stations : []),
                token_jti: null,
                created_by: boxId,
                created_at: d.createdAt,
                revoked_at: d.revokedAt,
                revoked_by: d.revokedAt ? boxId : null,
                paired_by_box: boxId,
              })
              .execute();
            result.created.push(d.id);
          } else if (existing.paired_by_box === boxId) {
            const stations = d.kind === 'kitchen' ? d.stations : [];
            const revokedAt = existing.revoked_at ?? (d.revokedAt ? new Date(d.revokedAt) : null);
            const same =
              existing.name === d.name &&
              existing.kind === d.kind &&
              existing.code === d.code &&
              JSON.stringify(existing.stations) === JSON.stringify(stations) &&
              (existing.revoked_at === null) === (revokedAt === null);
            if (same) {
              result.unchanged.push(d.id);
              continue;
            }
            await trx
              .updateTable('devices')
              .set({
                name: d.name,
                kind: d.kind,
                code: d.code,
                stations: JSON.stringify(stations),
                revoked_at: revokedAt,
                revoked_by: existing.revoked_at ? existing.revoked_by : revokedAt ? boxId : null,
              })
              .where('id', '=', d.id)
              .execute();
            result.updated.push(d.id);
          } else {
            result.unchanged.push(d.id);
            continue;
          }
          await writeAudit(trx, {
            tenant,
            outlet,
            actor: boxId,
            action: 'device.learned_from_box',
            details: { deviceId: d.id, name: d.name, kind: d.kind, code: d.code, revokedAt: d.revokedAt, box: boxId },
          });
          const revoked = existing?.revoked_at != null || d.revokedAt !== null;
          toDoc.push({ device: { id: d.id, name: d.name, kind: d.kind, code: d.code, stations: d.kind === 'kitchen' ? d.stations : [] }, revoked });
        }
      });
    } catch (error) {
      if (/devices_outlet_code|duplicate key/.test(String((error as Error).message))) {
        throw conflict('a device code the box gave is already taken in this outlet by another device; re-pair that device on the box', 'devices');
      }
      throw error;
    }
    // The box usually wrote them into the outlet document itself; writing them again is harmless.
    if (toDoc.length) {
      await ctx.relay.transactDoc(outletDocName(tenant, outlet), { deviceId: boxId }, (doc) => {
        for (const { device, revoked } of toDoc) {
          if (revoked) removeCatalogEntry(doc, 'devices', device.id);
          else putDevice(doc, device);
        }
      });
    }
    res.json(result);
  });
  return router;
}
