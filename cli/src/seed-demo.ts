/**
 * `kiosk seed-demo`: the demo tenant `demo`, outlet `main`. The outlet document is written
 * into the update log like any device's update (device `seed`), so the relay and the
 * projector see it the same way. Idempotent: the existing document is loaded first and
 * only the difference (nothing, on a second run) is appended.
 */
import * as Y from 'yjs';
import { outletDocName, staffKeysDocName } from '@kiosk/shared';
import { DEMO, seedDemoOutlet } from '@kiosk/shared/demo';
import { appendUpdates, hasLogRows, readDocument, type KioskDatabase } from '@kiosk/store';
import { seedOfficeDemo } from '@kiosk/sync-server';

/** The document as stored (snapshot + later rows); a row that does not apply throws (`LoadError`). */
export async function loadDocFromLog(store: KioskDatabase, docName: string): Promise<Y.Doc> {
  return (await readDocument(store, docName, { onBadRow: 'throw' })).doc;
}

export async function seedDemo(store: KioskDatabase): Promise<{ outletUpdated: boolean }> {
  const docName = outletDocName(DEMO.tenant, DEMO.outlet);
  const doc = await loadDocFromLog(store, docName);
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  // The demo staff's approval keys: sealed private keys in the staff-keys document (issue 13).
  const keysName = staffKeysDocName(DEMO.tenant, DEMO.outlet);
  const keysDoc = await loadDocFromLog(store, keysName);
  const keyUpdates: Uint8Array[] = [];
  keysDoc.on('update', (update: Uint8Array) => keyUpdates.push(update));
  await seedDemoOutlet(doc, { staffKeys: keysDoc, now: Date.now() });
  if (keyUpdates.length > 0) {
    await appendUpdates(store.db, [{ docName: keysName, update: Y.mergeUpdates(keyUpdates), deviceId: 'seed', origin: 'seed' }]);
  }
  keysDoc.destroy();
  if (updates.length > 0) {
    await appendUpdates(store.db, [{ docName, update: Y.mergeUpdates(updates), deviceId: 'seed', origin: 'seed' }]);
  }
  await seedOfficeDemo(store, { tenant: DEMO.tenant, outlet: DEMO.outlet });
  doc.destroy();
  return { outletUpdated: updates.length > 0 };
}

/** True when the demo outlet document has never been written (first start). */
export async function isFirstStart(store: KioskDatabase): Promise<boolean> {
  return !(await hasLogRows(store, outletDocName(DEMO.tenant, DEMO.outlet)));
}
