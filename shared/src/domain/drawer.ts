/**
 * Opening the cash drawer outside a sale ("no sale", `Buka laci`): a manager approves with
 * their PIN-unlocked key, which signs the event, and the event is appended to the day
 * document's `drawer` array (append-only: the relay's write rules refuse any edit or removal).
 * `drawerReportEvents` is the pure projection the cash-drawer report lists, each event checked
 * against the outlet's approval keys the same way order approvals are.
 */
import type * as Y from 'yjs';
import { drawerArray, readDrawerEvents } from '../doc/day-doc';
import type { OutletSnapshot } from '../doc/outlet-doc';
import { drawerEventSchema, formatZodError, type DrawerEvent } from '../protocol/schemas';
import type { Approver, EventOptions } from './order-events';
import { signApproval, type ApprovalClaim } from './staff-keys';
import { approvalProblem } from './staff-keys-verify';
import { uuidv7 } from './uuid';

/** What the approving manager signs for a drawer opening: no order, so `orderId` is ''. */
export function drawerApprovalClaim(e: Pick<DrawerEvent, 'id' | 'at' | 'deviceId'>, by: string): ApprovalClaim {
  return { kind: 'drawer_open', orderId: '', eventId: e.id, subject: '', amount: 0, at: e.at, deviceId: e.deviceId, by };
}

/**
 * Appends a signed `drawer_open` event to the day document and returns it.
 *
 * @example
 * openDrawer(day.doc, { deviceId, staffId, approver: { staffId: manager.id, pair } }, { now: Date.now() });
 */
export function openDrawer(day: Y.Doc, e: { deviceId: string; staffId?: string; approver: Approver }, opts: EventOptions): DrawerEvent {
  const id = opts.id ?? uuidv7();
  const base = { id, at: opts.now, deviceId: e.deviceId };
  const parsed = drawerEventSchema.safeParse({
    ...base,
    kind: 'drawer_open',
    ...(e.staffId !== undefined ? { staffId: e.staffId } : {}),
    approvedBy: e.approver.staffId,
    approval: signApproval(e.approver.pair, drawerApprovalClaim(base, e.approver.staffId)),
  });
  if (!parsed.success) throw new Error(`invalid drawer_open event: ${formatZodError(parsed.error)}`);
  const drawer = drawerArray(day);
  day.transact(() => drawer.push([parsed.data]));
  return parsed.data;
}

/** Why a drawer event's approval does not verify, or null when it does. */
export function drawerApprovalProblem(e: DrawerEvent, outlet: OutletSnapshot): string | null {
  return approvalProblem({ claim: drawerApprovalClaim(e, e.approval.by), approvedBy: e.approvedBy, approval: e.approval, required: true }, outlet);
}

/** One drawer opening as the cash-drawer report lists it (`CashDrawerEvent` of kind 'drawer_open'). */
export interface DrawerReportEvent {
  id: string;
  kind: 'drawer_open';
  amount: 0;
  note: string | null;
  /** The device, as `device:<id>`, like the back-office's `user:<id>` actors. */
  actor: string;
  approvedBy: string;
  /** The approval's problem, or null when the signature verifies. */
  approvalProblem: string | null;
  at: string;
}

/** The day's drawer openings for the report, oldest first, each with its approval checked. */
export function drawerReportEvents(day: Y.Doc, outlet: OutletSnapshot): DrawerReportEvent[] {
  return readDrawerEvents(day).map((e) => ({
    id: e.id,
    kind: 'drawer_open',
    amount: 0,
    note: null,
    actor: `device:${e.deviceId}`,
    approvedBy: e.approvedBy,
    approvalProblem: drawerApprovalProblem(e, outlet),
    at: new Date(e.at).toISOString(),
  }));
}
