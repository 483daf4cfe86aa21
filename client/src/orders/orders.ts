/** Today's orders as everyone shows them: the shared fold of each order's logs. */
import { useMemo } from 'react';
import * as Y from 'yjs';
import { foldOrder, ordersMap, readOrderMap, ORDER, type OrderState } from '@kiosk/shared';
import type { DocSync } from '../sync/doc-sync';
import { useDocVersion, useSyncState } from '../sync/react';
import { isOrderStored } from '../sync/stored-state';

export interface ShownOrder extends OrderState {
  /** A server has stored this order (never claimed before). */
  stored: boolean;
}

/**
 * Folded orders cached per order map: an order only changes by appending events or getting
 * its number, so (events length, number) tells whether the cached fold is still right. A busy
 * day has hundreds of orders and the fold (with schema checks) runs on every update otherwise.
 */
const folds = new WeakMap<Y.Map<unknown>, { key: string; state: OrderState | null }>();

function foldCached(orderMap: Y.Map<unknown>): OrderState | null {
  const events = orderMap.get(ORDER.events);
  const key = `${orderMap.has(ORDER.header) ? 1 : 0}:${events instanceof Y.Array ? events.length : 0}:${String(orderMap.get(ORDER.number))}`;
  const cached = folds.get(orderMap);
  if (cached?.key === key) return cached.state;
  const record = readOrderMap(orderMap);
  const state = record ? foldOrder(record) : null;
  folds.set(orderMap, { key, state });
  return state;
}

/** Every readable order of the day, newest first, with its "stored on a server" flag. */
export function useOrders(day: DocSync): ShownOrder[] {
  const version = useDocVersion(day.doc);
  const { stored } = useSyncState(day);
  return useMemo(() => {
    const orders = ordersMap(day.doc);
    const shown: ShownOrder[] = [];
    for (const orderMap of orders.values()) {
      if (!(orderMap instanceof Y.Map)) continue;
      const state = foldCached(orderMap);
      if (state) shown.push({ ...state, stored: isOrderStored(orders as Y.Map<unknown>, state.id, stored) });
    }
    return shown.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [day, version, stored]);
}

/** `#12 · B-017` once numbered, the provisional reference until then. */
export function orderLabel(order: Pick<OrderState, 'number' | 'provisionalRef'>): string {
  return order.number !== null ? `#${order.number} · ${order.provisionalRef}` : order.provisionalRef;
}

/** Finds orders by daily number (`12`, `#12`) or provisional reference (`B-017`, `b-17`). */
export function matchesOrderQuery(order: Pick<OrderState, 'number' | 'provisionalRef'>, query: string): boolean {
  const q = query.trim().toUpperCase();
  if (!q) return true;
  const asNumber = /^#?(\d+)$/.exec(q);
  if (asNumber && order.number === Number(asNumber[1])) return true;
  const ref = order.provisionalRef.toUpperCase();
  // A bare number means the daily number; a reference fragment needs its device letter.
  if (/[A-Z]/.test(q) && ref.includes(q)) return true;
  const refMatch = /^([A-Z0-9]+?)-?0*(\d+)$/.exec(q);
  const own = /^([A-Z0-9]+)-0*(\d+)$/.exec(ref);
  return !!refMatch && !!own && refMatch[1] === own[1] && refMatch[2] === own[2];
}
