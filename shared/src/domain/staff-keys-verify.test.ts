import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { readOrder } from '../doc/day-doc';
import { putApprovalKey, putStaff, readOutlet } from '../doc/outlet-doc';
import { readStaffKeyEnvelope } from '../doc/staff-keys-doc';
import { seedDemoOutlet } from '../demo/cafe';
import { addPayment, cancelOrder, refund, voidLine } from './order-events';
import { auditOrder } from './audit';
import { submitOrder } from './submit-order';
import { generateStaffKeyPair, openStaffKey, signApproval, type KdfCost } from './staff-keys';
import { APPROVAL_UNVERIFIED, discountApprovalClaim, eventApprovalClaim } from './staff-keys-verify';
import { uuidv7 } from './uuid';

const CHEAP: KdfCost = { memoryKiB: 256, passes: 1, parallelism: 1 };
// 2026-11-22 10:00 in Jakarta.
const MORNING = Date.UTC(2026, 10, 22, 3, 0);
const KEYS_FROM = MORNING - 86_400_000;

async function cafe() {
  const outlet = new Y.Doc();
  const staffKeys = new Y.Doc();
  await seedDemoOutlet(outlet, { staffKeys, kdf: CHEAP, now: KEYS_FROM });
  const budi = (await openStaffKey(readStaffKeyEnvelope(staffKeys, 'staff-budi')!, '9999'))!;
  const sari = (await openStaffKey(readStaffKeyEnvelope(staffKeys, 'staff-sari')!, '1234'))!;
  const day = new Y.Doc();
  const { id } = submitOrder(
    outlet,
    day,
    { deviceId: 'T1', type: 'takeaway', lines: [{ itemId: 'kopi-tubruk', qty: 2, modifiers: [{ groupId: 'gula', optionId: 'normal' }] }] },
    { now: MORNING },
  );
  const total = readOrder(day, id)!.header.totals.total;
  addPayment(day, id, { deviceId: 'T1', method: 'cash', amount: total }, { now: MORNING + 1 });
  return { outlet, day, id, total, budi, sari };
}

const approvalFlags = (outlet: Y.Doc, day: Y.Doc, id: string) =>
  auditOrder(readOrder(day, id)!, readOutlet(outlet)).filter((f) => f.startsWith(APPROVAL_UNVERIFIED));

describe('auditOrder: approvals (forged approvals)', () => {
  test('a refund, a void and a cancel signed by the manager PIN verify: no flag', async () => {
    const { outlet, day, id, total, budi } = await cafe();
    const approver = { staffId: 'staff-budi', pair: budi };
    refund(day, id, { deviceId: 'T1', amount: total, method: 'cash', reason: 'cold', approver }, { now: MORNING + 10 });
    const lineId = readOrder(day, id)!.header.lines[0].id;
    voidLine(day, id, { deviceId: 'T1', lineId, qty: 1, reason: 'wrong', approver }, { now: MORNING + 20 });
    cancelOrder(day, id, { deviceId: 'T1', reason: 'left', approver }, { now: MORNING + 30 });
    const events = readOrder(day, id)!.events.filter((e) => e.kind !== 'payment' && e.kind !== 'station');
    expect(events.map((e) => 'approvedBy' in e && e.approvedBy)).toEqual(['staff-budi', 'staff-budi', 'staff-budi']);
    expect(approvalFlags(outlet, day, id)).toEqual([]);
  });

  test('the issue-13 attack: a cash refund approvedBy the manager with no PIN is flagged', async () => {
    const { outlet, day, id, total } = await cafe();
    refund(day, id, { deviceId: 'K1', amount: total, method: 'cash', reason: 'forged', approvedBy: 'staff-budi' }, { now: MORNING + 10 });
    expect(approvalFlags(outlet, day, id)).toEqual([expect.stringMatching(/^approval_unverified: refund .+: no signature$/)]);
  });

  test('forgeries: wrong key, copied signature, edited amount, cashier approver, claimed name differs, unknown approver', async () => {
    const { outlet, day, id, total, budi, sari } = await cafe();
    const eventAt = MORNING + 10;
    const sign = (pair: typeof budi, by: string, eventId: string, amount: number) =>
      signApproval(pair, eventApprovalClaim(id, { kind: 'refund', id: eventId, at: eventAt, deviceId: 'T1', method: 'cash', amount }, by));
    const cases: Array<[string, { approvedBy: string; approval: { by: string; sig: string }; amount?: number; eventId?: string }, RegExp]> = [];
    const ownKey = generateStaffKeyPair(); // the attacker's own key, not in approvalKeys
    const e1 = uuidv7();
    cases.push(['own key', { approvedBy: 'staff-budi', approval: sign(ownKey, 'staff-budi', e1, 100), amount: 100, eventId: e1 }, /signature does not verify/]);
    const e2 = uuidv7();
    const good = sign(budi, 'staff-budi', uuidv7(), 100); // signed for another event
    cases.push(['copied', { approvedBy: 'staff-budi', approval: good, amount: 100, eventId: e2 }, /signature does not verify/]);
    const e3 = uuidv7();
    cases.push([
      'edited amount',
      { approvedBy: 'staff-budi', approval: sign(budi, 'staff-budi', e3, 100), amount: total, eventId: e3 },
      /signature does not verify/,
    ]);
    const e4 = uuidv7();
    cases.push(['cashier', { approvedBy: 'staff-sari', approval: sign(sari, 'staff-sari', e4, 100), amount: 100, eventId: e4 }, /is a cashier, not a manager/]);
    const e5 = uuidv7();
    cases.push([
      'name differs',
      { approvedBy: 'staff-budi', approval: sign(sari, 'staff-sari', e5, 100), amount: 100, eventId: e5 },
      /not by approvedBy staff-budi/,
    ]);
    const e6 = uuidv7();
    cases.push(['unknown', { approvedBy: 'staff-x', approval: sign(ownKey, 'staff-x', e6, 100), amount: 100, eventId: e6 }, /no approval key for staff-x/]);
    for (const [, c] of cases) {
      refund(
        day,
        id,
        { deviceId: 'T1', amount: c.amount ?? 100, method: 'cash', reason: 'x', approvedBy: c.approvedBy, approval: c.approval },
        { now: eventAt, id: c.eventId },
      );
    }
    const flags = approvalFlags(outlet, day, id);
    expect(flags).toHaveLength(cases.length);
    cases.forEach(([name, c, pattern], i) => expect(flags[i], name).toMatch(new RegExp(`^approval_unverified: refund ${c.eventId}: .*${pattern.source}`)));
  });

  test('a retired key (PIN changed) stops verifying from its retirement on; approvals made before still verify', async () => {
    const { outlet, day, id, budi } = await cafe();
    const approver = { staffId: 'staff-budi', pair: budi };
    refund(day, id, { deviceId: 'T1', amount: 100, method: 'cash', reason: 'before', approver }, { now: MORNING + 10 });
    putApprovalKey(outlet, 'staff-budi', generateStaffKeyPair().publicKey, MORNING + 1000); // PIN change at +1000
    refund(day, id, { deviceId: 'T1', amount: 100, method: 'cash', reason: 'after', approver }, { now: MORNING + 2000 });
    const flags = approvalFlags(outlet, day, id);
    expect(flags).toEqual([expect.stringMatching(/retired key of staff-budi/)]);
  });

  test('a key used before it came into force is flagged (backdated approval with a fresh key)', async () => {
    const { outlet, day, id } = await cafe();
    const fresh = generateStaffKeyPair();
    putApprovalKey(outlet, 'staff-budi', fresh.publicKey, MORNING + 5000);
    refund(day, id, { deviceId: 'T1', amount: 100, method: 'cash', reason: 'x', approver: { staffId: 'staff-budi', pair: fresh } }, { now: MORNING + 10 });
    expect(approvalFlags(outlet, day, id)).toEqual([expect.stringMatching(/came into force after/)]);
  });

  test('a discount over the limit needs a signature; under the limit it does not', async () => {
    const { outlet, budi } = await cafe();
    const day = new Y.Doc();
    const lines = [{ itemId: 'kopi-tubruk', qty: 1, modifiers: [{ groupId: 'gula', optionId: 'normal' }] }];
    const under = submitOrder(outlet, day, { deviceId: 'T1', type: 'takeaway', lines, manualDiscount: { rateBp: 500 } }, { now: MORNING });
    const forged = submitOrder(
      outlet,
      day,
      { deviceId: 'T1', type: 'takeaway', lines, manualDiscount: { rateBp: 5000, approvedBy: 'staff-budi' } },
      { now: MORNING },
    );
    const orderId = uuidv7();
    const approval = signApproval(budi, discountApprovalClaim(orderId, { rateBp: 5000 }, MORNING, 'T1', 'staff-budi'));
    const signed = submitOrder(
      outlet,
      day,
      { deviceId: 'T1', type: 'takeaway', lines, manualDiscount: { rateBp: 5000, approvedBy: 'staff-budi', approval } },
      { now: MORNING, id: orderId },
    );
    expect(approvalFlags(outlet, day, under.id)).toEqual([]);
    expect(approvalFlags(outlet, day, forged.id)).toEqual([expect.stringMatching(/^approval_unverified: discount .+: no signature/)]);
    expect(approvalFlags(outlet, day, signed.id)).toEqual([]);
  });

  test('a staff member added later (no key yet) cannot approve', async () => {
    const { outlet, day, id } = await cafe();
    putStaff(outlet, { id: 'staff-new', name: 'Eko', role: 'manager' });
    refund(
      day,
      id,
      { deviceId: 'T1', amount: 100, method: 'cash', reason: 'x', approver: { staffId: 'staff-new', pair: generateStaffKeyPair() } },
      { now: MORNING + 10 },
    );
    expect(approvalFlags(outlet, day, id)).toEqual([expect.stringMatching(/no approval key for staff-new/)]);
  });
});
