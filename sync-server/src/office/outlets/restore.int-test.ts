/**
 * Outlet restore over a real sync-server, on PGlite and PostgreSQL: change a price, restore to
 * the point before, and the old price is back on a connected stock y-websocket client; the
 * restore points name people, not ids; a manager is refused; the restore is audited and added
 * on top of the history (the log only grows).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventually } from '@kiosk/shared/testing';
import { outletDocName, readOutlet, type RestorePoint } from '@kiosk/shared';
import type { KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { seedTestTenant, startApiServer, TEST_SETTINGS, type ApiServer } from '../../testing/office-fixtures';

describe.each(testDatabaseTargets())('outlet restore on $name', (target) => {
  let store: KioskDatabase;
  let api: ApiServer;
  let owner: string;
  let manager: string;

  const login = async (email: string) => {
    const res = await api.call('POST', '/api/auth/login', { body: { email, password: 'demo1234' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body as { accessToken: string }).accessToken;
  };
  const item = (price: number) => ({ categoryId: 'drinks', name: 'Es Teh', price, available: true, station: 'bar', modifierGroupIds: [] });
  const logRows = async () =>
    Number(
      (
        await store.db
          .selectFrom('update_log')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('doc_name', '=', outletDocName('demo', 'main'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    store = await target.open();
    await seedTestTenant(store, 'demo', 'demo.kiosk');
    await store.db.updateTable('users').set({ name: 'Owner Olivia' }).where('id', '=', 'demo-owner').execute();
    api = await startApiServer({ store });
    owner = await login('owner@demo.kiosk');
    manager = await login('manager@demo.kiosk');
    expect((await api.call('PATCH', '/api/outlets/main/settings', { token: manager, body: TEST_SETTINGS })).status).toBe(200);
    expect((await api.call('PUT', '/api/outlets/main/categories/drinks', { token: manager, body: { name: 'Drinks', sort: 1 } })).status).toBe(201);
    expect((await api.call('PUT', '/api/outlets/main/items/es-teh', { token: manager, body: item(8000) })).status).toBe(201);
  });
  afterAll(async () => {
    await api?.close();
    await store?.close();
  });

  test('change a price, restore to the point before: the price is back on a connected y-websocket client; audited', async () => {
    const terminal = await api.relay.tokenFor('terminal');
    const client = api.relay.client(outletDocName('demo', 'main'), terminal);
    await client.synced();
    const priceOnClient = () => readOutlet(client.doc).items.find((i) => i.id === 'es-teh')?.price;
    expect(priceOnClient()).toBe(8000);

    const before = await api.call('GET', '/api/outlets/main/restore-points', { token: owner });
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    const point = (before.body.points as RestorePoint[])[0];
    expect(point.changes).toEqual(expect.arrayContaining([{ section: 'items', label: 'Es Teh', change: 'added' }]));

    // Somebody else (the owner, later) changes the price.
    const later = await api.call('PUT', '/api/outlets/main/items/es-teh', { token: owner, body: item(12000) });
    expect(later.status).toBe(200);
    await eventually(() => expect(priceOnClient()).toBe(12000));

    const points = (await api.call('GET', '/api/outlets/main/restore-points', { token: owner })).body.points as RestorePoint[];
    expect(points[0]).toMatchObject({ by: 'Owner Olivia', changes: [{ section: 'items', label: 'Es Teh', change: 'changed' }] });
    // Names, never ids.
    expect(JSON.stringify(points)).not.toMatch(/user:|staff:|demo-owner|demo-manager/);
    expect(points.some((p) => p.by === 'demo-manager')).toBe(false);
    expect(points.find((p) => p.pointId === point.pointId)?.by).toBe('manager@demo.kiosk');

    const rowsBefore = await logRows();
    const restored = await api.call('POST', '/api/outlets/main/restore', { token: owner, body: { pointId: point.pointId } });
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(restored.body.changes).toEqual([{ section: 'items', label: 'Es Teh', change: 'changed' }]);
    await eventually(() => expect(priceOnClient()).toBe(8000));
    // History is not rewritten: the restore is one more row on top.
    await eventually(async () => expect(await logRows()).toBe(rowsBefore + 1));

    const audit = await store.db.selectFrom('audit_log').select(['actor', 'action', 'details']).where('action', '=', 'outlet.restore').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].actor).toBe('user:demo-owner');
    expect(audit[0].details).toMatchObject({ pointId: point.pointId, changes: 1, sections: ['items'] });

    // The restore is a point of its own (never merged with the edit just before it), by name.
    const after = (await api.call('GET', '/api/outlets/main/restore-points', { token: owner })).body.points as RestorePoint[];
    expect(after[0]).toMatchObject({ by: 'Owner Olivia', restore: true, changes: [{ section: 'items', label: 'Es Teh', change: 'changed' }] });
    expect(after[1]).toMatchObject({ restore: false, changes: [{ section: 'items', label: 'Es Teh', change: 'changed' }] });

    // Restoring to where it already is writes nothing.
    const again = await api.call('POST', '/api/outlets/main/restore', { token: owner, body: { pointId: point.pointId } });
    expect(again.body.changes).toEqual([]);
  });

  test('a manager is refused (403); bad and unknown points are 400 and 404; another tenant’s outlet is 404', async () => {
    expect((await api.call('GET', '/api/outlets/main/restore-points', { token: manager })).status).toBe(403);
    const points = (await api.call('GET', '/api/outlets/main/restore-points', { token: owner })).body.points as RestorePoint[];
    expect((await api.call('POST', '/api/outlets/main/restore', { token: manager, body: { pointId: points[0].pointId } })).status).toBe(403);
    expect((await api.call('POST', '/api/outlets/main/restore', { token: owner, body: { pointId: 'x' } })).status).toBe(400);
    expect((await api.call('POST', '/api/outlets/main/restore', { token: owner, body: { pointId: 999_999 } })).status).toBe(404);
    expect((await api.call('GET', '/api/outlets/elsewhere/restore-points', { token: owner })).status).toBe(404);
  });

  test('staff: names and roles come back, removed members are not resurrected, PIN verifiers are never taken from history', async () => {
    const created = await api.call('POST', '/api/outlets/main/staff', { token: owner, body: { id: 'staff-sari', name: 'Sari', role: 'cashier', pin: '1234' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const points = (await api.call('GET', '/api/outlets/main/restore-points', { token: owner })).body.points as RestorePoint[];
    const point = points[0];
    const changed = await api.call('PATCH', '/api/outlets/main/staff/staff-sari', { token: owner, body: { name: 'Sari W', role: 'manager', pin: '5678' } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const doc = await api.relay.server.relay.getDoc(outletDocName('demo', 'main'));
    // PIN verifiers live in the staff table and the staff-keys document, public keys in the
    // outlet's approvalKeys: a restore takes none of them from history.
    const pinAfterChange = (await store.db.selectFrom('staff').select('pin_hash').where('id', '=', 'staff-sari').executeTakeFirstOrThrow()).pin_hash;
    const keysAfterChange = readOutlet(doc).approvalKeys;

    const restored = await api.call('POST', '/api/outlets/main/restore', { token: owner, body: { pointId: point.pointId } });
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    const sari = readOutlet(doc).staff.find((s) => s.id === 'staff-sari');
    expect(sari).toMatchObject({ name: 'Sari', role: 'cashier' });
    expect(readOutlet(doc).approvalKeys).toEqual(keysAfterChange);
    const row = await store.db.selectFrom('staff').select(['name', 'role', 'pin_hash']).where('id', '=', 'staff-sari').executeTakeFirstOrThrow();
    expect(row).toEqual({ name: 'Sari', role: 'cashier', pin_hash: pinAfterChange });
  });
});
