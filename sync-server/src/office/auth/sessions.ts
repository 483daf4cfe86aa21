/**
 * Access and refresh tokens for people. Access tokens are the relay's short-lived JWTs;
 * refresh tokens are opaque random strings, stored only as a sha256 hash, single-use and
 * rotated on every refresh. Presenting an already-rotated refresh token means it leaked:
 * the whole sign-in (its family) is revoked.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { UserRole, UserSession } from '@kiosk/shared';
import type { Database } from '@kiosk/store';
import { signToken } from '../../auth/tokens';
import { activeBoxKeyOf } from '../../auth/box-keys';
import type { ApiContext, TokenRole } from '../http/context';
import { recordIssued, type IssuedKind } from './token-ledger';

export const ACCESS_TTL_SECONDS = 15 * 60;
export const STAFF_ACCESS_TTL_SECONDS = 60 * 60;
/** Device tokens are short and renewed silently with the device's renewal key (`POST /api/device-token`). */
export const DEVICE_TOKEN_TTL_SECONDS = 24 * 60 * 60;
export const REFRESH_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

export interface IssuedAccess {
  token: string;
  jti: string;
  /** Epoch ms of the injected clock. */
  issuedAt: number;
  /** Epoch ms. */
  expiresAt: number;
}

/** `signWith`: a box key (`{ kid, key }`) instead of the server secret (device tokens of an outlet with a box). */
export async function issueAccess(
  ctx: ApiContext,
  claims: { tenant: string; outlet: string; role: TokenRole; deviceId: string; ttlSeconds: number },
  signWith?: { kid: string; key: string } | null,
): Promise<IssuedAccess> {
  const jti = randomUUID();
  const now = ctx.now();
  const token = signWith
    ? await signToken(signWith.key, { ...claims, jti }, { now, kid: signWith.kid })
    : await signToken(ctx.secret, { ...claims, jti }, { now });
  return { token, jti, issuedAt: now, expiresAt: (Math.floor(now / 1000) + claims.ttlSeconds) * 1000 };
}

/**
 * Mints an access token and records it in the token ledger. Must not run inside `withTenant`
 * (the ledger is written as the owner, see token-ledger.ts).
 */
export async function issueRecorded(
  ctx: ApiContext,
  claims: { tenant: string; outlet: string; role: TokenRole; deviceId: string; ttlSeconds: number },
  ledger: { kind: IssuedKind; staffId?: string; issuingDevice?: string },
  signWith?: { kid: string; key: string } | null,
): Promise<IssuedAccess> {
  const access = await issueAccess(ctx, claims, signWith);
  await recordIssued(ctx.store, {
    jti: access.jti,
    tenant: claims.tenant,
    subject: claims.deviceId,
    issuedAt: access.issuedAt,
    expiresAt: access.expiresAt,
    ...ledger,
  });
  return access;
}

/**
 * The key a device token (pairing, renewal) of this outlet is signed with: the outlet's paired
 * LAN box's, for terminal and kitchen tokens, so the box accepts devices paired in the cloud as
 * its own (and the cloud accepts them through its box keys); else the server secret (null).
 */
export async function deviceTokenKey(ctx: ApiContext, tenant: string, outlet: string, role: TokenRole): Promise<{ kid: string; key: string } | null> {
  if (role !== 'terminal' && role !== 'kitchen') return null;
  return activeBoxKeyOf(ctx.store, tenant, outlet);
}

/** A user's sign-in: the access token (to record in the ledger once the transaction is over) and the refresh token (for the cookie). */
export interface StartedSession {
  session: UserSession;
  access: IssuedAccess;
  refreshToken: string;
}

/** Records a user session's access token in the ledger; call after the `withTenant` that started it. */
export async function recordUserSession(ctx: ApiContext, tenant: string, userId: string, started: StartedSession): Promise<void> {
  await recordIssued(ctx.store, {
    jti: started.access.jti,
    tenant,
    kind: 'user',
    subject: `user:${userId}`,
    issuedAt: started.access.issuedAt,
    expiresAt: started.access.expiresAt,
  });
}

export async function startUserSession(
  ctx: ApiContext,
  trx: Transaction<Database>,
  user: { id: string; tenant: string; role: UserRole },
  outlet: string,
  familyId: string = randomUUID(),
): Promise<StartedSession> {
  const access = await issueAccess(ctx, { tenant: user.tenant, outlet, role: user.role, deviceId: `user:${user.id}`, ttlSeconds: ACCESS_TTL_SECONDS });
  const refreshToken = randomBytes(32).toString('base64url');
  const refreshExpiresAt = ctx.now() + REFRESH_TTL_MS;
  await trx
    .insertInto('refresh_tokens')
    .values({
      id: randomUUID(),
      tenant_id: user.tenant,
      user_id: user.id,
      family_id: familyId,
      token_hash: sha256(refreshToken),
      outlet_id: outlet,
      access_jti: access.jti,
      expires_at: new Date(refreshExpiresAt),
    })
    .execute();
  // The refresh token itself goes only into the httpOnly cookie (auth/refresh-cookie.ts), never the body.
  return { session: { accessToken: access.token, expiresAt: access.expiresAt, refreshExpiresAt }, access, refreshToken };
}
