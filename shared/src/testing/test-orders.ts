/**
 * A minimal order that passes the day-document write rules, for tests of the sync machinery
 * (relay, box, client sync) that need "some order" rather than a priced one from the catalogue.
 */
import * as Y from 'yjs';
import { parseDocName } from '../protocol/doc-names';
import { ORDER } from '../doc/layout';
import { ordersMap } from '../doc/day-doc';
import { orderHeaderSchema, type OrderHeader } from '../protocol/schemas';

export interface TestOrder {
  id: string;
  /** The device writing it: the device id of the token of the connection that sends it. */
  deviceId: string;
  total?: number;
  createdAt?: number;
  deviceSeq?: number;
}

export function testOrderHeader(docName: string, order: TestOrder): OrderHeader {
  const name = parseDocName(docName);
  if (name.kind !== 'day') throw new Error(`${docName} is not a day document`);
  const total = order.total ?? 1000;
  return orderHeaderSchema.parse({
    v: 1,
    id: order.id,
    businessDay: name.day,
    deviceId: order.deviceId,
    createdAt: order.createdAt ?? 0,
    type: 'takeaway',
    provisionalRef: `T-${order.id}`,
    deviceSeq: order.deviceSeq ?? 1,
    lines: [
      {
        id: `${order.id}-l1`,
        itemId: 'item',
        name: 'Item',
        categoryId: 'cat',
        station: 'bar',
        qty: 1,
        unitPrice: total,
        modifiers: [],
        gross: total,
        discount: 0,
      },
    ],
    totals: { currency: 'IDR', subtotal: total, discount: 0, serviceCharge: 0, tax: 0, taxes: [], total, rounding: 0, promotionIds: [] },
  });
}

/** Writes a new order (header + empty event log) into a day document, in one transaction. */
export function putTestOrder(doc: Y.Doc, docName: string, order: TestOrder): void {
  doc.transact(() => {
    const entry = new Y.Map<unknown>();
    entry.set(ORDER.header, testOrderHeader(docName, order));
    entry.set(ORDER.events, new Y.Array());
    ordersMap(doc).set(order.id, entry);
  });
}

/** The total of a test order as a replica sees it (undefined until it arrived). */
export function testOrderTotal(doc: Y.Doc, id: string): number | undefined {
  const header = ordersMap(doc).get(id)?.get(ORDER.header) as OrderHeader | undefined;
  return header?.totals.total;
}

/** Order ids of a day document replica, sorted. */
export function orderIds(doc: Y.Doc): string[] {
  return [...ordersMap(doc).keys()].sort();
}
