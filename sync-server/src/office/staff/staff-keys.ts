/**
 * A staff member's approval key pair (issue 13): made here when the PIN is set or changed, the
 * private key sealed under the PIN into the staff-keys document, the public key into the outlet
 * document. Both go through the relay (persisted, broadcast, delivered offline), with the
 * back-office editor as the actor. The PIN is only in memory for the call.
 *
 * A PIN change makes a NEW pair and retires the old public key (approvals signed after the
 * retirement no longer verify), so an envelope copied off a terminal before the change is
 * worth nothing afterwards. Removing a staff member retires their keys and deletes the envelope.
 */
import {
  generateStaffKeyPair,
  putApprovalKey,
  putStaffKeyEnvelope,
  removeStaffKeyEnvelope,
  retireApprovalKeys,
  sealStaffKey,
  staffKeysDocName,
  type KdfCost,
  type StaffKeyEnvelope,
} from '@kiosk/shared';
import type * as Y from 'yjs';
import type { RelayPort } from '../http/relay-port';

export interface StaffKeyDeps {
  relay: RelayPort;
  now: () => number;
  /** Lower only in tests; default `STAFF_KEY_KDF` (64 MiB × 5). */
  kdf?: KdfCost;
}

/**
 * Seals a new pair for `staffId` under `pin` and writes the envelope. Returns what the caller
 * writes into the outlet document with `putApprovalKey` (inside its own outlet edit, so the
 * staff entry and its key arrive together).
 */
export async function issueStaffKey(
  deps: StaffKeyDeps,
  target: { tenant: string; outlet: string; staffId: string; actor: string },
  pin: string,
): Promise<{ publicKey: string; envelope: StaffKeyEnvelope; applyToOutlet: (doc: Y.Doc) => void }> {
  const pair = generateStaffKeyPair();
  const now = deps.now();
  const envelope = await sealStaffKey(target.staffId, pin, pair, { now, cost: deps.kdf });
  pair.secretKey.fill(0);
  await deps.relay.transactDoc(staffKeysDocName(target.tenant, target.outlet), { deviceId: target.actor }, (doc) => putStaffKeyEnvelope(doc, envelope));
  return { publicKey: pair.publicKey, envelope, applyToOutlet: (doc) => void putApprovalKey(doc, target.staffId, pair.publicKey, now) };
}

/** Deletes the envelope; the caller retires the public keys with `retireStaffKeys` in its outlet edit. */
export async function dropStaffKey(deps: StaffKeyDeps, target: { tenant: string; outlet: string; staffId: string; actor: string }): Promise<void> {
  await deps.relay.transactDoc(staffKeysDocName(target.tenant, target.outlet), { deviceId: target.actor }, (doc) => {
    removeStaffKeyEnvelope(doc, target.staffId);
  });
}

export function retireStaffKeys(doc: Y.Doc, staffId: string, now: number): number {
  return retireApprovalKeys(doc, staffId, now);
}
