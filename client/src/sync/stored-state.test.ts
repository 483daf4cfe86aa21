import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeStateVectorBase64, encodeStateVectorBase64, isOrderStored, pendingChanges } from './stored-state';

function addOrder(doc: Y.Doc, id: string): void {
  doc.transact(() => {
    const order = new Y.Map<unknown>();
    doc.getMap('orders').set(id, order);
    order.set('header', { id, total: 1000 });
    order.set('events', new Y.Array());
  });
}

describe('stored state', () => {
  it('counts only this device’s changes the server has not stored, across its client ids', () => {
    const device = new Y.Doc();
    const other = new Y.Doc();
    addOrder(other, 'o-other');
    Y.applyUpdate(device, Y.encodeStateAsUpdate(other));
    const firstClient = device.clientID;
    addOrder(device, 'o-1');
    // What the server stored before our order: the other device's order only.
    const storedBefore = Y.decodeStateVector(Y.encodeStateVector(other));
    const local = () => Y.decodeStateVector(Y.encodeStateVector(device));
    const pending = pendingChanges(local(), storedBefore, [firstClient]);
    expect(pending).toBeGreaterThan(0);
    expect(pendingChanges(local(), null, [firstClient])).toBe(pending);
    expect(isOrderStored(device.getMap('orders'), 'o-1', storedBefore)).toBe(false);
    expect(isOrderStored(device.getMap('orders'), 'o-other', storedBefore)).toBe(true);

    // The server stores everything: nothing pending, the order counts as sent.
    const storedAll = local();
    expect(pendingChanges(local(), storedAll, [firstClient])).toBe(0);
    expect(isOrderStored(device.getMap('orders'), 'o-1', storedAll)).toBe(true);
    expect(isOrderStored(device.getMap('orders'), 'missing', storedAll)).toBe(false);

    // A reload gets a new client id; the old id's unsent changes still count.
    const reloaded = new Y.Doc();
    Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(device));
    addOrder(reloaded, 'o-2');
    const reloadedLocal = Y.decodeStateVector(Y.encodeStateVector(reloaded));
    expect(pendingChanges(reloadedLocal, storedBefore, [firstClient, reloaded.clientID])).toBeGreaterThan(pending);
  });

  it('round-trips a state vector through base64 (kept in localStorage)', () => {
    const sv = new Map([
      [123456789, 42],
      [7, 1],
    ]);
    expect(decodeStateVectorBase64(encodeStateVectorBase64(sv))).toEqual(sv);
  });
});
