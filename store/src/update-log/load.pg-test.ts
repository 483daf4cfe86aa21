import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import type { KioskDatabase } from '../connect';
import { appendUpdates } from './append';
import { testDatabaseTargets } from '../testing';
import { compactDocument } from './compaction';
import { writeBatch } from './group-commit';
import { LoadError, loadDocument, readDocument, type BadRow } from './load';

const BAD = new Uint8Array([1, 2, 3, 4, 5]);

describe.each(testDatabaseTargets())('readDocument on $name', (target) => {
  let store: KioskDatabase;
  beforeAll(async () => {
    store = await target.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  /** Writes one change of `doc` as a log row; returns its id. */
  async function write(docName: string, doc: Y.Doc, fn: (d: Y.Doc) => void): Promise<number> {
    const before = Y.encodeStateVector(doc);
    fn(doc);
    const [id] = await appendUpdates(store.db, [{ docName, update: Y.encodeStateAsUpdate(doc, before), deviceId: 'T1', origin: 'test' }]);
    return id;
  }

  async function writeBad(docName: string): Promise<number> {
    const [id] = await appendUpdates(store.db, [{ docName, update: BAD, deviceId: 'T9', origin: 'test' }]);
    return id;
  }

  const orders = (doc: Y.Doc) => doc.getMap('orders').toJSON();

  test('a document with no row: empty, lastLogId 0, no snapshot', async () => {
    const loaded = await readDocument(store, 'load/none/2026-09-01', { onBadRow: 'throw' });
    expect(orders(loaded.doc)).toEqual({});
    expect(loaded).toMatchObject({ lastLogId: 0, snapshotUpTo: null, rows: 0, held: [] });
    expect(loaded.owners.size).toBe(0);
  });

  test('rows only: every row in id order, lastLogId = the last row', async () => {
    const name = 'load/rows/2026-09-01';
    const doc = new Y.Doc();
    let last = 0;
    for (let i = 0; i < 5; i++) last = await write(name, doc, (d) => d.getMap('orders').set(`o${i}`, { total: i }));
    await write('load/other/2026-09-01', new Y.Doc(), (d) => d.getMap('orders').set('x', 1));
    const loaded = await readDocument(store, name, { onBadRow: 'throw' });
    expect(orders(loaded.doc)).toEqual(orders(doc));
    expect(Y.encodeStateVector(loaded.doc)).toEqual(Y.encodeStateVector(doc));
    expect(loaded).toMatchObject({ lastLogId: last, snapshotUpTo: null, rows: 5, held: [] });
  });

  test('snapshot + rows: only the rows after the snapshot are read', async () => {
    const name = 'load/snap/2026-09-01';
    const doc = new Y.Doc();
    for (let i = 0; i < 4; i++) await write(name, doc, (d) => d.getMap('orders').set(`o${i}`, { total: i }));
    const { uptoId } = await compactDocument(store, name);
    // snapshot only
    expect(await readDocument(store, name, { onBadRow: 'throw' })).toMatchObject({ lastLogId: uptoId, snapshotUpTo: uptoId, rows: 0 });
    await write(name, doc, (d) => d.getMap('orders').delete('o1'));
    const last = await write(name, doc, (d) => d.getMap('orders').set('late', { total: 9 }));
    const loaded = await readDocument(store, name, { onBadRow: 'throw' });
    expect(orders(loaded.doc)).toEqual(orders(doc));
    expect(loaded).toMatchObject({ lastLogId: last, snapshotUpTo: uptoId, rows: 2 });
  });

  test('applyUpTo: later rows are read but held back, unapplied', async () => {
    const name = 'load/held/2026-09-01';
    const doc = new Y.Doc();
    const first = await write(name, doc, (d) => d.getMap('orders').set('a', 1));
    const second = await write(name, doc, (d) => d.getMap('orders').set('b', 2));
    const loaded = await readDocument(store, name, { onBadRow: 'throw', applyUpTo: first });
    expect(orders(loaded.doc)).toEqual({ a: 1 });
    expect(loaded.held.map((r) => r.id)).toEqual([second]);
    expect(loaded).toMatchObject({ lastLogId: second, rows: 2 });
    for (const row of loaded.held) Y.applyUpdate(loaded.doc, row.update);
    expect(orders(loaded.doc)).toEqual({ a: 1, b: 2 });
  });

  test('owners: the client-id claims, only when asked for; loadDocument returns them', async () => {
    const name = 'load/owners/2026-09-01';
    const doc = new Y.Doc();
    doc.getMap('orders').set('a', 1);
    const [id] = await writeBatch(
      store,
      [{ docName: name, update: Y.encodeStateAsUpdate(doc), deviceId: 'T1', origin: 'test' }],
      [
        { docName: name, clientId: 11, deviceId: 'T1' },
        { docName: name, clientId: 13, deviceId: 'T3' },
      ],
    );
    expect((await readDocument(store, name, { onBadRow: 'throw' })).owners.size).toBe(0);
    const withOwners = await readDocument(store, name, { onBadRow: 'throw', owners: true });
    expect([...withOwners.owners]).toEqual(
      expect.arrayContaining([
        [11, 'T1'],
        [13, 'T3'],
      ]),
    );
    const loaded = await loadDocument(store, name);
    expect(Object.keys(loaded).sort()).toEqual(['doc', 'lastLogId', 'owners', 'rows']);
    expect(loaded).toMatchObject({ lastLogId: id, rows: 1 });
    expect(loaded.owners.get(13)).toBe('T3');
    expect(orders(loaded.doc)).toEqual({ a: 1 });
  });

  describe('a row that does not apply', () => {
    const name = 'load/bad/2026-09-01';
    let badId = 0;
    let last = 0;
    beforeAll(async () => {
      const doc = new Y.Doc();
      await write(name, doc, (d) => d.getMap('orders').set('a', 1));
      badId = await writeBad(name);
      last = await write(name, doc, (d) => d.getMap('orders').set('b', 2));
    });

    test("'throw': LoadError naming the row, no document", async () => {
      const error = await readDocument(store, name, { onBadRow: 'throw' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LoadError);
      expect((error as Error).message).toMatch(new RegExp(`^cannot load ${name}: update_log row ${badId} does not apply: `));
      expect((error as Error).cause).toBeInstanceOf(Error);
      await expect(loadDocument(store, name)).rejects.toThrow(LoadError);
    });

    test("'skip': left out, the rest applies", async () => {
      const loaded = await readDocument(store, name, { onBadRow: 'skip' });
      expect(orders(loaded.doc)).toEqual({ a: 1, b: 2 });
      expect(loaded).toMatchObject({ lastLogId: last, rows: 3 });
    });

    test('a function: told about it, the rest applies', async () => {
      const bad: BadRow[] = [];
      const loaded = await readDocument(store, name, { onBadRow: (b) => bad.push(b) });
      expect(orders(loaded.doc)).toEqual({ a: 1, b: 2 });
      expect(bad).toEqual([{ docName: name, id: badId, error: expect.any(Error) }]);
      expect(loaded.lastLogId).toBe(last);
    });
  });

  describe('a snapshot that does not apply', () => {
    const name = 'load/badsnap/2026-09-01';
    let uptoId = 0;
    let last = 0;
    beforeAll(async () => {
      const doc = new Y.Doc();
      await write(name, doc, (d) => d.getMap('orders').set('a', 1));
      uptoId = (await compactDocument(store, name)).uptoId;
      await store.db.updateTable('doc_snapshots').set({ snapshot: BAD }).where('doc_name', '=', name).execute();
      last = await write(name, doc, (d) => d.getMap('orders').set('b', 2));
    });

    test("'throw': LoadError naming the snapshot", async () => {
      await expect(readDocument(store, name, { onBadRow: 'throw' })).rejects.toThrow(new RegExp(`^cannot load ${name}: snapshot does not apply: `));
    });

    test("'skip' and a function: the snapshot is dropped and every row is read from the start", async () => {
      const skipped = await readDocument(store, name, { onBadRow: 'skip' });
      expect(orders(skipped.doc)).toEqual({ a: 1, b: 2 });
      expect(skipped).toMatchObject({ snapshotUpTo: null, lastLogId: last, rows: 2 });
      const bad: BadRow[] = [];
      const told = await readDocument(store, name, { onBadRow: (b) => bad.push(b) });
      expect(orders(told.doc)).toEqual({ a: 1, b: 2 });
      expect(bad).toEqual([{ docName: name, id: null, snapshotUpTo: uptoId, error: expect.any(Error) }]);
    });
  });
});
