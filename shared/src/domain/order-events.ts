/**
 * Append-only order events. Each function validates, then appends one event to the order's
 * Y.Array; nothing is ever edited or removed, so concurrent writers merge without conflict
 * and `foldOrder` decides what they mean.
 */
import * as Y from 'yjs';
import { formatZodError, orderEventSchema, type ApprovalProof, type KitchenStatus, type OrderEvent, type PaymentMethod } from '../protocol/schemas';
import { orderEvents, readOrder } from '../doc/day-doc';
import { uuidv7 } from './uuid';
import { signApproval, type StaffKeyPair } from './staff-keys';
import { eventApprovalClaim, type ApprovableEvent } from './staff-keys-verify';

export interface EventOptions {
  now: number;
  id?: string;
}

type Actor = { deviceId: string; staffId?: string };

/** The approver whose unlocked key signs the event (issue 13): sets `approvedBy` and `approval`. */
export interface Approver {
  staffId: string;
  pair: StaffKeyPair;
}

/** Fixes the event's id and time first, so the signature covers exactly what is appended. */
function approved<E extends Record<string, unknown>>(
  orderId: string,
  event: E,
  approver: Approver | undefined,
  opts: EventOptions,
): { event: E & { approvedBy?: string }; opts: EventOptions } {
  if (!approver) return { event, opts };
  const id = opts.id ?? uuidv7();
  const claim = eventApprovalClaim(orderId, { ...event, id, at: opts.now } as unknown as ApprovableEvent, approver.staffId);
  return { event: { ...event, approvedBy: approver.staffId, approval: signApproval(approver.pair, claim) }, opts: { ...opts, id } };
}

function append(day: Y.Doc, orderId: string, event: Record<string, unknown>, opts: EventOptions): OrderEvent {
  const parsed = orderEventSchema.safeParse({ id: opts.id ?? uuidv7(), at: opts.now, ...event });
  if (!parsed.success) throw new Error(`invalid ${String(event.kind)} event: ${formatZodError(parsed.error)}`);
  const events = orderEvents(day, orderId);
  day.transact(() => events.push([parsed.data]));
  return parsed.data;
}

export function addPayment(
  day: Y.Doc,
  orderId: string,
  p: Actor & { method: PaymentMethod; amount: number; tendered?: number; reference?: string },
  opts: EventOptions,
): OrderEvent {
  return append(day, orderId, { kind: 'payment', ...p }, opts);
}

/** Bump: moves a station (or one line) forward to `status`; a backwards bump is recorded but has no effect. */
export function setStationStatus(
  day: Y.Doc,
  orderId: string,
  e: Actor & { station: string; status: KitchenStatus; lineId?: string },
  opts: EventOptions,
): OrderEvent {
  return append(day, orderId, { kind: 'station', ...e }, opts);
}

/** Recall: the only way a station (or line) goes back, e.g. from ready to preparing. */
export function recall(day: Y.Doc, orderId: string, e: Actor & { station: string; status?: KitchenStatus; lineId?: string }, opts: EventOptions): OrderEvent {
  return append(day, orderId, { kind: 'recall', status: 'preparing', ...e }, opts);
}

export function voidLine(
  day: Y.Doc,
  orderId: string,
  e: Actor & { lineId: string; qty?: number; reason: string; approvedBy?: string; approval?: ApprovalProof; approver?: Approver },
  opts: EventOptions,
): OrderEvent {
  const { approver, ...rest } = e;
  if (!rest.approvedBy && !approver) throw new Error('voidLine: approvedBy (an approving manager id) is required');
  const record = readOrder(day, orderId);
  const line = record?.header.lines.find((l) => l.id === e.lineId);
  if (!line) throw new Error(`voidLine: unknown line ${JSON.stringify(e.lineId)} in order ${orderId}`);
  const signed = approved(orderId, { kind: 'void_line', ...rest, qty: e.qty ?? line.qty }, approver, opts);
  return append(day, orderId, signed.event, signed.opts);
}

export function refund(
  day: Y.Doc,
  orderId: string,
  e: Actor & { amount: number; method: PaymentMethod; reason: string; approvedBy?: string; approval?: ApprovalProof; approver?: Approver },
  opts: EventOptions,
): OrderEvent {
  const { approver, ...rest } = e;
  if (!rest.approvedBy && !approver) throw new Error('refund: approvedBy (an approving manager id) is required');
  const signed = approved(orderId, { kind: 'refund', ...rest }, approver, opts);
  return append(day, orderId, signed.event, signed.opts);
}

export function cancelOrder(
  day: Y.Doc,
  orderId: string,
  e: Actor & { reason: string; approvedBy?: string; approval?: ApprovalProof; approver?: Approver },
  opts: EventOptions,
): OrderEvent {
  const { approver, ...rest } = e;
  const signed = approved(orderId, { kind: 'cancel', ...rest }, approver, opts);
  return append(day, orderId, signed.event, signed.opts);
}
