import { describe, expect, test } from 'vitest';
import { signToken, TokenError, verifyToken } from './tokens';

const SECRET = 'unit-test-secret-with-32-characters';

describe('tokens', () => {
  test('round trip keeps tenant, outlet, role, device, id and expiry', async () => {
    const now = Date.UTC(2026, 10, 23, 1, 0, 0);
    const token = await signToken(SECRET, { tenant: 'demo', outlet: 'main', role: 'kitchen', deviceId: 'K1', ttlSeconds: 60, jti: 'tok-1' }, { now });
    const claims = await verifyToken(SECRET, token, { now: now + 1_000 });
    expect(claims).toEqual({ tenant: 'demo', outlet: 'main', role: 'kitchen', deviceId: 'K1', jti: 'tok-1', iat: now / 1000, exp: now / 1000 + 60 });
  });

  test('a token without device id gets a distinct one from its id', async () => {
    const claims = await verifyToken(SECRET, await signToken(SECRET, { tenant: 'demo', outlet: 'main', role: 'terminal', jti: 'abc' }));
    expect(claims.deviceId).toBe('terminal-abc');
  });

  test.each([
    ['missing', '', 'missing'],
    ['garbage', 'not.a.jwt', 'malformed'],
  ])('%s token is refused with reason %s', async (_what, token, reason) => {
    await expect(verifyToken(SECRET, token)).rejects.toMatchObject({ reason });
  });

  test('expired, wrongly signed and tampered tokens are refused', async () => {
    const now = Date.now();
    const token = await signToken(SECRET, { tenant: 'demo', outlet: 'main', role: 'owner', ttlSeconds: 10 }, { now });
    await expect(verifyToken(SECRET, token, { now: now + 11_000 })).rejects.toMatchObject({ reason: 'expired' });
    await expect(verifyToken('another-secret-with-32-characters!!', token)).rejects.toMatchObject({ reason: 'bad-signature' });
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = [h, Buffer.from(JSON.stringify({ ...payload, tenant: 'acme' })).toString('base64url'), s].join('.');
    await expect(verifyToken(SECRET, tampered)).rejects.toBeInstanceOf(TokenError);
  });

  test('signing refuses bad input and names the field', async () => {
    await expect(signToken(SECRET, { tenant: 'Demo!', outlet: 'main', role: 'terminal' })).rejects.toThrow(/tenant "Demo!"/);
    await expect(signToken(SECRET, { tenant: 'demo', outlet: 'main', role: 'admin' as never })).rejects.toThrow(/role/);
    await expect(signToken('short', { tenant: 'demo', outlet: 'main', role: 'terminal' })).rejects.toThrow(/secret is too short/);
    await expect(signToken(SECRET, { tenant: 'demo', outlet: 'main', role: 'terminal', ttlSeconds: 0 })).rejects.toThrow(/ttlSeconds/);
  });
});
