import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { sql } from 'kysely';
import type { KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { ALL_OUTLETS, Lease, LeaseLostError, outletsLeasedByOthers } from './lease';

describe.each(testDatabaseTargets())('leases on $name', (target) => {
  let store: KioskDatabase;
  beforeAll(async () => {
    store = await target.open();
  });
  afterAll(async () => {
    await store.close();
  });
  beforeEach(async () => {
    await sql`truncate projector_leases`.execute(store.db);
  });

  test('one holder per scope; the second waits until release', async () => {
    const a = new Lease({ holder: 'a', mode: 'authority', scopes: [ALL_OUTLETS] });
    const b = new Lease({ holder: 'b', mode: 'authority', scopes: [ALL_OUTLETS] });
    expect(await a.tryAcquire(store.db)).toBe(true);
    expect(await b.tryAcquire(store.db)).toBe(false);
    expect(await a.tryAcquire(store.db)).toBe(true); // renewal
    await a.release(store.db);
    expect(await b.tryAcquire(store.db)).toBe(true);
  });

  test('an expired lease is taken over, and the old holder is fenced out of its transactions', async () => {
    const a = new Lease({ holder: 'a', mode: 'authority', scopes: [{ tenant: 'demo', outlet: 'main' }], ttlMs: 1 });
    const b = new Lease({ holder: 'b', mode: 'authority', scopes: [{ tenant: 'demo', outlet: 'main' }] });
    expect(await a.tryAcquire(store.db)).toBe(true);
    await sql`select pg_sleep(0.01)`.execute(store.db);
    expect(await b.tryAcquire(store.db)).toBe(true);
    await expect(store.db.transaction().execute((trx) => a.renewIn(trx))).rejects.toBeInstanceOf(LeaseLostError);
    await store.db.transaction().execute((trx) => b.renewIn(trx));
  });

  test('all or nothing over several scopes; others see the outlets held', async () => {
    const a = new Lease({ holder: 'a', mode: 'authority', scopes: [{ tenant: 'demo', outlet: 'one' }] });
    const b = new Lease({
      holder: 'b',
      mode: 'mirror',
      scopes: [
        { tenant: 'demo', outlet: 'two' },
        { tenant: 'demo', outlet: 'one' },
      ],
    });
    expect(await a.tryAcquire(store.db)).toBe(true);
    expect(await b.tryAcquire(store.db)).toBe(false);
    const rows = await store.db.selectFrom('projector_leases').select(['outlet_id', 'holder']).execute();
    expect(rows).toEqual([{ outlet_id: 'one', holder: 'a' }]);
    expect(await outletsLeasedByOthers(store.db, 'c')).toEqual(new Set(['demo/one']));
    expect(await outletsLeasedByOthers(store.db, 'a')).toEqual(new Set());
  });
});
