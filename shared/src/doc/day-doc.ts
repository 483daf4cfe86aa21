/**
 * Typed accessors over a business day's document (`{tenant}/{outlet}/{YYYY-MM-DD}`).
 */
import * as Y from 'yjs';
import { drawerEventSchema, orderEventSchema, orderHeaderSchema, type DrawerEvent, type OrderEvent, type OrderHeader } from '../protocol/schemas';
import { DAY, ORDER } from './layout';

export interface OrderRecord {
  header: OrderHeader;
  events: OrderEvent[];
  /** Authoritative daily number, once the projector assigned it. */
  number: number | null;
}

export function ordersMap(day: Y.Doc): Y.Map<Y.Map<unknown>> {
  return day.getMap(DAY.orders) as Y.Map<Y.Map<unknown>>;
}

/** Reads one order map; a malformed header (from a buggy peer) yields undefined; bad events are skipped. */
export function readOrderMap(orderMap: Y.Map<unknown>): OrderRecord | undefined {
  const header = orderHeaderSchema.safeParse(orderMap.get(ORDER.header));
  if (!header.success) return undefined;
  const eventsArray = orderMap.get(ORDER.events);
  const events: OrderEvent[] = [];
  if (eventsArray instanceof Y.Array) {
    for (const raw of eventsArray.toArray()) {
      const parsed = orderEventSchema.safeParse(raw);
      if (parsed.success) events.push(parsed.data);
    }
  }
  const number = orderMap.get(ORDER.number);
  return { header: header.data, events, number: typeof number === 'number' ? number : null };
}

export function readOrder(day: Y.Doc, orderId: string): OrderRecord | undefined {
  const orderMap = ordersMap(day).get(orderId);
  return orderMap instanceof Y.Map ? readOrderMap(orderMap) : undefined;
}

/** Every readable order of the day, oldest first (createdAt, then id). */
export function readOrders(day: Y.Doc): OrderRecord[] {
  const out: OrderRecord[] = [];
  for (const orderMap of ordersMap(day).values()) {
    if (!(orderMap instanceof Y.Map)) continue;
    const record = readOrderMap(orderMap);
    if (record) out.push(record);
  }
  return out.sort((a, b) => a.header.createdAt - b.header.createdAt || (a.header.id < b.header.id ? -1 : a.header.id > b.header.id ? 1 : 0));
}

/**
 * Writes the authoritative daily number (projector only). Idempotent; refuses to change a
 * number once set, because a number called out to a customer never changes.
 */
export function setOrderNumber(day: Y.Doc, orderId: string, number: number): void {
  const orderMap = ordersMap(day).get(orderId);
  if (!(orderMap instanceof Y.Map)) throw new Error(`order ${orderId} is not in this day document`);
  if (!Number.isInteger(number) || number < 1) throw new Error(`order number must be a positive integer, got ${number}`);
  const current = orderMap.get(ORDER.number);
  if (current === number) return;
  if (typeof current === 'number') throw new Error(`order ${orderId} already has number ${current}; refusing to change it to ${number}`);
  orderMap.set(ORDER.number, number);
}

/**
 * The numbering authority puts its committed number back over one a device wrote (issue 13:
 * the projector ignores numbers from devices). Projector only; the relay refuses it from devices.
 */
export function correctOrderNumber(day: Y.Doc, orderId: string, number: number): void {
  const orderMap = ordersMap(day).get(orderId);
  if (!(orderMap instanceof Y.Map)) throw new Error(`order ${orderId} is not in this day document`);
  if (!Number.isInteger(number) || number < 1) throw new Error(`order number must be a positive integer, got ${number}`);
  if (orderMap.get(ORDER.number) !== number) orderMap.set(ORDER.number, number);
}

/** The Y.Array of events of an order (for appending). */
export function orderEvents(day: Y.Doc, orderId: string): Y.Array<OrderEvent> {
  const orderMap = ordersMap(day).get(orderId);
  if (!(orderMap instanceof Y.Map)) throw new Error(`unknown order ${JSON.stringify(orderId)}`);
  const events = orderMap.get(ORDER.events);
  if (!(events instanceof Y.Array)) throw new Error(`order ${orderId} has no event log`);
  return events as Y.Array<OrderEvent>;
}

/** The day's cash-drawer events (for appending; see `openDrawer`). */
export function drawerArray(day: Y.Doc): Y.Array<DrawerEvent> {
  return day.getArray(DAY.drawer) as Y.Array<DrawerEvent>;
}

/** Every readable cash-drawer event of the day, once per id, oldest first (at, then id). Bad entries are skipped. */
export function readDrawerEvents(day: Y.Doc): DrawerEvent[] {
  const byId = new Map<string, DrawerEvent>();
  for (const raw of drawerArray(day).toArray()) {
    const parsed = drawerEventSchema.safeParse(raw);
    if (parsed.success && !byId.has(parsed.data.id)) byId.set(parsed.data.id, parsed.data);
  }
  return [...byId.values()].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
