import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KioskDatabase } from '../connect';
import type { NewUpdate } from './append';
import { testDatabaseTargets } from '../testing';
import { writeBatch } from './group-commit';

describe.each(testDatabaseTargets())('group commit in one statement on $name', (target) => {
  let store: KioskDatabase;
  beforeAll(async () => {
    store = await target.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  const update = (docName: string, byte: number): NewUpdate => ({ docName, update: new Uint8Array([byte, 0, 255, byte]), deviceId: 'T1', origin: 'test' });

  test('rows get ids in queue order, bytes and split-out names intact, claims stored (first claim wins)', async () => {
    const queued = [update('wb/main/2026-10-01', 1), update('wb/main', 2), update('wb/other/2026-10-02', 3), update('wb/main/2026-10-01', 4)];
    const ids = await writeBatch(store, queued, [
      { docName: 'wb/main/2026-10-01', clientId: 11, deviceId: 'T1' },
      { docName: 'wb/main/2026-10-01', clientId: 12, deviceId: 'T2' },
    ]);
    expect(ids).toHaveLength(4);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    const rows = await store.db
      .selectFrom('update_log')
      .select(['id', 'doc_name', 'tenant_id', 'outlet_id', 'business_day', 'update', 'device_id', 'origin'])
      .where('id', 'in', ids)
      .orderBy('id')
      .execute();
    expect(
      rows.map((r) => [r.doc_name, r.tenant_id, r.outlet_id, r.business_day === null ? null : String(r.business_day).slice(0, 10), [...r.update]]),
    ).toEqual([
      ['wb/main/2026-10-01', 'wb', 'main', '2026-10-01', [1, 0, 255, 1]],
      ['wb/main', 'wb', 'main', null, [2, 0, 255, 2]],
      ['wb/other/2026-10-02', 'wb', 'other', '2026-10-02', [3, 0, 255, 3]],
      ['wb/main/2026-10-01', 'wb', 'main', '2026-10-01', [4, 0, 255, 4]],
    ]);
    // Claims alone (no rows), and a second claim of an owned id keeps the first owner.
    expect(
      await writeBatch(
        store,
        [],
        [
          { docName: 'wb/main/2026-10-01', clientId: 11, deviceId: 'T9' },
          { docName: 'wb/main/2026-10-01', clientId: 13, deviceId: 'T3' },
        ],
      ),
    ).toEqual([]);
    const claims = await store.db
      .selectFrom('device_client_ids')
      .select(['client_id', 'device_id'])
      .where('doc_name', '=', 'wb/main/2026-10-01')
      .orderBy('client_id')
      .execute();
    expect(claims.map((c) => [Number(c.client_id), c.device_id])).toEqual([
      [11, 'T1'],
      [12, 'T2'],
      [13, 'T3'],
    ]);
    // Rows alone, after the others.
    const more = await writeBatch(store, [update('wb/main', 5)], []);
    expect(more[0]).toBeGreaterThan(ids[3]);
  });

  test('a row with a bad document name refuses the whole batch: nothing of it is written', async () => {
    const before = await store.db
      .selectFrom('update_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    await expect(writeBatch(store, [update('wb/main/2026-10-03', 1), update('not a document name', 2)], [])).rejects.toThrow();
    const after = await store.db
      .selectFrom('update_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});
