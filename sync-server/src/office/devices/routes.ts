/**
 * Devices: pairing codes, pairing (POST /api/pair, unauthenticated), list, rename, revoke.
 * A paired device is also written into the outlet document's `devices` map (so provisional
 * references use its code and kitchen displays know their stations); a revoked one is
 * removed from it, its token is revoked and its connections are closed at once.
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import {
  devicePatchBody,
  outletDocName,
  pairBody,
  putDevice,
  readOutlet,
  removeCatalogEntry,
  type Device,
  type DeviceRevoked,
  type DevicesResponse,
  type DeviceUpdated,
  type DeviceView,
  type PairingCodeResponse,
  type PairResponse,
} from '@kiosk/shared';
import { writeAudit } from '../http/audit';
import { actorId, clientIp, outletOf, principalOf, type ApiContext } from '../http/context';
import { ApiError, notFound, rateLimited } from '../http/errors';
import { isLimited } from '../auth/sign-in-limiter';
import { createPairingCode, hashPairingCode, nextDeviceCode } from './pairing';
import { revokeJti } from '@kiosk/store';
import { DEVICE_TOKEN_TTL_SECONDS, issueAccess } from '../auth/sessions';
import { withTenant } from '@kiosk/store';
import { parseInput } from '../http/validate';

/** POST /api/pair — a new device trades a pairing code for its long-lived device token. */
export function pairRoute(ctx: ApiContext): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const ip = clientIp(req);
    const body = parseInput(pairBody, req.body);
    const attempt = await ctx.limits.pair.begin(ip);
    if (isLimited(attempt)) throw rateLimited(`too many wrong pairing codes from your address; try again in ${attempt.retryAfter} s`, attempt.retryAfter);
    const hash = hashPairingCode(body.code);
    // The code is all the caller has, so the lookup runs as the owner; the rest under its tenant.
    const pairing = await ctx.store.db.selectFrom('pairing_codes').selectAll().where('code_hash', '=', hash).executeTakeFirst();
    if (!pairing || pairing.used_at || pairing.expires_at.getTime() <= ctx.now()) {
      throw new ApiError('unauthorized', 'this pairing code is wrong, expired or already used; ask a manager for a new one', 'code');
    }
    await attempt.ok();
    const { tenant_id: tenant, outlet_id: outlet } = pairing;
    const docName = outletDocName(tenant, outlet);
    const docDevices = readOutlet(await ctx.relay.getDoc(docName)).devices;
    const deviceId = randomUUID();
    const access = await issueAccess(ctx, { tenant, outlet, role: body.kind, deviceId, ttlSeconds: DEVICE_TOKEN_TTL_SECONDS });
    const stations = body.kind === 'kitchen' ? (body.stations ?? []) : [];
    let code = '';
    for (let attempt = 0; ; attempt++) {
      try {
        code = await withTenant(ctx.store, tenant, async (trx) => {
          const claimed = await trx
            .updateTable('pairing_codes')
            .set({ used_at: new Date(ctx.now()), device_id: deviceId })
            .where('code_hash', '=', hash)
            .where('used_at', 'is', null)
            .returning('code_hash')
            .executeTakeFirst();
          if (!claimed) throw new ApiError('unauthorized', 'this pairing code has just been used', 'code');
          const rows = await trx.selectFrom('devices').select('code').where('outlet_id', '=', outlet).execute();
          const next = nextDeviceCode([...rows.map((r) => r.code), ...docDevices.map((d) => d.code)]);
          await trx
            .insertInto('devices')
            .values({
              id: deviceId,
              tenant_id: tenant,
              outlet_id: outlet,
              name: body.name,
              kind: body.kind,
              code: next,
              stations: JSON.stringify(stations),
              token_jti: access.jti,
              created_by: pairing.created_by,
            })
            .execute();
          await writeAudit(trx, {
            tenant,
            outlet,
            actor: pairing.created_by,
            action: 'device.paired',
            details: { deviceId, name: body.name, kind: body.kind, code: next },
          });
          return next;
        });
        break;
      } catch (error) {
        // Two devices pairing at once may pick the same short code: the unique key refuses one; pick again.
        if (attempt < 4 && /devices_outlet_code|duplicate key/.test(String((error as Error).message))) continue;
        throw error;
      }
    }
    const device: Device = { id: deviceId, name: body.name, kind: body.kind, code, stations } as Device;
    await ctx.relay.transactDoc(docName, { deviceId: pairing.created_by }, (doc) => putDevice(doc, device));
    res.status(201).json({ token: access.token, deviceId, tenant, outlet, code, kind: body.kind, name: body.name, stations } satisfies PairResponse);
  });
  return router;
}

/** /api/outlets/:outlet/pairing-codes and /api/outlets/:outlet/devices (manager). */
export function deviceRoutes(ctx: ApiContext): Router {
  const router = Router({ mergeParams: true });

  router.post('/pairing-codes', async (_req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const created = await createPairingCode(ctx.store, { tenant: p.tenant, outlet: outlet.id, createdBy: actorId(p), now: ctx.now() });
    res.status(201).json({ code: created.code, expiresAt: created.expiresAt } satisfies PairingCodeResponse);
  });

  router.get('/devices', async (_req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const rows = await withTenant(ctx.store, p.tenant, (trx) =>
      trx.selectFrom('devices').selectAll().where('outlet_id', '=', outlet.id).orderBy('code').execute(),
    );
    const docDevices = readOutlet(await ctx.relay.getDoc(outletDocName(p.tenant, outlet.id))).devices;
    const known = new Set(rows.map((r) => r.id));
    const devices: DeviceView[] = [
      ...rows.map((r) => ({
        id: r.id,
        name: r.name,
        kind: r.kind,
        code: r.code,
        stations: r.stations,
        createdAt: r.created_at.toISOString(),
        revokedAt: r.revoked_at ? r.revoked_at.toISOString() : null,
        paired: true,
      })),
      ...docDevices
        .filter((d) => !known.has(d.id))
        .map((d) => ({ id: d.id, name: d.name, kind: d.kind, code: d.code, stations: d.stations, createdAt: null, revokedAt: null, paired: false })),
    ];
    res.json({ devices } satisfies DevicesResponse);
  });

  router.patch('/devices/:deviceId', async (req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const body = parseInput(devicePatchBody, req.body);
    const deviceId = String(req.params.deviceId);
    const row = await withTenant(ctx.store, p.tenant, async (trx) => {
      const updated = await trx
        .updateTable('devices')
        .set({ ...(body.name !== undefined ? { name: body.name } : {}), ...(body.stations !== undefined ? { stations: JSON.stringify(body.stations) } : {}) })
        .where('id', '=', deviceId)
        .where('outlet_id', '=', outlet.id)
        .returningAll()
        .executeTakeFirst();
      if (!updated) throw notFound(`device ${JSON.stringify(deviceId)}`);
      await writeAudit(trx, { tenant: p.tenant, outlet: outlet.id, actor: actorId(p), action: 'device.updated', details: { deviceId, ...body } });
      return updated;
    });
    if (!row.revoked_at) {
      const device = { id: row.id, name: row.name, kind: row.kind, code: row.code, stations: row.stations } as Device;
      await ctx.relay.transactDoc(outletDocName(p.tenant, outlet.id), { deviceId: actorId(p) }, (doc) => putDevice(doc, device));
    }
    res.json({
      device: { id: row.id, name: row.name, kind: row.kind, code: row.code, stations: row.stations, revokedAt: row.revoked_at?.toISOString() ?? null },
    } satisfies DeviceUpdated);
  });

  router.post('/devices/:deviceId/revoke', async (req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const deviceId = String(req.params.deviceId);
    const row = await withTenant(ctx.store, p.tenant, async (trx) => {
      const found = await trx.selectFrom('devices').selectAll().where('id', '=', deviceId).where('outlet_id', '=', outlet.id).executeTakeFirst();
      if (!found) throw notFound(`device ${JSON.stringify(deviceId)}`);
      if (found.revoked_at) return found;
      const updated = await trx
        .updateTable('devices')
        .set({ revoked_at: new Date(ctx.now()), revoked_by: actorId(p) })
        .where('id', '=', deviceId)
        .returningAll()
        .executeTakeFirstOrThrow();
      await writeAudit(trx, {
        tenant: p.tenant,
        outlet: outlet.id,
        actor: actorId(p),
        action: 'device.revoked',
        details: { deviceId, name: found.name, code: found.code },
      });
      return updated;
    });
    if (row.token_jti) await revokeJti(ctx.store.db, row.token_jti);
    const closed = ctx.relay.disconnect({ deviceId }) + (row.token_jti ? ctx.relay.disconnect({ tokenId: row.token_jti }) : 0);
    await ctx.relay.transactDoc(outletDocName(p.tenant, outlet.id), { deviceId: actorId(p) }, (doc) => {
      removeCatalogEntry(doc, 'devices', deviceId);
    });
    res.json({
      device: { id: row.id, name: row.name, code: row.code, revokedAt: row.revoked_at?.toISOString() ?? null },
      disconnected: closed,
    } satisfies DeviceRevoked);
  });

  return router;
}
