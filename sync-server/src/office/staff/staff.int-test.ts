/**
 * Staff and PIN sign-in over a real sync-server, on PGlite and PostgreSQL: staff written to
 * the table and the outlet document (PIN hash only), PIN sign-in on a paired terminal with
 * rate limit, roles of staff tokens; and the demo seed.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStaffKey, outletDocName, readOutlet, readStaffKeyEnvelope, staffKeysDocName, verifyPin } from '@kiosk/shared';
import type { KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { seedOfficeDemo } from '../seed';
import { seedTestTenant, startApiServer, TEST_SETTINGS, type ApiServer } from '../../testing/office-fixtures';

describe.each(testDatabaseTargets())('staff on $name', (target) => {
  let store: KioskDatabase;
  let api: ApiServer;
  let owner: string;
  let manager: string;

  async function login(email: string, password = 'demo1234') {
    const res = await api.call('POST', '/api/auth/login', { body: { email, password } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { accessToken: string };
  }

  async function pairDevice(kind: 'terminal' | 'kitchen', name: string) {
    const code = await api.call('POST', '/api/outlets/main/pairing-codes', { token: manager });
    const paired = await api.call('POST', '/api/pair', { body: { code: code.body.code, name, kind } });
    expect(paired.status, JSON.stringify(paired.body)).toBe(201);
    return paired.body as { token: string; deviceId: string };
  }

  async function outletDoc() {
    return readOutlet(await api.relay.server.relay.getDoc(outletDocName('demo', 'main')));
  }

  beforeAll(async () => {
    store = await target.open();
    await seedTestTenant(store, 'demo', 'demo.kiosk');
    api = await startApiServer({ store });
    owner = (await login('owner@demo.kiosk')).accessToken;
    manager = (await login('manager@demo.kiosk')).accessToken;
    expect((await api.call('PATCH', '/api/outlets/main/settings', { token: manager, body: TEST_SETTINGS })).status).toBe(200);
    for (const s of [
      { id: 'staff-sari', name: 'Sari', role: 'cashier', pin: '1234' },
      { id: 'staff-budi', name: 'Budi', role: 'manager', pin: '9999' },
    ]) {
      const res = await api.call('POST', '/api/outlets/main/staff', { token: manager, body: s });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
  });

  afterAll(async () => {
    await api?.close();
    await store?.close();
  });

  describe('staff and PIN sign-in', () => {
    test('a terminal signs staff in by PIN; wrong PINs are 401 then 429', async () => {
      const till = await pairDevice('terminal', 'PIN till');
      const sari = await api.call('POST', '/api/auth/pin', { token: till.token, body: { pin: '1234' } });
      expect(sari.status, JSON.stringify(sari.body)).toBe(200);
      expect(sari.body).toMatchObject({ role: 'terminal', staff: { name: 'Sari', role: 'cashier' } });
      const budi = await api.call('POST', '/api/auth/pin', { token: till.token, body: { pin: '9999' } });
      expect(budi.body).toMatchObject({ role: 'manager', staff: { name: 'Budi' } });
      // A manager's PIN token can use the back-office of its outlet.
      expect((await api.call('GET', '/api/outlets/main/staff', { token: budi.body.accessToken })).status).toBe(200);
      // A cashier's cannot.
      expect((await api.call('GET', '/api/outlets/main/staff', { token: sari.body.accessToken })).status).toBe(403);

      const bad = await api.call('POST', '/api/auth/pin', { token: till.token, body: { pin: '12a4' } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.field).toBe('pin');
      for (let i = 0; i < 5; i++) expect((await api.call('POST', '/api/auth/pin', { token: till.token, body: { pin: '0000' } })).status).toBe(401);
      expect((await api.call('POST', '/api/auth/pin', { token: till.token, body: { pin: '1234' } })).status).toBe(429);
      // People use email sign-in, not PINs.
      expect((await api.call('POST', '/api/auth/pin', { token: owner, body: { pin: '1234' } })).status).toBe(403);
    });

    test('wrong PINs are counted before they are checked, and one person’s correct PIN never wipes the count', async () => {
      const burstTill = await pairDevice('terminal', 'Burst till');
      const burst = await Promise.all(Array.from({ length: 20 }, () => api.call('POST', '/api/auth/pin', { token: burstTill.token, body: { pin: '0000' } })));
      expect(burst.map((r) => r.status).sort()).toEqual([...Array(5).fill(401), ...Array(15).fill(429)]);

      // Guesses alternating with one's own PIN: the successes take back only their own attempt.
      const till = await pairDevice('terminal', 'Alternating till');
      const pin = (value: string) => api.call('POST', '/api/auth/pin', { token: till.token, body: { pin: value } });
      for (const guess of ['0001', '0002', '0003', '0004']) expect((await pin(guess)).status).toBe(401);
      expect((await pin('1234')).status).toBe(200);
      expect((await pin('0005')).status).toBe(401);
      expect((await pin('1234')).status).toBe(429);
    });

    test('create, change and remove staff: the outlet document carries the approval public key, never the PIN or a verifier', async () => {
      const envelopeOf = async (staffId: string) => readStaffKeyEnvelope(await api.relay.server.relay.getDoc(staffKeysDocName('demo', 'main')), staffId);
      const keysOf = async (staffId: string) => (await outletDoc()).approvalKeys.filter((k) => k.staffId === staffId);
      const created = await api.call('POST', '/api/outlets/main/staff', { token: manager, body: { name: 'Dewi', role: 'cashier', pin: '4321' } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const id = created.body.staff.id as string;
      const inDoc = (await outletDoc()).staff.find((s) => s.id === id);
      expect(inDoc).toMatchObject({ name: 'Dewi', role: 'cashier' });
      expect(JSON.stringify(inDoc)).not.toContain('4321');
      expect(JSON.stringify(inDoc)).not.toMatch(/pinHash|argon2|pbkdf2/);
      const row = await store.db.selectFrom('staff').select('pin_hash').where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.pin_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(await verifyPin('4321', row.pin_hash)).toBe(true);
      const [firstKey] = await keysOf(id);
      expect(firstKey.staffId).toBe(id);
      expect(firstKey.retiredAt).toBeUndefined();
      const sealed = (await envelopeOf(id))!;
      expect(sealed.publicKey).toBe(firstKey.publicKey);
      expect(await openStaffKey(sealed, '4321')).not.toBeNull();
      expect(await openStaffKey(sealed, '4322')).toBeNull();

      const clash = await api.call('POST', '/api/outlets/main/staff', { token: manager, body: { name: 'Eko', role: 'cashier', pin: '4321' } });
      expect(clash.status).toBe(409);
      expect(clash.body.error.field).toBe('pin');
      const short = await api.call('POST', '/api/outlets/main/staff', { token: manager, body: { name: 'Eko', role: 'cashier', pin: '12' } });
      expect(short.status).toBe(400);
      expect(short.body.error.field).toBe('pin');

      const changed = await api.call('PATCH', `/api/outlets/main/staff/${id}`, { token: manager, body: { pin: '5678', role: 'manager' } });
      expect(changed.status).toBe(200);
      const after = (await outletDoc()).staff.find((s) => s.id === id)!;
      expect(after.role).toBe('manager');
      // A PIN change rotates the pair: the old public key is retired, the new envelope opens with the new PIN only.
      const keys = await keysOf(id);
      expect(keys).toHaveLength(2);
      expect(keys.find((k) => k.publicKey === firstKey.publicKey)!.retiredAt).toBeTypeOf('number');
      const resealed = (await envelopeOf(id))!;
      expect(resealed.publicKey).not.toBe(firstKey.publicKey);
      expect(await openStaffKey(resealed, '4321')).toBeNull();
      expect(await openStaffKey(resealed, '5678')).not.toBeNull();

      const list = await api.call('GET', '/api/outlets/main/staff', { token: manager });
      expect(list.body.staff.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['Sari', 'Budi', 'Dewi']));
      expect(JSON.stringify(list.body)).not.toMatch(/pin/i);

      expect((await api.call('DELETE', `/api/outlets/main/staff/${id}`, { token: manager })).status).toBe(204);
      expect((await outletDoc()).staff.some((s) => s.id === id)).toBe(false);
      expect(await envelopeOf(id)).toBeNull();
      expect((await keysOf(id)).every((k) => k.retiredAt !== undefined)).toBe(true);
      expect((await api.call('DELETE', `/api/outlets/main/staff/${id}`, { token: manager })).status).toBe(404);
    });
  });

  test('the demo seed: owner, manager and staff, idempotent', async () => {
    await seedOfficeDemo(store, { tenant: 'seeded', outlet: 'main', emailDomain: 'seeded.test' });
    await seedOfficeDemo(store, { tenant: 'seeded', outlet: 'main', emailDomain: 'seeded.test' });
    const users = await store.db.selectFrom('users').select(['email', 'role']).where('tenant_id', '=', 'seeded').orderBy('email').execute();
    expect(users).toEqual([
      { email: 'manager@seeded.test', role: 'manager' },
      { email: 'owner@seeded.test', role: 'owner' },
    ]);
    const staff = await store.db.selectFrom('staff').select(['name', 'role', 'pin_hash']).where('tenant_id', '=', 'seeded').orderBy('name').execute();
    expect(staff.map((s) => [s.name, s.role])).toEqual([
      ['Budi', 'manager'],
      ['Sari', 'cashier'],
    ]);
    expect(await verifyPin('9999', staff[0].pin_hash)).toBe(true);
    expect(await verifyPin('1234', staff[1].pin_hash)).toBe(true);
    expect((await api.call('POST', '/api/auth/login', { body: { email: 'owner@seeded.test', password: 'demo1234' } })).status).toBe(200);
  });
});
