/**
 * `kiosk seed-demo` (the lead's seedDemo) with the office part: rows agree with the seeded
 * outlet document (staff ids and PIN hashes), and a second run changes nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { readOutlet, verifyPin } from '@kiosk/shared';
import { DEMO_STAFF_PINS } from '@kiosk/shared/demo';
import type { KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { loadDocFromLog, seedDemo } from './seed-demo';
import { verifyPassword } from '@kiosk/sync-server';

describe.each(testDatabaseTargets())('demo seed on $name', (target) => {
  let store: KioskDatabase;
  beforeAll(async () => {
    store = await target.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  test('owner, manager, outlet and staff match the outlet document; idempotent', async () => {
    await seedDemo(store);
    const count = async () => ({
      users: (await store.db.selectFrom('users').select('id').execute()).length,
      staff: (await store.db.selectFrom('staff').select('id').execute()).length,
      outlets: (await store.db.selectFrom('outlets').select('id').execute()).length,
      log: (await store.db.selectFrom('update_log').select('id').execute()).length,
    });
    const first = await count();
    await seedDemo(store);
    expect(await count()).toEqual(first);

    const owner = await store.db.selectFrom('users').selectAll().where('email', '=', 'owner@demo.kiosk').executeTakeFirstOrThrow();
    expect(owner).toMatchObject({ tenant_id: 'demo', role: 'owner' });
    expect(await verifyPassword('demo1234', owner.password_hash)).toBe(true);
    const outlet = await store.db.selectFrom('outlets').selectAll().executeTakeFirstOrThrow();
    const doc: Y.Doc = await loadDocFromLog(store, 'demo/main');
    const snapshot = readOutlet(doc);
    expect(outlet).toMatchObject({
      tenant_id: 'demo',
      id: 'main',
      time_zone: snapshot.settings!.timeZone,
      currency: snapshot.settings!.currency,
      name: snapshot.settings!.name,
    });

    const rows = await store.db.selectFrom('staff').select(['id', 'name', 'role', 'pin_hash']).orderBy('id').execute();
    expect(rows.map((r) => r.id)).toEqual(snapshot.staff.map((s) => s.id).sort());
    // No PIN verifier in the outlet document (issue 13); SQL holds argon2id.
    expect(JSON.stringify(doc.getMap('staff').toJSON())).not.toMatch(/pinHash|pbkdf2|argon2/);
    for (const row of rows) expect(row.pin_hash).toMatch(/^\$argon2id\$/);
    for (const s of DEMO_STAFF_PINS) {
      const row = rows.find((r) => r.id === s.id)!;
      expect(row).toMatchObject({ name: s.name, role: s.role });
      expect(await verifyPin(s.pin, row.pin_hash)).toBe(true);
    }
  });
});
