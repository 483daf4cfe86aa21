import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { eventually } from '@kiosk/shared/testing';
import type { KioskDatabase } from '../connect';
import { migrationsUpToDate } from '../migrate';
import { testDatabaseTargets } from '../testing';
import { appendUpdates } from './append';
import { UPDATE_LOG_CHANNEL } from './channels';

describe.each(testDatabaseTargets())('update log on $name', (target) => {
  let store: KioskDatabase;
  beforeEach(async () => {
    store = await target.open();
  });
  afterEach(async () => {
    await store.close();
  });

  test('migrations are applied and reported up to date', async () => {
    expect(await migrationsUpToDate(store.db)).toBe(true);
  });

  test('appended updates come back byte-identical, in id order, with tenant/outlet/day split out', async () => {
    const doc = new Y.Doc();
    doc.getMap('settings').set('currency', 'IDR');
    const update = Y.encodeStateAsUpdate(doc);
    const ids = await appendUpdates(store.db, [
      { docName: 'demo/main', update, deviceId: 'seed', origin: 'test' },
      { docName: 'demo/main/2026-11-22', update, deviceId: 'T1', origin: 'test' },
    ]);
    expect(ids[1]).toBeGreaterThan(ids[0]);
    const rows = await store.db.selectFrom('update_log').selectAll().orderBy('id').execute();
    expect(rows.map((r) => [r.tenant_id, r.outlet_id, r.business_day])).toEqual([
      ['demo', 'main', null],
      ['demo', 'main', '2026-11-22'],
    ]);
    expect(Buffer.from(rows[0].update).equals(Buffer.from(update))).toBe(true);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, rows[0].update);
    expect(copy.getMap('settings').get('currency')).toBe('IDR');
  });

  test('an unknown document name is refused and nothing is written', async () => {
    await expect(appendUpdates(store.db, [{ docName: 'DEMO', update: new Uint8Array([0, 0]), deviceId: 'x', origin: 'test' }])).rejects.toThrow(/tenant/);
    expect(await store.db.selectFrom('update_log').select('id').execute()).toHaveLength(0);
  });

  test('appending notifies listeners with the document name', async () => {
    const seen: string[] = [];
    const stop = await store.listen(UPDATE_LOG_CHANNEL, (payload) => seen.push(payload));
    await appendUpdates(store.db, [{ docName: 'demo/main', update: new Uint8Array([0, 0]), deviceId: 'x', origin: 'test' }]);
    await eventually(() => expect(seen).toContain('demo/main'));
    await stop();
  });
});
