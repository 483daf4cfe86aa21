/**
 * The token ledger (`issued_tokens`, migration 2026-12-03-600): every access token the API
 * mints is recorded with what it was issued for, so it can be ended by its cause instead of
 * living out its expiry. A staff token ends when its staff member is removed, their PIN or
 * role changes, or the terminal that signed them in is revoked; a device token when its
 * device is revoked. Ending a token writes its jti into `revoked_tokens` (which the relay's
 * admission and the API's `authenticate` already check) and closes its live relay sockets.
 *
 * ```ts
 * await recordIssued(ctx.store, { jti, tenant, kind: 'staff', subject: 'staff:sari', staffId: 'sari', issuingDevice: till, issuedAt, expiresAt });
 * await endTokens(ctx, { tenant, staffId: 'sari' }, 'staff_pin_changed');
 * ```
 *
 * Both run as the table owner on `ctx.store.db`, never inside `withTenant`: the ledger tables
 * have no row-level-security grant for `kiosk_app` (last session's write inside the tenant
 * transaction failed with "permission denied"), and on PGlite the open tenant transaction holds
 * the only connection, so an owner query inside it would wait forever. Every query names the
 * tenant itself.
 */
import type { KioskDatabase } from '@kiosk/store';
import { revokeJti } from '@kiosk/store';
import type { RelayPort } from '../http/relay-port';

export type IssuedKind = 'device' | 'staff' | 'user';

export interface IssuedToken {
  jti: string;
  tenant: string;
  kind: IssuedKind;
  /** The token's `deviceId` claim: a device id, `staff:<id>` or `user:<id>`. */
  subject: string;
  /** A staff token: the terminal whose device token signed the staff member in. */
  issuingDevice?: string;
  staffId?: string;
  /** Epoch ms of the injected clock. */
  issuedAt: number;
  expiresAt: number;
}

/** Why a token was ended (stored in `issued_tokens.reason`). */
export const END_REASONS = [
  'staff_removed',
  'staff_pin_changed',
  'staff_role_changed',
  'device_revoked',
  'issuing_device_revoked',
  'user_disabled',
  'signed_out',
] as const;
export type EndReason = (typeof END_REASONS)[number];

/**
 * Which tokens to end: those of the tenant matching ANY of the given selectors.
 * `staffId` matches staff tokens of that id in every outlet of the tenant (staff ids are per
 * outlet, the ledger has no outlet column): a same-id staff member elsewhere signs in again,
 * which fails safe.
 */
export interface EndWhere {
  tenant: string;
  staffId?: string;
  issuingDevice?: string;
  subject?: string;
  jtis?: readonly string[];
}

export async function recordIssued(store: KioskDatabase, token: IssuedToken): Promise<void> {
  await store.db
    .insertInto('issued_tokens')
    .values({
      jti: token.jti,
      tenant_id: token.tenant,
      kind: token.kind,
      subject: token.subject,
      issuing_device: token.issuingDevice ?? null,
      staff_id: token.staffId ?? null,
      issued_at: new Date(token.issuedAt),
      expires_at: new Date(token.expiresAt),
    })
    .execute();
}

export interface EndedTokens {
  /** The jtis ended by this call (already-ended and expired ones are not touched). */
  jtis: string[];
  /** Live relay connections closed. */
  disconnected: number;
}

/**
 * Ends every live token matching `where`: sets `ended_at` and `reason`, revokes each jti and
 * closes its relay sockets. Idempotent: a token already ended is left as it was.
 */
export async function endTokens(
  ctx: { store: KioskDatabase; relay: Pick<RelayPort, 'disconnect'>; now: () => number },
  where: EndWhere,
  reason: EndReason,
): Promise<EndedTokens> {
  const { staffId, issuingDevice, subject, jtis } = where;
  if (staffId === undefined && issuingDevice === undefined && subject === undefined && (jtis === undefined || jtis.length === 0)) {
    throw new Error(`endTokens needs a selector besides the tenant, got ${JSON.stringify(where)}`);
  }
  const now = new Date(ctx.now());
  const ended = await ctx.store.db
    .updateTable('issued_tokens')
    .set({ ended_at: now, reason })
    .where('tenant_id', '=', where.tenant)
    .where('ended_at', 'is', null)
    .where('expires_at', '>', now)
    .where((eb) =>
      eb.or([
        ...(staffId !== undefined ? [eb.and([eb('kind', '=', 'staff'), eb('staff_id', '=', staffId)])] : []),
        ...(issuingDevice !== undefined ? [eb('issuing_device', '=', issuingDevice)] : []),
        ...(subject !== undefined ? [eb('subject', '=', subject)] : []),
        ...(jtis !== undefined && jtis.length > 0 ? [eb('jti', 'in', [...jtis])] : []),
      ]),
    )
    .returning('jti')
    .execute();
  let disconnected = 0;
  for (const { jti } of ended) {
    await revokeJti(ctx.store.db, jti);
    disconnected += ctx.relay.disconnect({ tokenId: jti });
  }
  return { jtis: ended.map((r) => r.jti), disconnected };
}
