import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import type { KioskDatabase } from '../connect';
import { appendUpdates } from './append';
import { testDatabaseTargets } from '../testing';
import { compactDocument, rowsSinceSnapshot } from './compaction';
import { loadDocument } from './load';

describe.each(testDatabaseTargets())('compaction on $name', (target) => {
  let store: KioskDatabase;
  beforeAll(async () => {
    store = await target.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  async function write(docName: string, doc: Y.Doc, fn: (d: Y.Doc) => void): Promise<void> {
    const before = Y.encodeStateVector(doc);
    fn(doc);
    await appendUpdates(store.db, [{ docName, update: Y.encodeStateAsUpdate(doc, before), deviceId: 'T1', origin: 'test' }]);
  }

  test('merges the log into a snapshot, keeps every row, and loads to the same document', async () => {
    const name = 'demo/main/2026-09-01';
    const doc = new Y.Doc();
    for (let i = 0; i < 30; i++) await write(name, doc, (d) => d.getMap('orders').set(`o${i}`, { total: i }));
    await write(name, doc, (d) => d.getMap('orders').delete('o3'));
    expect(await compactDocument(store, name)).toMatchObject({ mergedRows: 31 });
    expect(await rowsSinceSnapshot(store, name)).toBe(0);
    // never deletes log rows: the projector and rebuild read them
    expect(await store.db.selectFrom('update_log').select('id').where('doc_name', '=', name).execute()).toHaveLength(31);
    await write(name, doc, (d) => d.getMap('orders').set('late', { total: 99 }));
    const loaded = await loadDocument(store, name);
    expect(loaded.rows).toBe(1); // snapshot + one row
    expect(loaded.doc.getMap('orders').toJSON()).toEqual(doc.getMap('orders').toJSON());
    expect(Y.encodeStateVector(loaded.doc)).toEqual(Y.encodeStateVector(doc));
    // a second compaction merges only what came after
    expect(await compactDocument(store, name)).toMatchObject({ mergedRows: 1 });
    expect(await compactDocument(store, name)).toMatchObject({ mergedRows: 0 });
    expect((await loadDocument(store, name)).doc.getMap('orders').toJSON()).toEqual(doc.getMap('orders').toJSON());
  });

  test('a compaction that fails midway changes nothing (one transaction)', async () => {
    const name = 'demo/main/2026-09-02';
    const doc = new Y.Doc();
    await write(name, doc, (d) => d.getMap('orders').set('a', 1));
    await compactDocument(store, name);
    const before = await store.db.selectFrom('doc_snapshots').selectAll().where('doc_name', '=', name).executeTakeFirstOrThrow();
    await write(name, doc, (d) => d.getMap('orders').set('b', 2));
    await appendUpdates(store.db, [{ docName: name, update: new Uint8Array([7, 7, 7]), deviceId: 'bad', origin: 'test' }]);
    await expect(compactDocument(store, name)).rejects.toThrow();
    const after = await store.db.selectFrom('doc_snapshots').selectAll().where('doc_name', '=', name).executeTakeFirstOrThrow();
    expect(after.upto_id).toBe(before.upto_id);
    expect(Buffer.from(after.snapshot).equals(Buffer.from(before.snapshot))).toBe(true);
    expect(await rowsSinceSnapshot(store, name)).toBe(2);
  });
});
