/**
 * Box-signed tokens (issue 14): a LAN box signs its devices' tokens with its own key, named in
 * the JWT header (`kid: "box:<id>"`). They verify only through the injected resolver, and only
 * as terminal or kitchen tokens of the box's own outlet.
 */
import { decodeProtectedHeader } from 'jose';
import { describe, expect, test } from 'vitest';
import { boxKeyId, signToken, TokenError, verifyToken, type BoxKeyResolver, type Role } from './tokens';

const SECRET = 'server-secret-of-at-least-32-characters';
const BOX_KEY = 'Y2FmZS1ib3gta2V5LW9mLXRoaXJ0eS10d28tYnl0ZXM';
const KID = boxKeyId('box-1');
const boxKeys: BoxKeyResolver = async (kid) => (kid === KID ? { key: BOX_KEY, tenant: 'demo', outlet: 'main' } : null);

async function refusal(promise: Promise<unknown>): Promise<{ reason: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TokenError);
    return { reason: (error as TokenError).reason, message: (error as TokenError).message };
  }
  throw new Error('expected a TokenError');
}

function boxSigned(claims: { tenant?: string; outlet?: string; role?: Role; deviceId?: string } = {}, key = BOX_KEY, kid = KID) {
  return signToken(key, { tenant: 'demo', outlet: 'main', role: 'terminal', deviceId: 'T9', ...claims }, { kid });
}

describe('box-signed tokens', () => {
  test('signToken with kid names the key in the protected header', async () => {
    const token = await boxSigned();
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'box:box-1' });
    expect(decodeProtectedHeader(await signToken(SECRET, { tenant: 'demo', outlet: 'main', role: 'terminal' }))).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  test('a terminal or kitchen token of the box outlet verifies through the resolver and says who signed it', async () => {
    for (const role of ['terminal', 'kitchen'] as const) {
      const claims = await verifyToken(SECRET, await boxSigned({ role, deviceId: `${role}-9` }), { boxKeys });
      expect(claims).toMatchObject({ tenant: 'demo', outlet: 'main', role, deviceId: `${role}-9`, signedBy: 'box:box-1' });
    }
  });

  test('tokens without kid still verify with the server secret, with or without a resolver', async () => {
    const token = await signToken(SECRET, { tenant: 'demo', outlet: 'main', role: 'manager', deviceId: 'user:u1' });
    expect((await verifyToken(SECRET, token)).signedBy).toBeUndefined();
    expect((await verifyToken(SECRET, token, { boxKeys })).role).toBe('manager');
  });

  test('unknown, revoked or unresolvable box keys are refused as bad-signature', async () => {
    expect(await refusal(verifyToken(SECRET, await boxSigned()))).toEqual({
      reason: 'bad-signature',
      message: 'token is signed by box box-1, whose key is unknown here',
    });
    expect((await refusal(verifyToken(SECRET, await boxSigned({}, BOX_KEY, boxKeyId('box-2')), { boxKeys }))).reason).toBe('bad-signature');
    const revoked: BoxKeyResolver = async () => ({ key: BOX_KEY, tenant: 'demo', outlet: 'main', revoked: true });
    expect(await refusal(verifyToken(SECRET, await boxSigned(), { boxKeys: revoked }))).toEqual({
      reason: 'bad-signature',
      message: 'token is signed by box box-1, which has been revoked',
    });
  });

  test('a token signed with another key (the server secret, or a guess) under a box kid does not verify', async () => {
    expect((await refusal(verifyToken(SECRET, await boxSigned({}, SECRET), { boxKeys }))).reason).toBe('bad-signature');
    expect((await refusal(verifyToken(SECRET, await boxSigned({}, 'another-box-key-of-enough-length'), { boxKeys }))).reason).toBe('bad-signature');
  });

  test('a kid that is not a box key is refused', async () => {
    const token = await signToken(SECRET, { tenant: 'demo', outlet: 'main', role: 'terminal' }, { kid: 'server-2' });
    expect(await refusal(verifyToken(SECRET, token, { boxKeys }))).toMatchObject({ reason: 'bad-signature', message: expect.stringMatching(/not a box key/) });
    expect((await refusal(verifyToken(SECRET, await boxSigned({}, BOX_KEY, 'box:'), { boxKeys }))).reason).toBe('bad-signature');
  });

  test('a box cannot sign for another outlet or tenant', async () => {
    expect(await refusal(verifyToken(SECRET, await boxSigned({ outlet: 'branch' }), { boxKeys }))).toEqual({
      reason: 'invalid-claims',
      message: 'token for demo/branch signed by the box of demo/main: a box signs for its own outlet only',
    });
    expect((await refusal(verifyToken(SECRET, await boxSigned({ tenant: 'acme' }), { boxKeys }))).reason).toBe('invalid-claims');
  });

  test.each(['manager', 'owner', 'projector', 'box'] as const)('a box cannot sign a %s token', async (role) => {
    expect(await refusal(verifyToken(SECRET, await boxSigned({ role }), { boxKeys }))).toEqual({
      reason: 'invalid-claims',
      message: `token of role ${role} signed by a box: a box signs terminal and kitchen tokens only`,
    });
  });

  test('a box cannot sign a token naming a back-office user', async () => {
    expect(await refusal(verifyToken(SECRET, await boxSigned({ deviceId: 'user:owner-1' }), { boxKeys }))).toMatchObject({ reason: 'invalid-claims' });
  });

  test('expiry still applies to box-signed tokens', async () => {
    const token = await signToken(BOX_KEY, { tenant: 'demo', outlet: 'main', role: 'terminal', ttlSeconds: 60 }, { now: 0, kid: KID });
    expect((await refusal(verifyToken(SECRET, token, { boxKeys, now: 120_000 }))).reason).toBe('expired');
  });

  test('garbage is malformed, not a resolver call', async () => {
    let calls = 0;
    const counting: BoxKeyResolver = async (kid) => (calls++, boxKeys(kid));
    expect((await refusal(verifyToken(SECRET, 'not.a.jwt', { boxKeys: counting }))).reason).toBe('malformed');
    expect(calls).toBe(0);
  });
});
