/**
 * The back-office API over HTTP against a real store (PGlite, and PostgreSQL when
 * configured): sign-in, refresh, PIN, pairing, devices, staff, menu and settings, users,
 * tenant isolation (row-level security), roles, bad input.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventually } from '@kiosk/shared/testing';
import { outletDocName, readOutlet } from '@kiosk/shared';
import type { KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { seedTestTenant, startApiServer, TEST_SETTINGS, type ApiServer } from '../testing/office-fixtures';

describe.each(testDatabaseTargets())('back-office API on $name', (target) => {
  let store: KioskDatabase;
  let api: ApiServer;
  let clock = Date.now();
  let owner: string;
  let manager: string;
  let acmeOwner: string;

  async function login(email: string, password = 'demo1234') {
    const res = await api.call('POST', '/api/auth/login', { body: { email, password } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { accessToken: string; user: { id: string; role: string } };
  }

  async function pairDevice(kind: 'terminal' | 'kitchen', name: string, stations?: string[]) {
    const code = await api.call('POST', '/api/outlets/main/pairing-codes', { token: manager });
    expect(code.status).toBe(201);
    const paired = await api.call('POST', '/api/pair', { body: { code: code.body.code, name, kind, stations } });
    expect(paired.status, JSON.stringify(paired.body)).toBe(201);
    return paired.body as { token: string; deviceId: string; code: string; tenant: string; outlet: string };
  }

  async function outletDoc(tenant = 'demo', outlet = 'main') {
    return readOutlet(await api.relay.server.relay.getDoc(outletDocName(tenant, outlet)));
  }

  beforeAll(async () => {
    store = await target.open();
    await seedTestTenant(store, 'demo', 'demo.kiosk');
    await seedTestTenant(store, 'acme', 'acme.test');
    api = await startApiServer({ store, now: () => clock });
    owner = (await login('owner@demo.kiosk')).accessToken;
    manager = (await login('manager@demo.kiosk')).accessToken;
    acmeOwner = (await login('owner@acme.test')).accessToken;
    const settings = await api.call('PATCH', '/api/outlets/main/settings', { token: manager, body: TEST_SETTINGS });
    expect(settings.status, JSON.stringify(settings.body)).toBe(200);
  });

  afterAll(async () => {
    await api?.close();
    await store?.close();
  });

  describe('devices', () => {
    test('pairing: code → device token, device in the outlet document with a fresh short code', async () => {
      const before = (await outletDoc()).devices.map((d) => d.code);
      const created = await api.call('POST', '/api/outlets/main/pairing-codes', { token: manager });
      expect(created.status).toBe(201);
      expect(created.body.code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/);
      expect(created.body.expiresAt).toBe(clock + 10 * 60 * 1000);
      // Stored hashed only.
      const rows = await store.db.selectFrom('pairing_codes').select('code_hash').execute();
      expect(rows.some((r) => r.code_hash.includes(created.body.code))).toBe(false);

      const paired = await api.call('POST', '/api/pair', { body: { code: created.body.code.toLowerCase(), name: 'Front till', kind: 'terminal' } });
      expect(paired.status).toBe(201);
      expect(paired.body).toMatchObject({ tenant: 'demo', outlet: 'main', kind: 'terminal' });
      expect(before).not.toContain(paired.body.code);
      const doc = await outletDoc();
      expect(doc.devices.find((d) => d.id === paired.body.deviceId)).toMatchObject({ name: 'Front till', kind: 'terminal', code: paired.body.code });
      const me = await api.call('GET', '/api/auth/me', { token: paired.body.token });
      expect(me.body).toMatchObject({ kind: 'device', role: 'terminal', outlet: 'main' });

      const again = await api.call('POST', '/api/pair', { body: { code: created.body.code, name: 'Second', kind: 'terminal' } });
      expect(again.status).toBe(401);
      expect(again.body.error.field).toBe('code');
    });

    test('a pairing code expires after ten minutes', async () => {
      const created = await api.call('POST', '/api/outlets/main/pairing-codes', { token: manager });
      clock += 10 * 60 * 1000 + 1;
      const late = await api.call('POST', '/api/pair', { body: { code: created.body.code, name: 'Late', kind: 'kitchen' } });
      expect(late.status).toBe(401);
      expect(late.body.error.message).toMatch(/expired/);
      owner = (await login('owner@demo.kiosk')).accessToken;
      manager = (await login('manager@demo.kiosk')).accessToken;
      acmeOwner = (await login('owner@acme.test')).accessToken;
    });

    test('bad pairing input is 400 naming the field', async () => {
      const res = await api.call('POST', '/api/pair', { body: { code: 'ABCDEF', name: 'x', kind: 'toaster' } });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe('kind');
    });

    test('list, rename, revoke: a revoked device is disconnected and its token refused', async () => {
      const kds = await pairDevice('kitchen', 'Bar screen', ['bar']);
      const list = await api.call('GET', '/api/outlets/main/devices', { token: manager });
      expect(list.status).toBe(200);
      expect(list.body.devices.find((d: { id: string }) => d.id === kds.deviceId)).toMatchObject({
        name: 'Bar screen',
        kind: 'kitchen',
        stations: ['bar'],
        paired: true,
        revokedAt: null,
      });

      const renamed = await api.call('PATCH', `/api/outlets/main/devices/${kds.deviceId}`, {
        token: manager,
        body: { name: 'Bar KDS', stations: ['bar', 'kitchen'] },
      });
      expect(renamed.status).toBe(200);
      expect((await outletDoc()).devices.find((d) => d.id === kds.deviceId)).toMatchObject({ name: 'Bar KDS', stations: ['bar', 'kitchen'] });
      const empty = await api.call('PATCH', `/api/outlets/main/devices/${kds.deviceId}`, { token: manager, body: { name: '' } });
      expect(empty.status).toBe(400);
      expect(empty.body.error.field).toBe('name');

      // The device is connected to the relay with its token…
      const live = api.relay.client('demo/main/2026-11-23', kds.token);
      await live.synced();
      live.provider.shouldConnect = false;
      const revoked = await api.call('POST', `/api/outlets/main/devices/${kds.deviceId}/revoke`, { token: manager });
      expect(revoked.status).toBe(200);
      expect(revoked.body.device.revokedAt).not.toBeNull();
      // …and is cut off at once.
      await eventually(() => expect(live.closes.map((c) => c.code)).toContain(4401));
      expect((await api.call('GET', '/api/auth/me', { token: kds.token })).status).toBe(401);
      expect((await outletDoc()).devices.some((d) => d.id === kds.deviceId)).toBe(false);
      const row = await store.db.selectFrom('devices').select('token_jti').where('id', '=', kds.deviceId).executeTakeFirstOrThrow();
      expect(await store.db.selectFrom('revoked_tokens').select('jti').where('jti', '=', row.token_jti!).executeTakeFirst()).toBeDefined();

      expect((await api.call('POST', '/api/outlets/main/devices/no-such-device/revoke', { token: manager })).status).toBe(404);
    });
  });

  describe('menu and settings', () => {
    test('categories, items, modifier groups, promotions and 86 are written to the outlet document and audited', async () => {
      const cat = await api.call('PUT', '/api/outlets/main/categories/specials', { token: manager, body: { name: 'Specials', sort: 9 } });
      expect(cat.status, JSON.stringify(cat.body)).toBe(201);
      const group = await api.call('PUT', '/api/outlets/main/modifier-groups/spice', {
        token: manager,
        body: {
          name: 'Spice',
          required: true,
          min: 1,
          max: 1,
          options: [
            { id: 'mild', name: 'Mild', priceDelta: 0 },
            { id: 'hot', name: 'Hot', priceDelta: 2000 },
          ],
        },
      });
      expect(group.status, JSON.stringify(group.body)).toBe(201);
      const item = await api.call('PUT', '/api/outlets/main/items/nasi-special', {
        token: manager,
        body: { categoryId: 'specials', name: 'Nasi Special', price: 45000, available: true, station: 'kitchen', modifierGroupIds: ['spice'] },
      });
      expect(item.status, JSON.stringify(item.body)).toBe(201);
      const promo = await api.call('PUT', '/api/outlets/main/promotions/happy', {
        token: manager,
        body: {
          name: 'Happy hour',
          active: true,
          scope: { kind: 'category', categoryIds: ['specials'] },
          window: { days: [], from: '15:00', to: '17:00' },
          benefit: { kind: 'percent', rateBp: 1000 },
        },
      });
      expect(promo.status, JSON.stringify(promo.body)).toBe(201);
      const price = await api.call('PUT', '/api/outlets/main/items/nasi-special', {
        token: manager,
        body: { categoryId: 'specials', name: 'Nasi Special', price: 48000, available: true, station: 'kitchen', modifierGroupIds: ['spice'] },
      });
      expect(price.status).toBe(200);
      const off = await api.call('POST', '/api/outlets/main/items/nasi-special/availability', { token: manager, body: { available: false } });
      expect(off.status).toBe(200);

      const doc = await outletDoc();
      expect(doc.items.find((i) => i.id === 'nasi-special')).toMatchObject({ price: 48000, available: false, modifierGroupIds: ['spice'] });
      expect(doc.categories.find((c) => c.id === 'specials')).toMatchObject({ name: 'Specials' });
      expect(doc.promotions.find((p) => p.id === 'happy')).toMatchObject({ name: 'Happy hour' });

      // The update log attributes the edits to the editor.
      const managerId = (await store.db.selectFrom('users').select('id').where('email', '=', 'manager@demo.kiosk').executeTakeFirstOrThrow()).id;
      await api.relay.server.relay.flush();
      const authors = await store.db.selectFrom('update_log').select('device_id').where('doc_name', '=', 'demo/main').execute();
      expect(authors.map((a) => a.device_id)).toContain(`user:${managerId}`);

      const audit = await api.call('GET', '/api/outlets/main/audit?action=catalog', { token: manager });
      expect(audit.status).toBe(200);
      const priceChange = audit.body.entries.find(
        (e: { action: string; details: { before: { price?: number } | null } }) => e.action === 'catalog.items.put' && e.details.before?.price === 45000,
      );
      expect(priceChange).toMatchObject({ actor: `user:${managerId}`, details: { after: { price: 48000 } } });
      expect(audit.body.entries.some((e: { action: string }) => e.action === 'catalog.items.availability')).toBe(true);

      // Lists of each kind.
      for (const [path, key, id] of [
        ['categories', 'categories', 'specials'],
        ['items', 'items', 'nasi-special'],
        ['modifier-groups', 'modifierGroups', 'spice'],
        ['promotions', 'promotions', 'happy'],
      ] as const) {
        const list = await api.call('GET', `/api/outlets/main/${path}`, { token: manager });
        expect(list.status, path).toBe(200);
        expect(
          list.body[key].map((x: { id: string }) => x.id),
          path,
        ).toContain(id);
      }
      // A modifier group in use cannot go; a promotion can.
      expect((await api.call('DELETE', '/api/outlets/main/modifier-groups/spice', { token: manager })).status).toBe(409);
      expect((await api.call('DELETE', '/api/outlets/main/promotions/happy', { token: manager })).status).toBe(204);
      expect((await outletDoc()).promotions.some((x) => x.id === 'happy')).toBe(false);
      expect((await api.call('DELETE', '/api/outlets/main/promotions/happy', { token: manager })).status).toBe(404);

      const inUse = await api.call('DELETE', '/api/outlets/main/categories/specials', { token: manager });
      expect(inUse.status).toBe(409);
      expect((await api.call('DELETE', '/api/outlets/main/items/nasi-special', { token: manager })).status).toBe(204);
      expect((await api.call('DELETE', '/api/outlets/main/categories/specials', { token: manager })).status).toBe(204);
      expect((await api.call('DELETE', '/api/outlets/main/items/nasi-special', { token: manager })).status).toBe(404);
      expect((await api.call('DELETE', '/api/outlets/main/modifier-groups/spice', { token: manager })).status).toBe(204);
    });

    test('invalid menu input is 400 naming the field; nothing is written', async () => {
      const before = await store.db
        .selectFrom('update_log')
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow();
      const negative = await api.call('PUT', '/api/outlets/main/items/x1', {
        token: manager,
        body: { categoryId: 'nope', name: 'X', price: -5, available: true, station: 'kitchen' },
      });
      expect(negative.status).toBe(400);
      expect(negative.body.error.field).toBe('price');
      const noCategory = await api.call('PUT', '/api/outlets/main/items/x1', {
        token: manager,
        body: { categoryId: 'nope', name: 'X', price: 5, available: true, station: 'kitchen' },
      });
      expect(noCategory.status).toBe(400);
      expect(noCategory.body.error.field).toBe('categoryId');
      const fraction = await api.call('PUT', '/api/outlets/main/items/x1', {
        token: manager,
        body: { categoryId: 'nope', name: 'X', price: 1.5, available: true, station: 'kitchen' },
      });
      expect(fraction.body.error.field).toBe('price');
      const badId = await api.call('PUT', '/api/outlets/main/categories/bad%20id', { token: manager, body: { name: 'X' } });
      expect(badId.status).toBe(400);
      expect(badId.body.error.field).toBe('id');
      const minMax = await api.call('PUT', '/api/outlets/main/modifier-groups/g', {
        token: manager,
        body: { name: 'G', required: false, min: 3, max: 1, options: [{ id: 'a', name: 'A', priceDelta: 0 }] },
      });
      expect(minMax.body.error.field).toBe('min');
      const promo = await api.call('PUT', '/api/outlets/main/promotions/p1', {
        token: manager,
        body: { name: 'P', active: true, scope: { kind: 'category', categoryIds: ['nope'] }, benefit: { kind: 'percent', rateBp: 500 } },
      });
      expect(promo.status).toBe(400);
      expect(promo.body.error.field).toBe('scope.categoryIds.0');
      const zone = await api.call('PATCH', '/api/outlets/main/settings', { token: manager, body: { timeZone: 'Mars/Olympus' } });
      expect(zone.status).toBe(400);
      expect(zone.body.error.field).toBe('timeZone');
      const unknown = await api.call('PATCH', '/api/outlets/main/settings', { token: manager, body: { colour: 'red' } });
      expect(unknown.status).toBe(400);
      const after = await store.db
        .selectFrom('update_log')
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    });

    test('a NUL character in the address, a body or a sign-in is 400 naming where it was; nothing is written', async () => {
      const before = await store.db
        .selectFrom('update_log')
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow();
      const inPath = await api.call('GET', '/api/outlets/main%00x/devices', { token: manager });
      expect(inPath.status).toBe(400);
      expect(inPath.body.error).toMatchObject({ code: 'bad_request', field: 'url' });
      const inBody = await api.call('PUT', '/api/outlets/main/items/nul1', {
        token: manager,
        body: { categoryId: 'kopi', name: 'Kopi\u0000', price: 1000, available: true, station: 'kitchen' },
      });
      expect(inBody.status).toBe(400);
      expect(inBody.body.error).toMatchObject({ code: 'bad_request', field: 'body.name' });
      expect(inBody.body.error.message).toContain('NUL');
      const signIn = await api.call('POST', '/api/auth/login', { body: { email: 'owner\u0000@demo.kiosk', password: 'x' } });
      expect(signIn.status).toBe(400);
      expect(signIn.body.error.field).toBe('body.email');
      const after = await store.db
        .selectFrom('update_log')
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    });

    test('settings are patched key by key', async () => {
      const res = await api.call('PATCH', '/api/outlets/main/settings', { token: manager, body: { kitchenWarnSeconds: 240 } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const settings = (await outletDoc()).settings!;
      expect(settings.kitchenWarnSeconds).toBe(240);
      expect(settings.timeZone).toBe('Asia/Jakarta');
      const catalog = await api.call('GET', '/api/outlets/main/catalog', { token: manager });
      expect(catalog.body.settings.kitchenWarnSeconds).toBe(240);
      expect(JSON.stringify(catalog.body.staff)).not.toMatch(/pinHash/);
    });
  });

  describe('users and outlets', () => {
    test('owners create managers for chosen outlets; managers cannot (403)', async () => {
      const outlet = await api.call('POST', '/api/outlets', {
        token: owner,
        body: { id: 'branch', name: 'Branch', timeZone: 'Asia/Makassar', currency: 'IDR' },
      });
      expect(outlet.status, JSON.stringify(outlet.body)).toBe(201);
      expect((await outletDoc('demo', 'branch')).settings).toMatchObject({ name: 'Branch', timeZone: 'Asia/Makassar' });
      const user = await api.call('POST', '/api/users', {
        token: owner,
        body: { email: 'branch@demo.kiosk', name: 'Branch Mgr', password: 'longenough', role: 'manager', outlets: ['branch'] },
      });
      expect(user.status).toBe(201);
      const list = await api.call('GET', '/api/users', { token: owner });
      expect(list.body.users.find((u: { email: string }) => u.email === 'branch@demo.kiosk')).toMatchObject({ role: 'manager', outlets: ['branch'] });

      const branchManager = (await login('branch@demo.kiosk', 'longenough')).accessToken;
      expect((await api.call('GET', '/api/outlets', { token: branchManager })).body.outlets.map((o: { id: string }) => o.id)).toEqual(['branch']);
      // Same tenant, outlet not assigned: 403.
      expect((await api.call('GET', '/api/outlets/main/staff', { token: branchManager })).status).toBe(403);

      expect(
        (await api.call('POST', '/api/users', { token: manager, body: { email: 'x@demo.kiosk', name: 'X', password: 'longenough', role: 'owner' } })).status,
      ).toBe(403);
      expect((await api.call('POST', '/api/outlets', { token: manager, body: { id: 'x', name: 'X', timeZone: 'UTC', currency: 'IDR' } })).status).toBe(403);
      // One account per address within a tenant; another tenant's addresses are not probed here
      // (emails are unique per tenant: http-security.int-test.ts).
      const dup = await api.call('POST', '/api/users', {
        token: owner,
        body: { email: 'owner@demo.kiosk', name: 'Dup', password: 'longenough', role: 'manager' },
      });
      expect(dup.status).toBe(409);
      expect(dup.body.error.field).toBe('email');
      const weak = await api.call('POST', '/api/users', { token: owner, body: { email: 'weak@demo.kiosk', name: 'W', password: 'short', role: 'manager' } });
      expect(weak.body.error.field).toBe('password');
      const badOutlet = await api.call('POST', '/api/users', {
        token: owner,
        body: { email: 'y@demo.kiosk', name: 'Y', password: 'longenough', role: 'manager', outlets: ['nope'] },
      });
      expect(badOutlet.body.error.field).toBe('outlets.0');

      const disabled = await api.call('DELETE', `/api/users/${user.body.user.id}`, { token: owner });
      expect(disabled.status).toBe(204);
      expect((await api.call('GET', '/api/outlets', { token: branchManager })).status).toBe(401);
    });

    test('device tokens cannot use the back-office (403)', async () => {
      const till = await pairDevice('terminal', 'Role till');
      for (const [method, path] of [
        ['GET', '/api/outlets/main/staff'],
        ['GET', '/api/outlets/main/devices'],
        ['PUT', '/api/outlets/main/categories/x'],
        ['POST', '/api/outlets/main/pairing-codes'],
        ['GET', '/api/users'],
      ] as const) {
        const res = await api.call(method, path, { token: till.token, body: method === 'GET' ? undefined : { name: 'X' } });
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
    });
  });

  describe('tenant isolation', () => {
    test('another tenant’s rows are 404 over HTTP, even with a crafted id', async () => {
      const demoTill = await pairDevice('terminal', 'Demo only');
      // acme has its own outlet called "main": the demo device is simply not there.
      const patch = await api.call('PATCH', `/api/outlets/main/devices/${demoTill.deviceId}`, { token: acmeOwner, body: { name: 'Stolen' } });
      expect(patch.status).toBe(404);
      expect((await api.call('POST', `/api/outlets/main/devices/${demoTill.deviceId}/revoke`, { token: acmeOwner })).status).toBe(404);
      // An outlet only demo has.
      expect((await api.call('GET', '/api/outlets/branch/devices', { token: acmeOwner })).status).toBe(404);
      expect((await api.call('GET', '/api/outlets/branch/devices', { token: owner })).status).toBe(200);
      const acmeDevices = await api.call('GET', '/api/outlets/main/devices', { token: acmeOwner });
      expect(acmeDevices.body.devices.some((d: { id: string }) => d.id === demoTill.deviceId)).toBe(false);
      const row = await store.db.selectFrom('devices').select('name').where('id', '=', demoTill.deviceId).executeTakeFirstOrThrow();
      expect(row.name).toBe('Demo only');
    });
  });
});
