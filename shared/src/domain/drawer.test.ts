import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { drawerArray, readDrawerEvents } from '../doc/day-doc';
import { readOutlet } from '../doc/outlet-doc';
import { readStaffKeyEnvelope } from '../doc/staff-keys-doc';
import { seedDemoOutlet } from '../demo/cafe';
import { drawerApprovalClaim, drawerReportEvents, openDrawer } from './drawer';
import { generateStaffKeyPair, openStaffKey, signApproval, type KdfCost } from './staff-keys';

const CHEAP: KdfCost = { memoryKiB: 256, passes: 1, parallelism: 1 };
// 2026-11-22 10:00 in Jakarta.
const MORNING = Date.UTC(2026, 10, 22, 3, 0);

async function cafe() {
  const outlet = new Y.Doc();
  const staffKeys = new Y.Doc();
  await seedDemoOutlet(outlet, { staffKeys, kdf: CHEAP, now: MORNING - 86_400_000 });
  const budi = (await openStaffKey(readStaffKeyEnvelope(staffKeys, 'staff-budi')!, '9999'))!;
  const sari = (await openStaffKey(readStaffKeyEnvelope(staffKeys, 'staff-sari')!, '1234'))!;
  return { outlet: readOutlet(outlet), day: new Y.Doc(), budi, sari };
}

describe('drawer opening outside a sale (no sale)', () => {
  test('a manager-approved opening is appended to the day document, signed, and listed by the report as verified', async () => {
    const { outlet, day, budi } = await cafe();
    const event = openDrawer(day, { deviceId: 'T1', staffId: 'staff-sari', approver: { staffId: 'staff-budi', pair: budi } }, { now: MORNING });
    expect(event).toMatchObject({ kind: 'drawer_open', deviceId: 'T1', staffId: 'staff-sari', approvedBy: 'staff-budi', at: MORNING });
    expect(drawerArray(day).length).toBe(1);
    expect(readDrawerEvents(day)).toEqual([event]);
    expect(drawerReportEvents(day, outlet)).toEqual([
      {
        id: event.id,
        kind: 'drawer_open',
        amount: 0,
        note: null,
        actor: 'device:T1',
        approvedBy: 'staff-budi',
        approvalProblem: null,
        at: new Date(MORNING).toISOString(),
      },
    ]);
  });

  test('the same event received twice is listed once; openings are oldest first', async () => {
    const { outlet, day, budi } = await cafe();
    const approver = { staffId: 'staff-budi', pair: budi };
    const later = openDrawer(day, { deviceId: 'T1', approver }, { now: MORNING + 60_000 });
    const earlier = openDrawer(day, { deviceId: 'T2', approver }, { now: MORNING });
    drawerArray(day).push([later]);
    expect(drawerReportEvents(day, outlet).map((e) => e.id)).toEqual([earlier.id, later.id]);
  });

  test('forgeries are listed with their problem: a cashier approver, a key that is not theirs, a copied signature', async () => {
    const { outlet, day, budi, sari } = await cafe();
    openDrawer(day, { deviceId: 'T1', approver: { staffId: 'staff-sari', pair: sari } }, { now: MORNING });
    openDrawer(day, { deviceId: 'T1', approver: { staffId: 'staff-budi', pair: generateStaffKeyPair() } }, { now: MORNING + 1 });
    // A signature copied from another opening does not fit this one (other id and time).
    const genuine = openDrawer(day, { deviceId: 'T1', approver: { staffId: 'staff-budi', pair: budi } }, { now: MORNING + 2 });
    const copy = { ...genuine, id: '0190aaaa-0000-7000-8000-000000000001', at: MORNING + 3 };
    drawerArray(day).push([copy]);
    const problems = drawerReportEvents(day, outlet).map((e) => e.approvalProblem);
    expect(problems).toEqual(['approver staff-sari is a cashier, not a manager', 'signature does not verify', null, 'signature does not verify']);
  });

  test('what the approver signs names the event, the device and the time, and no order', () => {
    const claim = drawerApprovalClaim({ id: 'e1', at: MORNING, deviceId: 'T1' }, 'staff-budi');
    expect(claim).toEqual({ kind: 'drawer_open', orderId: '', eventId: 'e1', subject: '', amount: 0, at: MORNING, deviceId: 'T1', by: 'staff-budi' });
    const pair = generateStaffKeyPair();
    expect(signApproval(pair, claim).sig).not.toBe(signApproval(pair, { ...claim, deviceId: 'T2' }).sig);
  });
});
