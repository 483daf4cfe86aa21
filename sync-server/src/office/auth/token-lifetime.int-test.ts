/**
 * Token lifetimes over a real sync-server (relay + API), on PGlite and PostgreSQL: staff tokens
 * end with their cause (removal, PIN change, role change, revocation of the terminal that
 * issued them) — refused by the API, live relay sockets closed, no write through the relay —
 * and device tokens are short-lived and renewed with the renewal key given at pairing.
 *
 * The clock is injected and shared by the API and the relay: real time plus an offset the test
 * moves by hand, so expiry is tested without the wall clock deciding and without sleeps.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CloseCode, outletDocName } from '@kiosk/shared';
import { eventually } from '@kiosk/shared/testing';
import type { KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { seedTestTenant, startApiServer, TEST_SETTINGS, type ApiServer } from '../../testing/office-fixtures';
import { DEVICE_TOKEN_TTL_SECONDS } from './sessions';

const DOC = outletDocName('demo', 'main');

describe.each(testDatabaseTargets())('token lifetimes on $name', (target) => {
  let store: KioskDatabase;
  let api: ApiServer;
  let offsetMs = 0;
  const clock = () => Date.now() + offsetMs;
  let manager: string;
  let pinCounter = 0;

  async function login(email: string) {
    const res = await api.call('POST', '/api/auth/login', { body: { email, password: 'demo1234' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { accessToken: string };
  }

  async function pairDevice(kind: 'terminal' | 'kitchen', name: string) {
    const code = await api.call('POST', '/api/outlets/main/pairing-codes', { token: manager });
    const paired = await api.call('POST', '/api/pair', { body: { code: code.body.code, name, kind } });
    expect(paired.status, JSON.stringify(paired.body)).toBe(201);
    return paired.body as { token: string; deviceId: string; renewalKey: string; expiresAt: number };
  }

  /** A fresh staff member with a unique PIN, signed in on `till`. */
  async function staffSignedIn(till: { token: string }, role: 'manager' | 'cashier') {
    const pin = String(5000 + ++pinCounter);
    const created = await api.call('POST', '/api/outlets/main/staff', { token: manager, body: { name: `Staff ${pinCounter}`, role, pin } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const signedIn = await api.call('POST', '/api/auth/pin', { token: till.token, body: { pin } });
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    return { id: created.body.staff.id as string, pin, token: signedIn.body.accessToken as string };
  }

  /** The staff token works on the API and holds a synced relay socket on the outlet document. */
  async function liveSocket(token: string) {
    expect((await api.call('GET', '/api/auth/me', { token })).status).toBe(200);
    const client = api.relay.client(DOC, token);
    await client.synced();
    return client;
  }

  /** The token is refused by the API, its socket was closed with 4401, and a new socket with it cannot write. */
  async function expectEnded(token: string, client: ReturnType<ApiServer['relay']['client']>, reason: string) {
    const me = await api.call('GET', '/api/auth/me', { token });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('unauthorized');
    await eventually(() => expect(client.closes.map((c) => c.code)).toContain(CloseCode.unauthorized));
    client.destroy();
    const row = await store.db
      .selectFrom('issued_tokens')
      .select(['ended_at', 'reason'])
      .where('subject', 'like', 'staff:%')
      .where('reason', '=', reason)
      .execute();
    expect(row.length).toBeGreaterThan(0);
    // A new socket with the ended token is refused before anything it sends is applied.
    const retry = api.relay.client(DOC, token);
    const marker = `evil-${reason}`;
    retry.doc.getMap('settings').set('name', marker);
    await eventually(() => expect(retry.closes.map((c) => c.code)).toContain(CloseCode.unauthorized));
    retry.destroy();
    const serverDoc = await api.relay.server.relay.getDoc(DOC);
    expect(serverDoc.getMap('settings').get('name')).not.toBe(marker);
  }

  beforeAll(async () => {
    store = await target.open();
    await seedTestTenant(store, 'demo', 'demo.kiosk');
    // One clock for the API and the relay (token expiry on both sides).
    api = await startApiServer({ store, now: clock, limits: { renew: { limit: 1000, windowMs: 60_000 } } }, { now: clock });
    manager = (await login('manager@demo.kiosk')).accessToken;
    expect((await api.call('PATCH', '/api/outlets/main/settings', { token: manager, body: TEST_SETTINGS })).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await store?.close();
  });

  test('every minted token is in the ledger: the staff token names the terminal that issued it', async () => {
    const till = await pairDevice('terminal', 'Ledger till');
    const staff = await staffSignedIn(till, 'cashier');
    const rows = await store.db.selectFrom('issued_tokens').selectAll().where('tenant_id', '=', 'demo').execute();
    expect(rows.find((r) => r.subject === till.deviceId)).toMatchObject({ kind: 'device', ended_at: null });
    expect(rows.find((r) => r.subject === `staff:${staff.id}`)).toMatchObject({
      kind: 'staff',
      staff_id: staff.id,
      issuing_device: till.deviceId,
      ended_at: null,
    });
    expect(rows.some((r) => r.kind === 'user' && r.subject === 'user:demo-manager')).toBe(true);
  });

  test('(a) a removed manager’s staff token is refused by the API, its live socket is closed, and it cannot write through the relay', async () => {
    const till = await pairDevice('terminal', 'Till A');
    const boss = await staffSignedIn(till, 'manager');
    const client = await liveSocket(boss.token);
    // While it lives, it writes (the price-change power the attack used).
    client.doc.getMap('settings').set('kitchenWarnSeconds', 301);
    const serverDoc = await api.relay.server.relay.getDoc(DOC);
    await eventually(() => expect(serverDoc.getMap('settings').get('kitchenWarnSeconds')).toBe(301));

    expect((await api.call('DELETE', `/api/outlets/main/staff/${boss.id}`, { token: manager })).status).toBe(204);
    await expectEnded(boss.token, client, 'staff_removed');
    // The terminal's own token is untouched.
    expect((await api.call('GET', '/api/auth/me', { token: till.token })).status).toBe(200);
  });

  test('(b) a PIN change ends the old staff token; the new PIN signs in', async () => {
    const till = await pairDevice('terminal', 'Till B');
    const sari = await staffSignedIn(till, 'cashier');
    const client = await liveSocket(sari.token);
    const changed = await api.call('PATCH', `/api/outlets/main/staff/${sari.id}`, { token: manager, body: { pin: '7071' } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    await expectEnded(sari.token, client, 'staff_pin_changed');
    expect((await api.call('POST', '/api/auth/pin', { token: till.token, body: { pin: '7071' } })).status).toBe(200);
  });

  test('(c) a role change ends the staff token; a rename does not', async () => {
    const till = await pairDevice('terminal', 'Till C');
    const budi = await staffSignedIn(till, 'manager');
    const renamed = await api.call('PATCH', `/api/outlets/main/staff/${budi.id}`, { token: manager, body: { name: 'Budi S.' } });
    expect(renamed.status).toBe(200);
    expect((await api.call('GET', '/api/auth/me', { token: budi.token })).status).toBe(200);
    const client = await liveSocket(budi.token);
    const demoted = await api.call('PATCH', `/api/outlets/main/staff/${budi.id}`, { token: manager, body: { role: 'cashier' } });
    expect(demoted.status, JSON.stringify(demoted.body)).toBe(200);
    await expectEnded(budi.token, client, 'staff_role_changed');
  });

  test('(d) revoking the issuing terminal ends its staff tokens and its own; staff signed in elsewhere keep theirs', async () => {
    const till = await pairDevice('terminal', 'Till D');
    const other = await pairDevice('terminal', 'Till D2');
    const dewi = await staffSignedIn(till, 'manager');
    const elsewhere = await api.call('POST', '/api/auth/pin', { token: other.token, body: { pin: dewi.pin } });
    expect(elsewhere.status).toBe(200);
    const client = await liveSocket(dewi.token);
    const revoked = await api.call('POST', `/api/outlets/main/devices/${till.deviceId}/revoke`, { token: manager });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect(revoked.body.disconnected).toBeGreaterThanOrEqual(1);
    const me = await api.call('GET', '/api/auth/me', { token: dewi.token });
    expect(me.status).toBe(401);
    await eventually(() => expect(client.closes.map((c) => c.code)).toContain(CloseCode.unauthorized));
    client.destroy();
    expect((await api.call('GET', '/api/auth/me', { token: till.token })).status).toBe(401);
    const ended = await store.db.selectFrom('issued_tokens').select(['subject', 'reason']).where('issuing_device', '=', till.deviceId).execute();
    expect(ended).toEqual([{ subject: `staff:${dewi.id}`, reason: 'device_revoked' }]);
    // The same person's token from the other terminal is another cause's business.
    expect((await api.call('GET', '/api/auth/me', { token: elsewhere.body.accessToken })).status).toBe(200);
  });

  test('(e) device tokens live a day and are renewed with the renewal key; a wrong key and a revoked device are refused by name', async () => {
    const kds = await pairDevice('kitchen', 'Renewing KDS');
    expect(kds.renewalKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(kds.expiresAt - clock()).toBeLessThanOrEqual(DEVICE_TOKEN_TTL_SECONDS * 1000);
    expect(kds.expiresAt - clock()).toBeGreaterThan(DEVICE_TOKEN_TTL_SECONDS * 1000 - 60_000);
    // Only the hash is stored.
    const keys = await store.db.selectFrom('device_renewal_keys').selectAll().where('device_id', '=', kds.deviceId).execute();
    expect(keys).toHaveLength(1);
    expect(keys[0]!.key_hash).not.toContain(kds.renewalKey);

    // A day and a minute later (injected clock), the pairing token is expired on the API and the relay.
    offsetMs += (DEVICE_TOKEN_TTL_SECONDS + 60) * 1000;
    try {
      const expired = await api.call('GET', '/api/auth/me', { token: kds.token });
      expect(expired.status).toBe(401);
      const stale = api.relay.client(outletDocName('demo', 'main'), kds.token);
      await eventually(() => expect(stale.closes.map((c) => c.code)).toContain(CloseCode.unauthorized));
      stale.destroy();

      // No live token needed: the key alone renews.
      const renewed = await api.call('POST', '/api/device-token', { body: { renewalKey: kds.renewalKey } });
      expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
      expect(renewed.body.deviceId).toBe(kds.deviceId);
      expect(renewed.body.expiresAt).toBeGreaterThan(clock());
      const me = await api.call('GET', '/api/auth/me', { token: renewed.body.token });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ kind: 'device', id: kds.deviceId, role: 'kitchen' });
      const fresh = api.relay.client(outletDocName('demo', 'main'), renewed.body.token);
      await fresh.synced();
      fresh.destroy();

      const wrong = await api.call('POST', '/api/device-token', { body: { renewalKey: 'x'.repeat(43) } });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error).toMatchObject({ code: 'renewal_key_invalid', field: 'renewalKey' });
      const malformed = await api.call('POST', '/api/device-token', { body: { renewalKey: 42 } });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.field).toBe('renewalKey');

      // Revoked: the renewed token ends and the key is gone.
      expect(
        (await api.call('POST', `/api/outlets/main/devices/${kds.deviceId}/revoke`, { token: (await login('manager@demo.kiosk')).accessToken })).status,
      ).toBe(200);
      expect((await api.call('GET', '/api/auth/me', { token: renewed.body.token })).status).toBe(401);
      const afterRevoke = await api.call('POST', '/api/device-token', { body: { renewalKey: kds.renewalKey } });
      expect(afterRevoke.status).toBe(401);
      expect(afterRevoke.body.error.code).toBe('renewal_key_invalid');
    } finally {
      offsetMs = 0;
    }
  });

  test('(e) a revoked device whose key is still stored cannot renew (device_revoked)', async () => {
    const till = await pairDevice('terminal', 'Revoked till');
    // Revoked behind the API's back (as an older server would have left it): the key row stays.
    await store.db
      .updateTable('devices')
      .set({ revoked_at: new Date(clock()) })
      .where('id', '=', till.deviceId)
      .execute();
    const res = await api.call('POST', '/api/device-token', { body: { renewalKey: till.renewalKey } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('device_revoked');
  });

  test('renewal is rate-limited per address through the stored limiter', async () => {
    const limited = await startApiServer({ store, now: clock, limits: { renew: { limit: 2, windowMs: 60_000 } } }, { now: clock });
    try {
      // The limiter's rows are shared with the other server (same store): use a scope of its own by exhausting it here.
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await limited.call('POST', '/api/device-token', { body: { renewalKey: 'y'.repeat(43) } })).status);
      expect(statuses).toContain(429);
    } finally {
      await limited.close();
      await store.db.deleteFrom('auth_attempts').where('key', 'like', 'renew|%').execute();
    }
  });
});
