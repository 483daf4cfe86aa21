/**
 * What a server has STORED, from the state vectors the relay sends (every sync step 1 it
 * sends carries the state vector of its update log, not of its memory). Pure functions: the
 * sync indicator's "N changes not yet stored" and an order's "sent" flag both come from here.
 */
import * as Y from 'yjs';

export type StateVector = Map<number, number>;

/**
 * Changes (Yjs struct clocks) written by this device that the server has not stored.
 * `ownClients` are every Yjs client id this device has used for the document (a reload gets a
 * new one while the old one's changes may still wait in IndexedDB).
 */
export function pendingChanges(local: StateVector, stored: StateVector | null, ownClients: Iterable<number>): number {
  let pending = 0;
  for (const client of ownClients) {
    const have = local.get(client) ?? 0;
    const server = stored?.get(client) ?? 0;
    if (have > server) pending += have - server;
  }
  return pending;
}

/** True when the server's stored state covers the struct `id` (client, clock). */
export function isStoredId(id: { client: number; clock: number }, stored: StateVector | null): boolean {
  if (!stored) return false;
  return (stored.get(id.client) ?? 0) > id.clock;
}

/**
 * The struct ids that must be stored before an order counts as sent: the order's map entry
 * and its header (written in the same transaction, so the header's clock is the later one).
 */
export function orderInsertionIds(orders: Y.Map<unknown>, orderId: string): Array<{ client: number; clock: number }> {
  const entry = orders._map.get(orderId);
  if (!entry) return [];
  const ids = [entry.id];
  const order = orders.get(orderId);
  if (order instanceof Y.Map) {
    const header = order._map.get('header');
    if (header) ids.push(header.id);
  }
  return ids;
}

/** An order is "sent" only once a server has stored its insertion. */
export function isOrderStored(orders: Y.Map<unknown>, orderId: string, stored: StateVector | null): boolean {
  const ids = orderInsertionIds(orders, orderId);
  return ids.length > 0 && ids.every((id) => isStoredId(id, stored));
}

export function encodeStateVectorBase64(sv: StateVector): string {
  const bytes = Y.encodeStateVector(sv);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function decodeStateVectorBase64(text: string): StateVector {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return Y.decodeStateVector(bytes);
}
