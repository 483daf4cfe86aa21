/**
 * Pairing a LAN box from the cloud (issue 14) and retiring it. A box is a `devices` row of kind
 * `box` — never in the outlet document's `devices` map, whose readers (terminals, kitchen
 * displays, the write rules) know only terminals and kitchen displays — with a role `box` token,
 * a renewal key like any device, and a box key (`box_keys`) it signs its own devices' tokens
 * with. Pairing it also hands the outlet's numbering authority to it (audited); revoking it
 * revokes its key and hands the numbering back to the cloud.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import {
  appendNumberingEntry,
  boxAuthority,
  boxOfAuthority,
  CLOUD_AUTHORITY,
  handOverTo,
  outletDocName,
  readNumbering,
  readSettings,
  type BoxPairResponse,
  type HandOverEntry,
  type NumberingAuthority,
} from '@kiosk/shared';
import { withTenant, type Database } from '@kiosk/store';
import { boxKeyId } from '../../auth/tokens';
import { writeAudit } from '../http/audit';
import type { ApiContext } from '../http/context';
import { ApiError } from '../http/errors';
import { DEVICE_TOKEN_TTL_SECONDS, issueAccess } from '../auth/sessions';
import { recordIssued } from '../auth/token-ledger';
import { hashRenewalKey, newRenewalKey } from './pairing';

/** A box key: 32 random bytes, base64url; given to the box once, at pairing. */
export function newBoxKey(): string {
  return randomBytes(32).toString('base64url');
}

/** The row code of the n-th box of an outlet: `BOX1`, `BOX2`, … (not a provisional-reference prefix: a box takes no orders). */
function nextBoxCode(taken: readonly string[]): string {
  const used = new Set(taken);
  for (let n = 1; ; n++) if (!used.has(`BOX${n}`)) return `BOX${n}`;
}

/** `POST /api/pair` with a box code and `kind: 'box'` (routes.ts checked the code and its kind). */
export async function pairBox(ctx: ApiContext, pairing: Selectable<Database['pairing_codes']>, input: { name: string }): Promise<BoxPairResponse> {
  const { tenant_id: tenant, outlet_id: outlet } = pairing;
  const boxId = randomUUID();
  const access = await issueAccess(ctx, { tenant, outlet, role: 'box', deviceId: boxId, ttlSeconds: DEVICE_TOKEN_TTL_SECONDS });
  const renewalKey = newRenewalKey();
  const boxKey = newBoxKey();
  const { code, outletRow } = await withTenant(ctx.store, tenant, async (trx) => {
    const claimed = await trx
      .updateTable('pairing_codes')
      .set({ used_at: new Date(ctx.now()), device_id: boxId })
      .where('code_hash', '=', pairing.code_hash)
      .where('used_at', 'is', null)
      .returning('code_hash')
      .executeTakeFirst();
    if (!claimed) throw new ApiError('unauthorized', 'this pairing code has just been used', 'code');
    const outletRow = await trx.selectFrom('outlets').select(['name', 'time_zone', 'currency']).where('id', '=', outlet).executeTakeFirstOrThrow();
    const boxes = await trx.selectFrom('devices').select('code').where('outlet_id', '=', outlet).where('kind', '=', 'box').execute();
    const code = nextBoxCode(boxes.map((b) => b.code));
    await trx
      .insertInto('devices')
      .values({
        id: boxId,
        tenant_id: tenant,
        outlet_id: outlet,
        name: input.name,
        kind: 'box',
        code,
        stations: '[]',
        token_jti: access.jti,
        created_by: pairing.created_by,
      })
      .execute();
    await trx.insertInto('box_keys').values({ box_device_id: boxId, tenant_id: tenant, outlet_id: outlet, key: boxKey }).execute();
    await writeAudit(trx, {
      tenant,
      outlet,
      actor: pairing.created_by,
      action: 'device.paired',
      details: { deviceId: boxId, name: input.name, kind: 'box', code },
    });
    return { code, outletRow };
  });
  // As the owner, after the tenant transaction (token-ledger.ts), like any device.
  await recordIssued(ctx.store, { jti: access.jti, tenant, kind: 'device', subject: boxId, issuedAt: access.issuedAt, expiresAt: access.expiresAt });
  await ctx.store.db
    .insertInto('device_renewal_keys')
    .values({ key_hash: hashRenewalKey(renewalKey), device_id: boxId, tenant_id: tenant })
    .execute();

  const docName = outletDocName(tenant, outlet);
  await handOverNumbering(ctx, {
    tenant,
    outlet,
    to: boxAuthority(boxId),
    by: pairing.created_by,
    reason: (current) => (boxOfAuthority(current) ? 'box_replaced' : 'box_paired'),
  });
  const settings = readSettings(await ctx.relay.getDoc(docName));
  return {
    token: access.token,
    expiresAt: access.expiresAt,
    renewalKey,
    deviceId: boxId,
    tenant,
    outlet,
    code,
    kind: 'box',
    name: input.name,
    stations: [],
    boxKey,
    outletInfo: {
      name: outletRow.name,
      timeZone: outletRow.time_zone,
      currency: outletRow.currency,
      businessDayStart: settings?.businessDayStart ?? null,
      locale: settings?.locale ?? null,
    },
  };
}

/**
 * Moves the outlet's numbering authority (the outlet document's `numbering` record, written with
 * the server as origin) and audits `numbering.handed_over`. The entry is computed inside the
 * document transaction, so it builds on the latest state of this relay.
 */
async function handOverNumbering(
  ctx: ApiContext,
  input: {
    tenant: string;
    outlet: string;
    to: NumberingAuthority;
    by: string;
    reason: (current: NumberingAuthority) => HandOverEntry['reason'];
    force?: boolean;
  },
): Promise<HandOverEntry | null> {
  let entry: HandOverEntry | null = null;
  await ctx.relay.transactDoc(outletDocName(input.tenant, input.outlet), { deviceId: input.by }, (doc) => {
    const state = readNumbering(doc);
    if (state.authority === input.to) return;
    entry = handOverTo(state, { to: input.to, at: new Date(ctx.now()).toISOString(), by: input.by, reason: input.reason(state.authority), force: input.force });
    appendNumberingEntry(doc, entry);
  });
  const written = entry as HandOverEntry | null;
  if (written) {
    await withTenant(ctx.store, input.tenant, (trx) =>
      writeAudit(trx, {
        tenant: input.tenant,
        outlet: input.outlet,
        actor: input.by,
        action: 'numbering.handed_over',
        details: { from: written.from, to: written.authority, epoch: written.epoch, reason: written.reason, force: written.force },
      }),
    );
  }
  return written;
}

/**
 * After a box's revocation (routes.ts): its key is revoked, so every token it signed is refused
 * (new connections at once on this process, elsewhere within the box-key cache time; live
 * connections it signed are closed here), and if it numbered the outlet, the numbering goes back
 * to the cloud. That hand-over is forced: a revoked box can no longer reach the cloud to write
 * its release, and waiting for one would leave the outlet without numbers. Numbers the box gave
 * offline that never reached the cloud are the one risk, and the projector's duplicate check
 * (orders_number_per_day, trust flags) catches them. Returns the connections closed.
 */
export async function retireBox(ctx: ApiContext, input: { tenant: string; outlet: string; boxId: string; by: string }): Promise<number> {
  await withTenant(ctx.store, input.tenant, (trx) =>
    trx
      .updateTable('box_keys')
      .set({ revoked_at: new Date(ctx.now()) })
      .where('box_device_id', '=', input.boxId)
      .where('revoked_at', 'is', null)
      .execute(),
  );
  const kid = boxKeyId(input.boxId);
  ctx.forgetBoxKey(kid);
  const closed = ctx.relay.disconnect({ signedBy: kid });
  const state = readNumbering(await ctx.relay.getDoc(outletDocName(input.tenant, input.outlet)));
  if (state.authority === boxAuthority(input.boxId)) {
    await handOverNumbering(ctx, { tenant: input.tenant, outlet: input.outlet, to: CLOUD_AUTHORITY, by: input.by, reason: () => 'box_retired', force: true });
  }
  return closed;
}
