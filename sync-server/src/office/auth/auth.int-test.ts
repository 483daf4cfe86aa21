/**
 * Sign-in, refresh, sign-out, rate limits, tenant isolation (row-level security) and error
 * shapes of the back-office API over a real sync-server, on PGlite and PostgreSQL.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { hashPassword } from './passwords';
import { withTenant } from '@kiosk/store';
import { cookieHeaders, refreshCookieOf, startApiServer, type ApiServer } from '../../testing/office-fixtures';

async function seedTenant(store: KioskDatabase, tenant: string, domain: string): Promise<void> {
  await store.db.insertInto('tenants').values({ tenant_id: tenant, name: tenant }).execute();
  await store.db
    .insertInto('outlets')
    .values({ tenant_id: tenant, id: 'main', name: `${tenant} main`, time_zone: 'Asia/Jakarta', currency: 'IDR' })
    .execute();
  for (const role of ['owner', 'manager'] as const) {
    const id = `${tenant}-${role}`;
    await store.db
      .insertInto('users')
      .values({ id, tenant_id: tenant, email: `${role}@${domain}`, name: id, role, password_hash: await hashPassword('demo1234') })
      .execute();
    if (role === 'manager') await store.db.insertInto('user_outlets').values({ tenant_id: tenant, user_id: id, outlet_id: 'main' }).execute();
  }
  await store.db
    .insertInto('devices')
    .values({
      id: `${tenant}-device`,
      tenant_id: tenant,
      outlet_id: 'main',
      name: `${tenant} till`,
      kind: 'terminal',
      code: 'A',
      stations: '[]',
      token_jti: null,
      created_by: 'seed',
    })
    .execute();
  await store.db.insertInto('audit_log').values({ tenant_id: tenant, outlet_id: 'main', actor: 'seed', action: 'seed', details: '{}' }).execute();
}

describe.each(testDatabaseTargets())('back-office sign-in and isolation on $name', (target) => {
  let store: KioskDatabase;
  let api: ApiServer;
  let clock = Date.parse('2026-11-23T03:00:00Z');
  let owner: string;
  let acmeOwner: string;

  async function login(email: string, password = 'demo1234') {
    const res = await api.call('POST', '/api/auth/login', { body: { email, password } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const cookie = refreshCookieOf(res);
    expect(cookie, 'login sets the kiosk_refresh cookie').toBeDefined();
    return { ...(res.body as { accessToken: string; user: { id: string; role: string } }), refreshToken: cookie!.value };
  }

  beforeAll(async () => {
    store = await target.open();
    await seedTenant(store, 'demo', 'demo.kiosk');
    await seedTenant(store, 'acme', 'acme.test');
    api = await startApiServer({
      store,
      now: () => clock,
      limits: {
        signInAccount: { limit: 3, windowMs: 60_000 },
        signInIp: { limit: 10, windowMs: 60_000 },
      },
    });
    owner = (await login('owner@demo.kiosk')).accessToken;
    acmeOwner = (await login('owner@acme.test')).accessToken;
  });

  afterAll(async () => {
    await api?.close();
    await store?.close();
  });

  describe('sign-in', () => {
    test('an owner signs in with email + password and sees the tenant outlets', async () => {
      const res = await api.call('POST', '/api/auth/login', { body: { email: 'Owner@Demo.Kiosk', password: 'demo1234' } });
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ email: 'owner@demo.kiosk', role: 'owner', tenant: 'demo' });
      expect(res.body.outlets.map((o: { id: string }) => o.id)).toEqual(['main']);
      // The refresh token is only in the httpOnly cookie, never in the body (refresh-cookie.int-test.ts).
      expect(res.body.refreshToken).toBeUndefined();
      expect(refreshCookieOf(res)?.value).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      const me = await api.call('GET', '/api/auth/me', { token: res.body.accessToken });
      expect(me.body).toMatchObject({ kind: 'user', role: 'owner', tenant: 'demo', name: 'owner@demo.kiosk' });
      // The password is never stored in clear.
      const row = await store.db.selectFrom('users').select('password_hash').where('email', '=', 'owner@demo.kiosk').executeTakeFirstOrThrow();
      expect(row.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
      expect(row.password_hash).not.toContain('demo1234');
    });

    test('a wrong password is 401; repeated failures for an account + address are 429 with Retry-After', async () => {
      for (let i = 0; i < 3; i++) {
        const res = await api.call('POST', '/api/auth/login', { body: { email: 'manager@demo.kiosk', password: `wrong${i}` } });
        expect(res.status).toBe(401);
        expect(res.body.error).toMatchObject({ code: 'unauthorized', message: 'email or password is wrong' });
      }
      const limited = await api.call('POST', '/api/auth/login', { body: { email: 'manager@demo.kiosk', password: 'demo1234' } });
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another account from the same address is not affected.
      expect((await api.call('POST', '/api/auth/login', { body: { email: 'owner@demo.kiosk', password: 'demo1234' } })).status).toBe(200);
      clock += 61_000;
      expect((await api.call('POST', '/api/auth/login', { body: { email: 'manager@demo.kiosk', password: 'demo1234' } })).status).toBe(200);
    });

    test('concurrent wrong passwords are counted before they are checked; one address is limited across accounts', async () => {
      clock += 61_000;
      const burst = await Promise.all(
        Array.from({ length: 12 }, (_, i) => api.call('POST', '/api/auth/login', { body: { email: 'manager@acme.test', password: `wrong${i}` } })),
      );
      const statuses = burst.map((r) => r.status).sort();
      expect(statuses).toEqual([...Array(3).fill(401), ...Array(9).fill(429)]);
      clock += 61_000;
      // Ten failures from one address on ten different (unknown) accounts: the address is then limited, for a real account too.
      for (let i = 0; i < 10; i++)
        expect((await api.call('POST', '/api/auth/login', { body: { email: `nobody${i}@demo.kiosk`, password: 'x' } })).status).toBe(401);
      const fromIp = await api.call('POST', '/api/auth/login', { body: { email: 'owner@demo.kiosk', password: 'demo1234' } });
      expect(fromIp.status).toBe(429);
      expect(fromIp.body.error.message).toContain('from your address');
      clock += 61_000;
      expect((await api.call('POST', '/api/auth/login', { body: { email: 'owner@demo.kiosk', password: 'demo1234' } })).status).toBe(200);
    });

    test('an unknown email is the same 401 as a wrong password', async () => {
      const res = await api.call('POST', '/api/auth/login', { body: { email: 'nobody@demo.kiosk', password: 'demo1234' } });
      expect(res.status).toBe(401);
      expect(res.body.error.message).toBe('email or password is wrong');
    });

    test('bad sign-in input is 400 naming the field', async () => {
      const res = await api.call('POST', '/api/auth/login', { body: { email: 'not-an-email', password: 'x' } });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'bad_request', field: 'email' });
      const missing = await api.call('POST', '/api/auth/login', { body: { email: 'owner@demo.kiosk' } });
      expect(missing.body.error.field).toBe('password');
      const malformed = await api.call('POST', '/api/auth/login', { raw: '{"email":' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.field).toBe('body');
    });

    test('refresh rotates; a reused refresh token signs the whole family out', async () => {
      const first = await login('owner@demo.kiosk');
      const second = await api.call('POST', '/api/auth/refresh', { headers: cookieHeaders(api, first.refreshToken) });
      expect(second.status).toBe(200);
      const secondToken = refreshCookieOf(second)!.value;
      expect(secondToken).not.toBe(first.refreshToken);
      expect((await api.call('GET', '/api/auth/me', { token: second.body.accessToken })).status).toBe(200);
      // Only the hash is stored.
      const stored = await store.db.selectFrom('refresh_tokens').select('token_hash').execute();
      expect(stored.some((r) => r.token_hash === first.refreshToken)).toBe(false);

      const reused = await api.call('POST', '/api/auth/refresh', { headers: cookieHeaders(api, first.refreshToken) });
      expect(reused.status).toBe(401);
      expect(reused.body.error.message).toMatch(/already used/);
      const afterReuse = await api.call('POST', '/api/auth/refresh', { headers: cookieHeaders(api, secondToken) });
      expect(afterReuse.status).toBe(401);
      expect((await api.call('GET', '/api/auth/me', { token: second.body.accessToken })).status).toBe(401);
    });

    test('sign-out revokes the access token at once', async () => {
      const session = await login('owner@demo.kiosk');
      const out = await api.call('POST', '/api/auth/logout', { token: session.accessToken, headers: cookieHeaders(api, session.refreshToken) });
      expect(out.status).toBe(204);
      const me = await api.call('GET', '/api/auth/me', { token: session.accessToken });
      expect(me.status).toBe(401);
      expect(me.body.error.message).toMatch(/revoked/);
      expect((await api.call('POST', '/api/auth/refresh', { headers: cookieHeaders(api, session.refreshToken) })).status).toBe(401);
    });

    test('no token, a garbage token or an expired one is 401', async () => {
      expect((await api.call('GET', '/api/outlets')).status).toBe(401);
      expect((await api.call('GET', '/api/outlets', { token: 'garbage' })).status).toBe(401);
      const session = await login('owner@demo.kiosk');
      clock += 16 * 60 * 1000;
      const expired = await api.call('GET', '/api/outlets', { token: session.accessToken });
      expect(expired.status).toBe(401);
      expect(expired.body.error.message).toMatch(/expired/);
      owner = (await login('owner@demo.kiosk')).accessToken;
      acmeOwner = (await login('owner@acme.test')).accessToken;
    });
  });

  describe('tenant isolation', () => {
    test('row-level security: a tenant transaction sees and writes only its own rows', async () => {
      const demoDevice = await store.db.selectFrom('devices').select('id').where('tenant_id', '=', 'demo').executeTakeFirstOrThrow();
      const seen = await withTenant(store, 'acme', async (trx) => ({
        device: await trx.selectFrom('devices').selectAll().where('id', '=', demoDevice.id).executeTakeFirst(),
        tenants: await trx.selectFrom('audit_log').select('tenant_id').distinct().execute(),
        users: await trx.selectFrom('users').select('email').execute(),
        role: (await sql<{ r: string }>`select current_user as r`.execute(trx)).rows[0].r,
      }));
      expect(seen.device).toBeUndefined();
      expect(seen.tenants.map((t) => t.tenant_id)).toEqual(['acme']);
      expect(seen.users.map((u) => u.email).sort()).toEqual(['manager@acme.test', 'owner@acme.test']);
      expect(seen.role).toBe('kiosk_app');
      await expect(
        withTenant(store, 'acme', (trx) =>
          trx.insertInto('audit_log').values({ tenant_id: 'demo', outlet_id: 'main', actor: 'x', action: 'forged', details: '{}' }).execute(),
        ),
      ).rejects.toThrow(/row-level security/);
      const updated = await withTenant(store, 'acme', (trx) =>
        trx.updateTable('devices').set({ name: 'hijacked' }).where('id', '=', demoDevice.id).executeTakeFirst(),
      );
      expect(Number(updated.numUpdatedRows)).toBe(0);
      // The role does not outlive the transaction on a pooled connection.
      expect((await sql<{ r: string }>`select current_user as r`.execute(store.db)).rows[0].r).not.toBe('kiosk_app');
    });

    test('another tenant’s device is 404 over HTTP, even with its exact id', async () => {
      const patch = await api.call('PATCH', '/api/outlets/main/devices/demo-device', { token: acmeOwner, body: { name: 'Stolen' } });
      expect(patch.status).toBe(404);
      expect(patch.body.error.code).toBe('not_found');
      expect((await api.call('POST', '/api/outlets/main/devices/demo-device/revoke', { token: acmeOwner })).status).toBe(404);
      expect((await store.db.selectFrom('devices').select('name').where('id', '=', 'demo-device').executeTakeFirstOrThrow()).name).toBe('demo till');
      expect((await api.call('GET', '/api/outlets/elsewhere/staff', { token: owner })).status).toBe(404);
    });
  });

  describe('errors', () => {
    test('CORS: any origin may call with a bearer token (no cookies)', async () => {
      const preflight = await fetch(`${api.url}/api/auth/login`, {
        method: 'OPTIONS',
        headers: { origin: 'http://elsewhere.test', 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    });

    test('unknown endpoints are JSON 404s', async () => {
      const res = await api.call('GET', '/api/nope', { token: owner });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    });
  });
});
