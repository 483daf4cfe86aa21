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
  deviceTokenBody,
  ErrorCode,
  type DeviceTokenResponse,
  outletDocName,
  pairBody,
  pairingCodeBody,
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
import { ApiError, forbidden, notFound, rateLimited } from '../http/errors';
import { isLimited } from '../auth/sign-in-limiter';
import { createPairingCode, hashPairingCode, hashRenewalKey, newRenewalKey, nextDeviceCode } from './pairing';

export { hashRenewalKey, newRenewalKey } from './pairing';
import { revokeJti } from '@kiosk/store';
import { DEVICE_TOKEN_TTL_SECONDS, deviceTokenKey, issueAccess, issueRecorded } from '../auth/sessions';
import { pairBox, retireBox } from './box-pairing';
import { endTokens, recordIssued } from '../auth/token-ledger';
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
    // The code stays unused when it is of the wrong kind: the person retries on the right screen.
    if (pairing.kind === 'box' && body.kind !== 'box') {
      throw new ApiError(
        ErrorCode.pairingKindMismatch,
        `this pairing code is for a LAN box, not a ${body.kind === 'kitchen' ? 'kitchen display' : 'terminal'}; ask a manager for a device pairing code`,
        'code',
      );
    }
    if (pairing.kind !== 'box' && body.kind === 'box') {
      throw new ApiError(
        ErrorCode.pairingKindMismatch,
        'this pairing code is for a terminal or kitchen display, not a LAN box; an owner creates a box pairing code in the back-office (Devices → pair a LAN box)',
        'code',
      );
    }
    if (body.kind === 'box') {
      res.status(201).json(await pairBox(ctx, pairing, { name: body.name }));
      return;
    }
    const kind = body.kind;
    const { tenant_id: tenant, outlet_id: outlet } = pairing;
    const docName = outletDocName(tenant, outlet);
    const docDevices = readOutlet(await ctx.relay.getDoc(docName)).devices;
    const deviceId = randomUUID();
    const access = await issueAccess(
      ctx,
      { tenant, outlet, role: kind, deviceId, ttlSeconds: DEVICE_TOKEN_TTL_SECONDS },
      await deviceTokenKey(ctx, tenant, outlet, kind),
    );
    const renewalKey = newRenewalKey();
    const stations = kind === 'kitchen' ? (body.stations ?? []) : [];
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
              kind,
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
            details: { deviceId, name: body.name, kind, code: next },
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
    // After the tenant transaction, as the owner: the ledger tables have no kiosk_app grant
    // (writing them inside withTenant is what failed last time; token-ledger.ts).
    await recordIssued(ctx.store, { jti: access.jti, tenant, kind: 'device', subject: deviceId, issuedAt: access.issuedAt, expiresAt: access.expiresAt });
    await ctx.store.db
      .insertInto('device_renewal_keys')
      .values({ key_hash: hashRenewalKey(renewalKey), device_id: deviceId, tenant_id: tenant })
      .execute();
    const device: Device = { id: deviceId, name: body.name, kind, code, stations } as Device;
    await ctx.relay.transactDoc(docName, { deviceId: pairing.created_by }, (doc) => putDevice(doc, device));
    res.status(201).json({
      token: access.token,
      expiresAt: access.expiresAt,
      renewalKey,
      deviceId,
      tenant,
      outlet,
      code,
      kind,
      name: body.name,
      stations,
      ...(ctx.upstreamRelay
        ? {
            relays: [
              { kind: 'box' as const, url: `${req.secure ? 'wss' : 'ws'}://${req.get('host')}/sync` },
              { kind: 'cloud' as const, url: ctx.upstreamRelay },
            ],
          }
        : {}),
    } satisfies PairResponse);
  });
  return router;
}

/**
 * POST /api/device-token — a paired device trades its renewal key for a fresh one-day token.
 * No live token is needed (the old one may have expired while the device was off). The key is
 * not rotated: the table holds one key per device, and a rotated key whose answer is lost on a
 * flaky shop network would lock the device out until it is paired again; the key only ever
 * travels to this endpoint, over TLS, and revocation deletes it.
 */
export function deviceTokenRoute(ctx: ApiContext): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const ip = clientIp(req);
    const body = parseInput(deviceTokenBody, req.body);
    const attempt = await ctx.limits.renew.begin(ip);
    if (isLimited(attempt)) throw rateLimited(`too many token renewals from your address; try again in ${attempt.retryAfter} s`, attempt.retryAfter);
    // The key is all the caller has: the lookup runs as the owner (like pairing codes), the device under its tenant.
    const key = await ctx.store.db.selectFrom('device_renewal_keys').selectAll().where('key_hash', '=', hashRenewalKey(body.renewalKey)).executeTakeFirst();
    if (!key) throw new ApiError(ErrorCode.renewalKeyInvalid, 'this renewal key is not known here; pair the device again', 'renewalKey');
    const device = await withTenant(ctx.store, key.tenant_id, (trx) =>
      trx.selectFrom('devices').select(['id', 'outlet_id', 'kind', 'revoked_at']).where('id', '=', key.device_id).executeTakeFirst(),
    );
    if (!device || device.revoked_at) throw new ApiError(ErrorCode.deviceRevoked, 'this device has been revoked; ask a manager to pair it again');
    await attempt.ok();
    // A box renews its own (role box, server secret) token here too; a terminal or kitchen of an
    // outlet with a box gets its token signed with the box's key (auth/sessions.ts deviceTokenKey).
    const access = await issueRecorded(
      ctx,
      { tenant: key.tenant_id, outlet: device.outlet_id, role: device.kind, deviceId: device.id, ttlSeconds: DEVICE_TOKEN_TTL_SECONDS },
      { kind: 'device' },
      await deviceTokenKey(ctx, key.tenant_id, device.outlet_id, device.kind),
    );
    await withTenant(ctx.store, key.tenant_id, (trx) => trx.updateTable('devices').set({ token_jti: access.jti }).where('id', '=', device.id).execute());
    res.json({ token: access.token, expiresAt: access.expiresAt, deviceId: device.id } satisfies DeviceTokenResponse);
  });
  return router;
}

/** /api/outlets/:outlet/pairing-codes and /api/outlets/:outlet/devices (manager). */
export function deviceRoutes(ctx: ApiContext): Router {
  const router = Router({ mergeParams: true });

  router.post('/pairing-codes', async (req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const body = parseInput(pairingCodeBody, req.body ?? {});
    // A box relays the whole outlet, signs its devices' tokens and numbers its orders: owners only.
    if (body.kind === 'box' && !(p.kind === 'user' && p.role === 'owner')) {
      throw forbidden(`a LAN box pairing code needs the role owner; you are signed in as ${p.role}`);
    }
    const created = await createPairingCode(ctx.store, { tenant: p.tenant, outlet: outlet.id, createdBy: actorId(p), now: ctx.now(), kind: body.kind });
    res.status(201).json({ code: created.code, expiresAt: created.expiresAt, kind: created.kind } satisfies PairingCodeResponse);
  });

  router.get('/devices', async (_req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const rows = await withTenant(ctx.store, p.tenant, (trx) =>
      trx.selectFrom('devices').selectAll().where('outlet_id', '=', outlet.id).orderBy('code').execute(),
    );
    const boxNames = new Map(rows.filter((r) => r.kind === 'box').map((r) => [r.id, r.name]));
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
        pairedByBox: r.paired_by_box ? (boxNames.get(r.paired_by_box) ?? r.paired_by_box) : null,
      })),
      ...docDevices
        .filter((d) => !known.has(d.id))
        .map((d) => ({
          id: d.id,
          name: d.name,
          kind: d.kind,
          code: d.code,
          stations: d.stations,
          createdAt: null,
          revokedAt: null,
          paired: false,
          pairedByBox: null,
        })),
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
    // A box is never in the outlet document (its kind is not a Device kind: terminals would misread it).
    if (!row.revoked_at && row.kind !== 'box') {
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
    // The device can no longer renew, and every token it holds or issued ends: its own (renewed
    // ones included) and the staff tokens signed in on it (token-ledger.ts).
    await ctx.store.db.deleteFrom('device_renewal_keys').where('device_id', '=', deviceId).where('tenant_id', '=', p.tenant).execute();
    const ended = await endTokens(ctx, { tenant: p.tenant, subject: deviceId, issuingDevice: deviceId }, 'device_revoked');
    // A box: its key ends too (the tokens it signed stop working), and the numbering goes back to the cloud.
    const boxClosed = row.kind === 'box' ? await retireBox(ctx, { tenant: p.tenant, outlet: outlet.id, boxId: deviceId, by: actorId(p) }) : 0;
    const closed = ended.disconnected + boxClosed + ctx.relay.disconnect({ deviceId }) + (row.token_jti ? ctx.relay.disconnect({ tokenId: row.token_jti }) : 0);
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
