/** Today's orders as everyone shows them: the shared fold of each order's logs. */
import { useMemo } from 'react';
import { foldOrder, readOrders, type OrderState } from '@kiosk/shared';
import type { DocSync } from '../sync/doc-sync';
import { useDocVersion, useSyncState } from '../sync/react';
import { isOrderStored } from '../sync/stored-state';

export interface ShownOrder extends OrderState {
  /** A server has stored this order (never claimed before). */
  stored: boolean;
}

export function useOrders(day: DocSync): ShownOrder[] {
  const version = useDocVersion(day.doc);
  const { stored } = useSyncState(day);
  return useMemo(() => {
    const orders = day.doc.getMap('orders');
    return readOrders(day.doc)
      .map((record) => ({ ...foldOrder(record), stored: isOrderStored(orders, record.header.id, stored) }))
      .sort((a, b) => b.createdAt - a.createdAt);
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
