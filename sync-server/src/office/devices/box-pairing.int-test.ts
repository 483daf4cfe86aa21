/**
 * Pairing a LAN box from the cloud back-office (issue 14), over HTTP and the relay against a
 * real store (PGlite, and PostgreSQL when configured): box pairing codes (owner only), a box
 * code pairs only a box and a device code only devices, the box's token, key and outlet info,
 * the numbering hand-over, box-signed tokens on the relay and the API, the devices a box paired
 * on its own, renewal, and revoking the box.
 */
import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CloseCode, outletDocName, readNumbering, readOutlet, type BoxPairResponse } from '@kiosk/shared';
import { eventually, putTestOrder, testOrderTotal } from '@kiosk/shared/testing';
import type { KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { boxKeyId, signToken, type Role } from '../../auth/tokens';
import { seedTestTenant, startApiServer, TEST_SETTINGS, type ApiServer } from '../../testing/office-fixtures';

const DAY = 'demo/main/2026-11-22';

describe.each(testDatabaseTargets())('LAN box pairing on $name', (target) => {
  let store: KioskDatabase;
  let api: ApiServer;
  const clock = Date.now();
  let owner: string;
  let manager: string;
  let box: BoxPairResponse;

  async function login(email: string) {
    const res = await api.call('POST', '/api/auth/login', { body: { email, password: 'demo1234' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.accessToken as string;
  }

  async function pairingCode(token: string, kind?: 'device' | 'box') {
    const res = await api.call('POST', '/api/outlets/main/pairing-codes', { token, body: kind ? { kind } : undefined });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.code as string;
  }

  function boxSigned(claims: { outlet?: string; tenant?: string; role?: Role; deviceId?: string } = {}) {
    return signToken(box.boxKey, { tenant: 'demo', outlet: 'main', role: 'terminal', deviceId: 'box-till-1', ...claims }, { kid: boxKeyId(box.deviceId) });
  }

  async function audit(action: string) {
    const rows = await store.db.selectFrom('audit_log').select(['details', 'actor']).where('action', '=', action).orderBy('id').execute();
    return rows.map((r) => ({ ...r, details: r.details }));
  }

  beforeAll(async () => {
    store = await target.open();
    await seedTestTenant(store, 'demo', 'demo.kiosk');
    await seedTestTenant(store, 'acme', 'acme.test');
    await store.db.insertInto('outlets').values({ tenant_id: 'demo', id: 'branch', name: 'demo branch', time_zone: 'Asia/Jakarta', currency: 'IDR' }).execute();
    api = await startApiServer({ store, now: () => clock });
    owner = await login('owner@demo.kiosk');
    manager = await login('manager@demo.kiosk');
    const settings = await api.call('PATCH', '/api/outlets/main/settings', { token: manager, body: TEST_SETTINGS });
    expect(settings.status, JSON.stringify(settings.body)).toBe(200);
  });

  afterAll(async () => {
    await api?.close();
    await store?.close();
  });

  test('a box pairing code needs the role owner; without a body a code is for devices', async () => {
    const refused = await api.call('POST', '/api/outlets/main/pairing-codes', { token: manager, body: { kind: 'box' } });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'forbidden', message: 'a LAN box pairing code needs the role owner; you are signed in as manager' });
    const forOwner = await api.call('POST', '/api/outlets/main/pairing-codes', { token: owner, body: { kind: 'box' } });
    expect(forOwner.status).toBe(201);
    expect(forOwner.body.kind).toBe('box');
    const plain = await api.call('POST', '/api/outlets/main/pairing-codes', { token: manager });
    expect(plain.body.kind).toBe('device');
    const bad = await api.call('POST', '/api/outlets/main/pairing-codes', { token: owner, body: { kind: 'toaster' } });
    expect(bad.status).toBe(400);
    const created = await audit('device.pairing_code_created');
    expect(created.map((r) => r.details.kind)).toEqual(['box', 'device']);
  });

  test('a box code pairs only a box, a device code only a terminal or kitchen display (and neither is used up)', async () => {
    const boxCode = await pairingCode(owner, 'box');
    const deviceCode = await pairingCode(manager);
    const asTerminal = await api.call('POST', '/api/pair', { body: { code: boxCode, name: 'Till', kind: 'terminal' } });
    expect(asTerminal.status).toBe(400);
    expect(asTerminal.body.error).toEqual({
      code: 'pairing_kind_mismatch',
      field: 'code',
      message: 'this pairing code is for a LAN box, not a terminal; ask a manager for a device pairing code',
    });
    const asKitchen = await api.call('POST', '/api/pair', { body: { code: boxCode, name: 'Grill', kind: 'kitchen' } });
    expect(asKitchen.body.error.message).toMatch(/for a LAN box, not a kitchen display/);
    const asBox = await api.call('POST', '/api/pair', { body: { code: deviceCode, name: 'Box', kind: 'box' } });
    expect(asBox.status).toBe(400);
    expect(asBox.body.error.code).toBe('pairing_kind_mismatch');
    expect(asBox.body.error.message).toMatch(/for a terminal or kitchen display, not a LAN box; an owner creates a box pairing code/);
    // Both still work for what they are for.
    const terminal = await api.call('POST', '/api/pair', { body: { code: deviceCode, name: 'Front till', kind: 'terminal' } });
    expect(terminal.status).toBe(201);
    expect(decodeProtectedHeader(terminal.body.token).kid).toBeUndefined(); // no box yet: the server secret
    const paired = await api.call('POST', '/api/pair', { body: { code: boxCode, name: 'Shop box', kind: 'box' } });
    expect(paired.status, JSON.stringify(paired.body)).toBe(201);
    box = paired.body;
  });

  test('pairing a box: role box token, a box key, the outlet info; the box numbers the outlet from now on', async () => {
    expect(box).toMatchObject({
      kind: 'box',
      name: 'Shop box',
      tenant: 'demo',
      outlet: 'main',
      code: 'BOX1',
      stations: [],
      outletInfo: { name: 'Test Café', timeZone: 'Asia/Jakarta', currency: 'IDR', businessDayStart: '04:00', locale: 'id-ID' },
    });
    expect(Buffer.from(box.boxKey, 'base64url')).toHaveLength(32);
    expect(box.expiresAt).toBe((Math.floor(clock / 1000) + 24 * 3600) * 1000);
    const me = await api.call('GET', '/api/auth/me', { token: box.token });
    expect(me.body).toMatchObject({ kind: 'device', role: 'box', outlet: 'main' });
    const doc = await api.relay.server.relay.getDoc(outletDocName('demo', 'main'));
    expect(readNumbering(doc)).toMatchObject({ authority: `box:${box.deviceId}`, from: 'cloud', epoch: 1 });
    expect(readNumbering(doc).handover).toMatchObject({ reason: 'box_paired', by: 'user:demo-owner' });
    // Boxes stay out of the outlet document's devices (terminals know terminals and kitchens only).
    expect(readOutlet(doc).devices.map((d) => d.id)).not.toContain(box.deviceId);
    expect(await audit('numbering.handed_over')).toEqual([
      { actor: 'user:demo-owner', details: { from: 'cloud', to: `box:${box.deviceId}`, epoch: 1, reason: 'box_paired', force: false } },
    ]);
    const key = await store.db.selectFrom('box_keys').selectAll().where('box_device_id', '=', box.deviceId).executeTakeFirstOrThrow();
    expect(key).toMatchObject({ tenant_id: 'demo', outlet_id: 'main', key: box.boxKey, revoked_at: null });
    const ledger = await store.db.selectFrom('issued_tokens').select(['kind', 'subject']).where('subject', '=', box.deviceId).execute();
    expect(ledger).toEqual([{ kind: 'device', subject: box.deviceId }]);
    const devices = await api.call('GET', '/api/outlets/main/devices', { token: manager });
    expect(devices.body.devices.find((d: { id: string }) => d.id === box.deviceId)).toMatchObject({
      kind: 'box',
      name: 'Shop box',
      paired: true,
      pairedByBox: null,
    });
  });

  test('the box token opens its outlet on the relay as a trusted relay', async () => {
    const link = api.relay.client(outletDocName('demo', 'main'), box.token);
    await link.synced();
    expect(link.closes).toEqual([]);
    link.destroy();
  });

  test('a token signed with the box key opens a day document of its outlet; one for another outlet or of role manager is refused', async () => {
    const till = api.relay.client(DAY, await boxSigned());
    await till.synced();
    putTestOrder(till.doc, DAY, { id: 'box-order-1', deviceId: 'box-till-1', total: 12_000 });
    const reader = api.relay.client(DAY, await api.relay.tokenFor('manager', { deviceId: 'M1' }));
    await eventually(() => expect(testOrderTotal(reader.doc, 'box-order-1')).toBe(12_000));
    expect(till.closes).toEqual([]);
    const otherOutlet = api.relay.client('demo/branch/2026-11-22', await boxSigned({ outlet: 'branch' }));
    const asManager = api.relay.client(DAY, await boxSigned({ role: 'manager', deviceId: 'M9' }));
    const otherTenant = api.relay.client('acme/main', await boxSigned({ tenant: 'acme' }));
    await eventually(() => {
      for (const c of [otherOutlet, asManager, otherTenant]) expect(c.closes.length).toBeGreaterThan(0);
    });
    expect(otherOutlet.closes[0]).toEqual({
      code: CloseCode.unauthorized,
      reason: expect.stringMatching(/^unauthorized: token for demo\/branch signed by the box of demo\/main: a box signs for its own outlet only$/),
    });
    expect(asManager.closes[0]).toEqual({
      code: CloseCode.unauthorized,
      reason: expect.stringMatching(/^unauthorized: token of role manager signed by a box: a box signs terminal and kitchen tokens only$/),
    });
    expect(otherTenant.closes[0].code).toBe(CloseCode.unauthorized);
    // The API takes box-signed device tokens too.
    const me = await api.call('GET', '/api/auth/me', { token: await boxSigned() });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ kind: 'device', role: 'terminal', outlet: 'main' });
    for (const c of [till, reader, otherOutlet, asManager, otherTenant]) c.destroy();
  });

  test('with a box, the cloud signs the device tokens of the outlet with the box key (pairing and renewal)', async () => {
    const code = await pairingCode(manager);
    const paired = await api.call('POST', '/api/pair', { body: { code, name: 'Grill', kind: 'kitchen', stations: ['grill'] } });
    expect(paired.status).toBe(201);
    expect(decodeProtectedHeader(paired.body.token).kid).toBe(`box:${box.deviceId}`);
    const renewed = await api.call('POST', '/api/device-token', { body: { renewalKey: paired.body.renewalKey } });
    expect(renewed.status).toBe(200);
    expect(decodeProtectedHeader(renewed.body.token).kid).toBe(`box:${box.deviceId}`);
    const kitchen = api.relay.client(DAY, renewed.body.token);
    await kitchen.synced();
    kitchen.destroy();
  });

  test('the box renews its own token: role box, signed by the server', async () => {
    const renewed = await api.call('POST', '/api/device-token', { body: { renewalKey: box.renewalKey } });
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
    expect(renewed.body.deviceId).toBe(box.deviceId);
    expect(decodeProtectedHeader(renewed.body.token).kid).toBeUndefined();
    const me = await api.call('GET', '/api/auth/me', { token: renewed.body.token });
    expect(me.body).toMatchObject({ role: 'box', outlet: 'main' });
    box = { ...box, token: renewed.body.token };
  });

  test('POST /api/box/devices: devices the box paired offline are learned, listed as paired by the box, idempotently', async () => {
    const offline = {
      id: randomUUID(),
      name: 'Patio till',
      kind: 'terminal',
      code: 'Q',
      stations: [],
      createdAt: new Date(clock).toISOString(),
      revokedAt: null,
    };
    const gone = {
      id: randomUUID(),
      name: 'Old screen',
      kind: 'kitchen',
      code: 'R',
      stations: ['bar'],
      createdAt: new Date(clock).toISOString(),
      revokedAt: new Date(clock).toISOString(),
    };
    const res = await api.call('POST', '/api/box/devices', { token: box.token, body: { devices: [offline, gone] } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ created: [offline.id, gone.id], updated: [], unchanged: [] });
    const again = await api.call('POST', '/api/box/devices', { token: box.token, body: { devices: [offline, gone] } });
    expect(again.body).toEqual({ created: [], updated: [], unchanged: [offline.id, gone.id] });
    const renamed = await api.call('POST', '/api/box/devices', { token: box.token, body: { devices: [{ ...offline, name: 'Patio till 2' }] } });
    expect(renamed.body.updated).toEqual([offline.id]);

    const list = await api.call('GET', '/api/outlets/main/devices', { token: manager });
    const byId = new Map(list.body.devices.map((d: { id: string }) => [d.id, d]));
    expect(byId.get(offline.id)).toMatchObject({ name: 'Patio till 2', kind: 'terminal', code: 'Q', paired: true, pairedByBox: 'Shop box', revokedAt: null });
    expect(byId.get(gone.id)).toMatchObject({ kind: 'kitchen', stations: ['bar'], paired: true, pairedByBox: 'Shop box', revokedAt: gone.revokedAt });
    const doc = readOutlet(await api.relay.server.relay.getDoc(outletDocName('demo', 'main')));
    expect(doc.devices.find((d) => d.id === offline.id)).toMatchObject({ code: 'Q', name: 'Patio till 2' });
    expect(doc.devices.find((d) => d.id === gone.id)).toBeUndefined();
    expect((await audit('device.learned_from_box')).map((r) => [r.actor, r.details.deviceId])).toEqual([
      [box.deviceId, offline.id],
      [box.deviceId, gone.id],
      [box.deviceId, offline.id],
    ]);
  });

  test('a box cannot register a device into another outlet or tenant, and only a box may call it', async () => {
    const base = { name: 'X', kind: 'terminal', stations: [], createdAt: new Date(clock).toISOString(), revokedAt: null };
    const branchDevice = randomUUID();
    const acmeDevice = randomUUID();
    await store.db
      .insertInto('devices')
      .values([
        {
          id: branchDevice,
          tenant_id: 'demo',
          outlet_id: 'branch',
          name: 'Branch till',
          kind: 'terminal',
          code: 'A',
          stations: '[]',
          token_jti: null,
          created_by: 'demo-owner',
        },
        {
          id: acmeDevice,
          tenant_id: 'acme',
          outlet_id: 'main',
          name: 'Acme till',
          kind: 'terminal',
          code: 'A',
          stations: '[]',
          token_jti: null,
          created_by: 'acme-owner',
        },
      ])
      .execute();
    for (const id of [branchDevice, acmeDevice]) {
      const res = await api.call('POST', '/api/box/devices', { token: box.token, body: { devices: [{ ...base, id, code: 'Z' }] } });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toBe(`device ${id} belongs to another outlet; a box reports devices of its own outlet (demo/main) only`);
    }
    const untouched = await store.db.selectFrom('devices').select(['id', 'outlet_id', 'name']).where('id', 'in', [branchDevice, acmeDevice]).execute();
    expect(untouched.map((d) => d.name).sort()).toEqual(['Acme till', 'Branch till']);
    const asTerminal = await api.call('POST', '/api/box/devices', { token: await boxSigned(), body: { devices: [] } });
    expect(asTerminal.status).toBe(403);
    const asManager = await api.call('POST', '/api/box/devices', { token: manager, body: { devices: [] } });
    expect(asManager.status).toBe(403);
    const tooMany = await api.call('POST', '/api/box/devices', {
      token: box.token,
      body: { devices: Array.from({ length: 501 }, () => ({ ...base, id: randomUUID(), code: 'Y' })) },
    });
    expect(tooMany.status).toBe(400);
  });

  test('revoking the box revokes its key: the tokens it signed are refused, live ones closed, numbering back to the cloud', async () => {
    const live = api.relay.client(DAY, await boxSigned({ deviceId: 'box-till-live' }));
    await live.synced();
    const revoked = await api.call('POST', `/api/outlets/main/devices/${box.deviceId}/revoke`, { token: owner });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    await eventually(() => expect(live.closes[0]?.code).toBe(CloseCode.unauthorized));
    const key = await store.db.selectFrom('box_keys').select('revoked_at').where('box_device_id', '=', box.deviceId).executeTakeFirstOrThrow();
    expect(key.revoked_at).not.toBeNull();
    const late = api.relay.client(DAY, await boxSigned());
    await eventually(() => expect(late.closes.length).toBeGreaterThan(0));
    expect(late.closes[0]).toEqual({ code: CloseCode.unauthorized, reason: `unauthorized: token is signed by box ${box.deviceId}, which has been revoked` });
    const me = await api.call('GET', '/api/auth/me', { token: await boxSigned() });
    expect(me.status).toBe(401);
    const boxLink = await api.call('POST', '/api/box/devices', { token: box.token, body: { devices: [] } });
    expect(boxLink.status).toBe(401);
    const renew = await api.call('POST', '/api/device-token', { body: { renewalKey: box.renewalKey } });
    expect(renew.status).toBe(401);
    const doc = await api.relay.server.relay.getDoc(outletDocName('demo', 'main'));
    expect(readNumbering(doc)).toMatchObject({ authority: 'cloud', epoch: 2, released: true });
    expect(readNumbering(doc).handover).toMatchObject({ reason: 'box_retired', force: true });
    // Devices of the outlet get server-signed tokens again.
    const code = await pairingCode(manager);
    const paired = await api.call('POST', '/api/pair', { body: { code, name: 'After', kind: 'terminal' } });
    expect(decodeProtectedHeader(paired.body.token).kid).toBeUndefined();
    late.destroy();
    live.destroy();
  });

  test('a second box replaces the first: hand-over reason box_replaced', async () => {
    const first = await api.call('POST', '/api/pair', { body: { code: await pairingCode(owner, 'box'), name: 'Box A', kind: 'box' } });
    const second = await api.call('POST', '/api/pair', { body: { code: await pairingCode(owner, 'box'), name: 'Box B', kind: 'box' } });
    expect(second.status).toBe(201);
    expect(second.body.code).not.toBe(first.body.code);
    const state = readNumbering(await api.relay.server.relay.getDoc(outletDocName('demo', 'main')));
    expect(state).toMatchObject({ authority: `box:${second.body.deviceId}`, from: `box:${first.body.deviceId}` });
    expect(state.handover?.reason).toBe('box_replaced');
  });
});
