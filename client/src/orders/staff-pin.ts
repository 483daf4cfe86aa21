/** Offline staff PIN check against the outlet document (no server round trip). */
import { verifyPin, type StaffMember } from '@kiosk/shared';

export async function findStaffByPin(staff: StaffMember[], pin: string): Promise<StaffMember | null> {
  if (!/^\d{4,6}$/.test(pin)) return null;
  for (const member of staff) {
    if (member.active === false || !member.pinHash) continue;
    if (await verifyPin(pin, member.pinHash)) return member;
  }
  return null;
}
