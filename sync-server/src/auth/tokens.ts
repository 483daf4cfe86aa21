/**
 * Device and staff tokens: compact JWTs signed with HS256 (jose). A token names the tenant
 * and outlet it may open, the role (which decides read or write per document, see
 * `roles.ts`), the device that presents it (attribution in the update log) and an id (`jti`)
 * that can be revoked before it expires.
 *
 * ```ts
 * const token = await signToken(secret, { tenant: 'demo', outlet: 'main', role: 'terminal', deviceId: 'T1' });
 * const claims = await verifyToken(secret, token); // { tenant: 'demo', role: 'terminal', deviceId: 'T1', jti, exp, … }
 * ```
 *
 * Box-signed tokens (issue 14): a paired LAN box signs the device tokens it issues with its own
 * box key and names it in the protected header, `kid: "box:<box device id>"`. Such a token is
 * checked against that key, found through an injected `BoxKeyResolver`, and only ever grants a
 * terminal or kitchen role of the box's own outlet: a box can mint neither manager, owner,
 * projector nor box tokens, nor tokens of another outlet or tenant.
 *
 * ```ts
 * const token = await signToken(boxKey, { tenant: 'demo', outlet: 'main', role: 'terminal', deviceId: 'T9' }, { kid: boxKeyId(boxId) });
 * const claims = await verifyToken(secret, token, { boxKeys: async (kid) => (kid === boxKeyId(boxId) ? { key: boxKey, tenant: 'demo', outlet: 'main' } : null) });
 * ```
 */
import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { TOKEN_ROLES, type TokenRole } from '@kiosk/shared';

/** The token roles (declared once in `@kiosk/shared`'s protocol/roles.ts); these are aliases. */
export const ROLES = TOKEN_ROLES;
export type Role = TokenRole;

/** What a verified token says. `exp` and `iat` are seconds since the epoch (JWT convention). */
export interface TokenClaims {
  tenant: string;
  outlet: string;
  role: Role;
  /** Device (or service) the token was issued to; recorded as `update_log.device_id`. */
  deviceId: string;
  /** Token id; a row in `revoked_tokens` with this id makes the token useless. */
  jti: string;
  exp: number;
  iat: number;
  /** Set when a LAN box signed the token: its key id, `box:<box device id>`. */
  signedBy?: string;
}

/** A box key as the resolver finds it. `revoked: true` (or null from the resolver) refuses its tokens. */
export interface BoxKey {
  key: string | Uint8Array;
  tenant: string;
  outlet: string;
  revoked?: boolean;
}

/**
 * Finds the key of a box-signed token by its `kid` (`box:<box device id>`); null when unknown.
 * The cloud's default is a short-cached lookup of `box_keys` (auth/box-keys.ts); a box passes
 * one that returns its own key from its configuration.
 */
export type BoxKeyResolver = (kid: string) => Promise<BoxKey | null>;

export const BOX_KID_PREFIX = 'box:';

/** The `kid` a box signs with. */
export function boxKeyId(boxDeviceId: string): string {
  return `${BOX_KID_PREFIX}${boxDeviceId}`;
}

/** Roles a box-signed token may carry: the devices a box pairs. */
export const BOX_SIGNABLE_ROLES: readonly Role[] = ['terminal', 'kitchen'];

export interface SignTokenInput {
  tenant: string;
  outlet: string;
  role: Role;
  /** Defaults to `{role}-{jti}` so every update still has a distinct author. */
  deviceId?: string;
  /** Lifetime; default 90 days (devices are re-paired rather than refreshed). */
  ttlSeconds?: number;
  /** Token id; default a random UUID. */
  jti?: string;
}

export const DEFAULT_TOKEN_TTL_SECONDS = 90 * 24 * 3600;
const ISSUER = 'kiosk';
const AUDIENCE = 'kiosk-sync';

/** Why a token was not accepted; all of them map to close code 4401. */
export type TokenErrorReason = 'missing' | 'malformed' | 'expired' | 'bad-signature' | 'invalid-claims' | 'revoked';

export class TokenError extends Error {
  override name = 'TokenError';
  constructor(
    readonly reason: TokenErrorReason,
    message: string,
  ) {
    super(message);
  }
}

const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be a lowercase slug');
const claimsSchema = z.object({
  tenant: slug,
  outlet: slug,
  role: z.enum(ROLES),
  deviceId: z.string().min(1).max(200).optional(),
  jti: z.string().min(1).max(200),
  exp: z.number().int(),
  iat: z.number().int(),
});

function keyOf(secret: string | Uint8Array): Uint8Array {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  // HS256 with a short key is guessable offline; refuse rather than sign weak tokens.
  if (key.length < 16) throw new TokenError('invalid-claims', `token secret is too short (${key.length} bytes, need at least 16)`);
  return key;
}

/**
 * Signs a token. Throws on an invalid tenant/outlet/role (the message names the field).
 * With `kid` (a box key id, `boxKeyId(id)`), `secret` is that box's key and the header names it.
 */
export async function signToken(secret: string | Uint8Array, input: SignTokenInput, options: { now?: number; kid?: string } = {}): Promise<string> {
  const nowSec = Math.floor((options.now ?? Date.now()) / 1000);
  const jti = input.jti ?? randomUUID();
  const ttl = input.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl <= 0) throw new TokenError('invalid-claims', `ttlSeconds ${String(ttl)} must be a positive integer`);
  const parsed = claimsSchema.safeParse({ ...input, deviceId: input.deviceId ?? `${input.role}-${jti}`, jti, iat: nowSec, exp: nowSec + ttl });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TokenError(
      'invalid-claims',
      `token ${String(issue?.path.join('.') ?? '?')} ${JSON.stringify((input as unknown as Record<string, unknown>)[String(issue?.path[0])])}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const { tenant, outlet, role, deviceId } = parsed.data;
  return new SignJWT({ tenant, outlet, role, deviceId })
    .setProtectedHeader(options.kid === undefined ? { alg: 'HS256', typ: 'JWT' } : { alg: 'HS256', typ: 'JWT', kid: options.kid })
    .setJti(jti)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(deviceId ?? jti)
    .setIssuedAt(nowSec)
    .setExpirationTime(nowSec + ttl)
    .sign(keyOf(secret));
}

export interface VerifyTokenOptions {
  now?: number;
  /** Keys of LAN boxes, for tokens whose header names one (`kid: "box:…"`); without it such tokens are refused. */
  boxKeys?: BoxKeyResolver;
}

/**
 * Verifies signature, expiry, issuer and audience and validates the claims. A token without
 * `kid` is checked against `secret`; one with `kid: "box:<id>"` against that box's key
 * (`options.boxKeys`), and must then name the box's tenant and outlet and a terminal or kitchen
 * role. Throws `TokenError` whose `reason` says what is wrong (never a key).
 */
export async function verifyToken(secret: string | Uint8Array, token: string | null | undefined, options: VerifyTokenOptions = {}): Promise<TokenClaims> {
  if (!token) throw new TokenError('missing', 'no token: connect with ?token=…');
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    throw new TokenError('malformed', 'token is not a valid JWT');
  }
  if (kid === undefined) return verifyWithKey(secret, token, options);
  if (typeof kid !== 'string' || !kid.startsWith(BOX_KID_PREFIX) || kid.length === BOX_KID_PREFIX.length) {
    throw new TokenError('bad-signature', `token names key ${JSON.stringify(kid)}, which is not a box key; only "box:<device id>" keys are known`);
  }
  const boxId = kid.slice(BOX_KID_PREFIX.length);
  const box = options.boxKeys ? await options.boxKeys(kid) : null;
  if (!box) throw new TokenError('bad-signature', `token is signed by box ${boxId}, whose key is unknown here`);
  if (box.revoked) throw new TokenError('bad-signature', `token is signed by box ${boxId}, which has been revoked`);
  const claims = await verifyWithKey(box.key, token, options);
  if (claims.tenant !== box.tenant || claims.outlet !== box.outlet) {
    // Short: close reasons are cut at 123 bytes.
    throw new TokenError(
      'invalid-claims',
      `token for ${claims.tenant}/${claims.outlet} signed by the box of ${box.tenant}/${box.outlet}: a box signs for its own outlet only`,
    );
  }
  if (!BOX_SIGNABLE_ROLES.includes(claims.role)) {
    throw new TokenError('invalid-claims', `token of role ${claims.role} signed by a box: a box signs terminal and kitchen tokens only`);
  }
  // A back-office identity is the cloud's to vouch for: `user:` would make the API load a user's role.
  if (claims.deviceId.startsWith('user:')) {
    throw new TokenError('invalid-claims', `token for ${claims.deviceId} signed by a box: a box cannot sign for back-office users`);
  }
  return { ...claims, signedBy: kid };
}

async function verifyWithKey(secret: string | Uint8Array, token: string, options: { now?: number }): Promise<TokenClaims> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, keyOf(secret), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: options.now === undefined ? undefined : new Date(options.now),
    }));
  } catch (error) {
    if (error instanceof TokenError) throw error;
    if (error instanceof errors.JWTExpired) throw new TokenError('expired', 'token expired');
    if (error instanceof errors.JWSSignatureVerificationFailed) throw new TokenError('bad-signature', 'token signature does not verify');
    if (error instanceof errors.JWTClaimValidationFailed) throw new TokenError('invalid-claims', `token claim ${error.claim} is invalid: ${error.reason}`);
    throw new TokenError('malformed', 'token is not a valid JWT');
  }
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TokenError('invalid-claims', `token claim ${String(issue?.path.join('.') ?? '?')}: ${issue?.message ?? 'invalid'}`);
  }
  const c = parsed.data;
  return { tenant: c.tenant, outlet: c.outlet, role: c.role, deviceId: c.deviceId ?? `${c.role}-${c.jti}`, jti: c.jti, exp: c.exp, iat: c.iat };
}
