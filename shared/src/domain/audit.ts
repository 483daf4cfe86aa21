/**
 * `auditOrder`: reasons an order is suspicious. The projector stores such orders with their
 * flags (never drops them) and the back-office lists them.
 */
import type { OrderRecord } from '../doc/day-doc';
import type { OutletSnapshot } from '../doc/outlet-doc';
import { foldOrder } from './order-fold';
import { auditApprovals } from './staff-keys-verify';

export function auditOrder(record: OrderRecord, outlet?: OutletSnapshot): string[] {
  const reasons: string[] = [];
  const { header } = record;
  const t = header.totals;
  const subtotal = header.lines.reduce((s, l) => s + l.gross, 0);
  if (subtotal !== t.subtotal) reasons.push(`subtotal ${t.subtotal} does not equal the sum of line gross ${subtotal}`);
  for (const line of header.lines) {
    const expected = line.qty * (line.unitPrice + line.modifiers.reduce((s, m) => s + m.priceDelta, 0));
    if (expected !== line.gross) reasons.push(`line ${line.id} gross ${line.gross} is not qty × (price + modifiers) = ${expected}`);
    if (line.discount < 0 || line.discount > line.gross) reasons.push(`line ${line.id} discount ${line.discount} is outside 0..${line.gross}`);
  }
  const lineDiscount = header.lines.reduce((s, l) => s + l.discount, 0);
  if (lineDiscount !== t.discount) reasons.push(`discount ${t.discount} does not equal the sum of line discounts ${lineDiscount}`);
  const taxSum = t.taxes.reduce((s, x) => s + x.amount, 0);
  if (taxSum !== t.tax) reasons.push(`tax ${t.tax} does not equal the sum of taxes ${taxSum}`);
  const exclusive = t.taxes.filter((x) => !x.inclusive).reduce((s, x) => s + x.amount, 0);
  const expectedTotal = t.subtotal - t.discount + t.serviceCharge + exclusive + t.rounding;
  if (expectedTotal !== t.total)
    reasons.push(`total ${t.total} does not add up: ${t.subtotal} − ${t.discount} + ${t.serviceCharge} + ${exclusive} = ${expectedTotal}`);
  if (outlet) {
    const known = new Set(outlet.items.map((i) => i.id));
    for (const line of header.lines) if (!known.has(line.itemId)) reasons.push(`unknown item ${line.itemId} (${line.name})`);
  }
  const state = foldOrder(record);
  if (state.paid > state.netTotal && state.netTotal >= 0 && state.paid - state.netTotal > 0) {
    reasons.push(`payments ${state.paid} exceed the total ${state.netTotal}`);
  }
  if (state.refunded > state.paid) reasons.push(`refunds ${state.refunded} exceed payments ${state.paid}`);
  // Approvals (issue 13): signed by the approver's key in force at the time, else `approval_unverified`.
  if (outlet) reasons.push(...auditApprovals(record, outlet));
  return reasons;
}
