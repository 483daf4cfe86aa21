/**
 * `submitOrder`: validates an order against the catalog, prices it and writes it into the
 * day document in ONE transaction. On any error it throws `OrderRejected` (naming the field)
 * and writes nothing.
 */
import * as Y from 'yjs';
import type { LineId, OrderId } from '../protocol/ids';
import {
  formatZodError,
  orderHeaderSchema,
  submitOrderInputSchema,
  type ModifierGroup,
  type OrderEvent,
  type OrderHeader,
  type SubmitOrderInput,
} from '../protocol/schemas';
import { readOutlet, type OutletSnapshot } from '../doc/outlet-doc';
import { DAY, ORDER } from '../doc/layout';
import { ordersMap, readOrders } from '../doc/day-doc';
import { businessDayOf } from './business-day';
import { uuidv7 } from './uuid';
import { price, type PricedLineInput } from './pricing';
import { menuVersion } from './pricing-inputs';

export class OrderRejected extends Error {
  override name = 'OrderRejected';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

export interface SubmitOptions {
  now: number;
  id?: string;
  /** The day document's business day; defaults to businessDayOf(now). */
  businessDay?: string;
}

/** The least number of options a modifier group needs: a required group at least one. The terminal's dialog shows the same rule. */
export function modifierMinimum(group: Pick<ModifierGroup, 'required' | 'min'>): number {
  return group.required ? Math.max(1, group.min) : group.min;
}

/** Resolves the input lines against the catalog; throws OrderRejected on the first problem. */
export function resolveLines(outlet: OutletSnapshot, lines: SubmitOrderInput['lines'], orderId: string): PricedLineInput[] {
  const items = new Map(outlet.items.map((i) => [i.id, i]));
  const groups = new Map(outlet.modifierGroups.map((g) => [g.id, g]));
  return lines.map((input, index) => {
    const field = `lines.${index}`;
    const item = items.get(input.itemId);
    if (!item) throw new OrderRejected(`${field}.itemId`, `unknown item ${JSON.stringify(input.itemId)}`);
    if (!item.available) throw new OrderRejected(`${field}.itemId`, `${item.name} is not available (86'd)`);
    const chosen = input.modifiers ?? [];
    const modifiers = chosen.map((choice, m) => {
      const group = groups.get(choice.groupId);
      if (!group || !item.modifierGroupIds.includes(choice.groupId)) {
        throw new OrderRejected(`${field}.modifiers.${m}.groupId`, `modifier group ${JSON.stringify(choice.groupId)} does not belong to ${item.name}`);
      }
      const option = group.options.find((o) => o.id === choice.optionId);
      if (!option) throw new OrderRejected(`${field}.modifiers.${m}.optionId`, `unknown option ${JSON.stringify(choice.optionId)} in ${group.name}`);
      return { groupId: group.id, optionId: option.id, name: option.name, priceDelta: option.priceDelta };
    });
    for (const groupId of item.modifierGroupIds) {
      const group = groups.get(groupId);
      if (!group) continue;
      const count = modifiers.filter((m) => m.groupId === groupId).length;
      const min = modifierMinimum(group);
      if (count < min) throw new OrderRejected(`${field}.modifiers`, `${group.name}: choose at least ${min} (chose ${count})`);
      if (count > group.max) throw new OrderRejected(`${field}.modifiers`, `${group.name}: choose at most ${group.max} (chose ${count})`);
    }
    return {
      id: `${orderId.slice(-12)}-${index + 1}` as LineId,
      itemId: item.id,
      name: item.name,
      categoryId: item.categoryId,
      station: item.station,
      qty: input.qty,
      unitPrice: item.price,
      modifiers,
      ...(input.note ? { note: input.note } : {}),
    };
  });
}

/** Device code for provisional references: the outlet's device entry, else the id's start. */
export function deviceCode(outlet: OutletSnapshot, deviceId: string): string {
  return (
    outlet.devices.find((d) => d.id === deviceId)?.code ??
    deviceId
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 3)
      .toUpperCase()
  );
}

/** The device's next per-day sequence: one past the highest it has used in this day document. */
export function nextDeviceSeq(day: Y.Doc, deviceId: string): number {
  const stored = day.getMap(DAY.deviceSeq).get(deviceId);
  let max = typeof stored === 'number' ? stored : 0;
  for (const record of readOrders(day)) if (record.header.deviceId === deviceId) max = Math.max(max, record.header.deviceSeq);
  return max + 1;
}

export function submitOrder(outlet: Y.Doc, day: Y.Doc, input: SubmitOrderInput, opts: SubmitOptions): { id: OrderId; provisionalRef: string } {
  const parsed = submitOrderInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OrderRejected(issue?.path.map(String).join('.') || '(input)', formatZodError(parsed.error).replace(/^[^:]*: /, ''));
  }
  const data = parsed.data;
  const snapshot = readOutlet(outlet);
  const settings = snapshot.settings;
  if (!settings) throw new OrderRejected('outlet', 'the outlet document has no settings yet (not synced?)');
  const id = (opts.id ?? uuidv7()) as OrderId;
  if (ordersMap(day).has(id)) throw new OrderRejected('id', `order ${id} already exists`);
  const lines = resolveLines(snapshot, data.lines, id);
  const priced = price(lines, snapshot, settings, { now: opts.now, manualDiscount: data.manualDiscount });
  const seq = nextDeviceSeq(day, data.deviceId);
  const provisionalRef = `${deviceCode(snapshot, data.deviceId)}-${String(seq).padStart(3, '0')}`;
  const { lines: pricedLines, ...totals } = priced;
  const version = menuVersion(snapshot);
  const header: OrderHeader = orderHeaderSchema.parse({
    v: 1,
    id,
    businessDay: opts.businessDay ?? businessDayOf(opts.now, settings),
    deviceId: data.deviceId,
    ...(data.staffId ? { staffId: data.staffId } : {}),
    createdAt: opts.now,
    type: data.type,
    ...(data.table ? { table: data.table } : {}),
    ...(data.note ? { note: data.note } : {}),
    provisionalRef,
    deviceSeq: seq,
    lines: pricedLines,
    totals,
    ...(data.manualDiscount ? { manualDiscount: data.manualDiscount } : {}),
    // The menu this order was priced with: the projector re-prices against that version.
    ...(version ? { menuVersion: version } : {}),
  });
  const payments: OrderEvent[] = (data.payments ?? []).map((p, i) => ({
    kind: 'payment',
    id: `${id}-p${i + 1}`,
    at: opts.now,
    deviceId: data.deviceId,
    ...(data.staffId ? { staffId: data.staffId } : {}),
    method: p.method,
    amount: p.amount,
    ...(p.tendered !== undefined ? { tendered: p.tendered } : {}),
  }));
  day.transact(() => {
    const orderMap = new Y.Map<unknown>();
    orderMap.set(ORDER.header, header);
    const events = new Y.Array<OrderEvent>();
    events.push(payments);
    orderMap.set(ORDER.events, events);
    ordersMap(day).set(id, orderMap);
    day.getMap(DAY.deviceSeq).set(data.deviceId, seq);
  });
  return { id, provisionalRef };
}
