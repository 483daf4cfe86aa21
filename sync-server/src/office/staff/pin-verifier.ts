/**
 * Checking a staff PIN against the `staff.pin_hash` row, and upgrading an old verifier on the
 * way: rows written before issue 13 hold PBKDF2-SHA-256 (60,000 iterations); after the first
 * successful check they hold argon2id 19 MiB × 2 (shared `hashPin`). No separate migration is
 * needed, and no PIN is ever known to the server outside a sign-in.
 */
import { hashPin, pinNeedsRehash, verifyPin } from '@kiosk/shared';
import type { TenantTransaction } from '@kiosk/store';

export async function verifyStaffPin(trx: TenantTransaction, row: { id: string; pin_hash: string }, pin: string): Promise<boolean> {
  if (!(await verifyPin(pin, row.pin_hash))) return false;
  if (pinNeedsRehash(row.pin_hash)) {
    // Compare-and-set: a concurrent upgrade (or a PIN change) in between wins.
    await trx
      .updateTable('staff')
      .set({ pin_hash: await hashPin(pin) })
      .where('id', '=', row.id)
      .where('pin_hash', '=', row.pin_hash)
      .execute();
  }
  return true;
}
