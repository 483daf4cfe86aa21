/**
 * Verification of approvals (issue 13), pure and synchronous: what `auditOrder` runs for every
 * order the projector projects. An approval is good when it carries a signature by the staff
 * member named in `approvedBy`, with a key of theirs in force at the approval's time
 * (`createdAt` ≤ at < `retiredAt`), over exactly this event, and the approver is a manager or
 * owner. Anything else is reported with the stable prefix `approval_unverified` so the
 * back-office lists it by name.
 */
import type { OrderRecord } from '../doc/day-doc';
import type { OutletSnapshot } from '../doc/outlet-doc';
import type { ApprovalProof } from '../protocol/schemas';
import { verifyApprovalSignature, type ApprovalClaim } from './staff-keys';

export const APPROVAL_UNVERIFIED = 'approval_unverified';

/** The claim an approval must sign, for each approvable thing in an order: the order's `approvalClaims`. */
export interface ApprovalSite {
  claim: ApprovalClaim;
  approvedBy: string | undefined;
  approval: ApprovalProof | undefined;
  /** Approval is required (void, refund, discount over the limit); otherwise only checked if claimed. */
  required: boolean;
}

/** What an event's approver signs: built the same way by the signing terminal (before it appends) and the verifier. */
export type ApprovableEvent =
  | { kind: 'void_line'; id: string; at: number; deviceId: string; lineId: string; qty: number }
  | { kind: 'refund'; id: string; at: number; deviceId: string; method: string; amount: number }
  | { kind: 'cancel'; id: string; at: number; deviceId: string };

export function eventApprovalClaim(orderId: string, e: ApprovableEvent, by: string): ApprovalClaim {
  const base = { orderId, eventId: e.id, at: e.at, deviceId: e.deviceId, by };
  switch (e.kind) {
    case 'void_line':
      return { ...base, kind: 'void_line', subject: e.lineId, amount: e.qty };
    case 'refund':
      return { ...base, kind: 'refund', subject: e.method, amount: e.amount };
    case 'cancel':
      return { ...base, kind: 'cancel', subject: '', amount: 0 };
  }
}

/** A manual discount is approved for the order being submitted: the order id is chosen before submission (`SubmitOptions.id`). */
export function discountApprovalClaim(
  orderId: string,
  discount: { rateBp?: number; amount?: number },
  createdAt: number,
  deviceId: string,
  by: string,
): ApprovalClaim {
  return {
    kind: 'discount',
    orderId,
    eventId: orderId,
    subject: discount.rateBp !== undefined ? 'rate' : 'amount',
    amount: discount.rateBp ?? discount.amount ?? 0,
    at: createdAt,
    deviceId,
    by,
  };
}

export function approvalSites(record: OrderRecord, outlet: OutletSnapshot): ApprovalSite[] {
  const { header } = record;
  const sites: ApprovalSite[] = [];
  const md = header.manualDiscount;
  if (md) {
    const limit = outlet.settings?.manualDiscountLimitBp;
    const overLimit = md.rateBp !== undefined ? limit !== undefined && md.rateBp > limit : (md.amount ?? 0) > 0;
    const by = md.approval?.by ?? md.approvedBy ?? '';
    sites.push({
      claim: discountApprovalClaim(header.id, md, header.createdAt, header.deviceId, by),
      approvedBy: md.approvedBy,
      approval: md.approval,
      required: overLimit,
    });
  }
  for (const e of record.events) {
    if (e.kind !== 'void_line' && e.kind !== 'refund' && e.kind !== 'cancel') continue;
    const by = e.approval?.by ?? e.approvedBy ?? '';
    sites.push({ claim: eventApprovalClaim(header.id, e, by), approvedBy: e.approvedBy, approval: e.approval, required: e.kind !== 'cancel' });
  }
  return sites;
}

/** Why one approval does not verify, or null when it does. */
export function approvalProblem(site: ApprovalSite, outlet: OutletSnapshot): string | null {
  const { claim, approval, approvedBy } = site;
  if (!approval) return site.required || approvedBy ? 'no signature' : null;
  if (approvedBy !== undefined && approvedBy !== approval.by) return `signed by ${approval.by}, not by approvedBy ${approvedBy}`;
  const staff = outlet.staff.find((s) => s.id === approval.by);
  if (staff && staff.role !== 'manager' && staff.role !== 'owner') return `approver ${approval.by} is a ${staff.role}, not a manager`;
  const keys = outlet.approvalKeys.filter((k) => k.staffId === approval.by);
  if (keys.length === 0) return `no approval key for ${approval.by}`;
  let retired = false;
  for (const key of keys) {
    if (!verifyApprovalSignature(key.publicKey, claim, approval.sig)) continue;
    if (claim.at < key.createdAt) return `signed with a key of ${approval.by} that came into force after the approval's time`;
    if (key.retiredAt !== undefined && claim.at >= key.retiredAt) {
      retired = true;
      continue;
    }
    return null;
  }
  return retired ? `signed with a retired key of ${approval.by}` : 'signature does not verify';
}

/** Every approval problem of an order, as audit flags: `approval_unverified: refund 0190…: no signature`. */
export function auditApprovals(record: OrderRecord, outlet: OutletSnapshot): string[] {
  const flags: string[] = [];
  for (const site of approvalSites(record, outlet)) {
    const problem = approvalProblem(site, outlet);
    if (problem) flags.push(`${APPROVAL_UNVERIFIED}: ${site.claim.kind} ${site.claim.eventId}: ${problem}`);
  }
  return flags;
}
