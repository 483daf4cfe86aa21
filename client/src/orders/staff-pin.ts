/**
 * Offline staff PIN unlock (issue 13): the PIN opens the staff member's sealed approval key from
 * the staff-keys document; there is no PIN verifier on the device to compare against. A wrong PIN
 * fails the AES-GCM tag of every envelope tried.
 *
 * Each try costs one argon2id evaluation (~0.5–1.5 s), so envelopes are tried most recently
 * unlocked on this device first: the usual approver or cashier is found at the first try.
 *
 * Throws `PinCheckUnavailableError` where WebCrypto is missing (an insecure origin), so a PIN
 * pad never reports a right PIN as wrong.
 */
import { openStaffKey, type StaffKeyEnvelope, type StaffKeyPair, type StaffMember } from '@kiosk/shared';
import { currentSecureContextProblem, type SecureContextProblem } from '../secure-context';

/**
 * Thrown instead of answering "wrong PIN" when this browser cannot check a PIN at all: the
 * sealed key is opened with WebCrypto (AES-GCM), which browsers withhold from insecure origins
 * (`http://<LAN address>`). Without this, every envelope failed to open and a right PIN looked
 * wrong. The PIN pads show `problem` (secure-context.ts) instead.
 */
export class PinCheckUnavailableError extends Error {
  readonly reason = 'no-webcrypto' as const;
  constructor(readonly problem: SecureContextProblem) {
    super(`PIN check unavailable: ${problem.kind}`);
    this.name = 'PinCheckUnavailableError';
  }
}

/** Why this browser cannot check a PIN, or null when it can. */
export function pinCheckProblem(): SecureContextProblem | null {
  if (typeof globalThis.crypto?.subtle?.decrypt === 'function') return null;
  return currentSecureContextProblem() ?? { kind: 'no-webcrypto', httpsUrl: null, setupUrl: null };
}

export interface Unlocked {
  member: StaffMember;
  pair: StaffKeyPair;
}

const RECENT_KEY = 'kiosk.pin.recent';

function recent(storage: Storage | undefined): string[] {
  try {
    return JSON.parse(storage?.getItem(RECENT_KEY) ?? '[]') as string[];
  } catch {
    return [];
  }
}

function remember(storage: Storage | undefined, staffId: string): void {
  storage?.setItem(RECENT_KEY, JSON.stringify([staffId, ...recent(storage).filter((id) => id !== staffId)].slice(0, 20)));
}

export async function unlockStaffByPin(
  staff: StaffMember[],
  envelopes: StaffKeyEnvelope[],
  pin: string,
  /** `preferManagers`: managers' and owners' envelopes first (an approval), the others after, so a cashier's PIN is still recognised and refused by name. */
  opts: { preferManagers?: boolean; storage?: Storage } = {},
): Promise<Unlocked | null> {
  if (!/^\d{4,6}$/.test(pin)) return null;
  const problem = pinCheckProblem();
  if (problem) throw new PinCheckUnavailableError(problem);
  const storage = opts.storage ?? (typeof localStorage === 'undefined' ? undefined : localStorage);
  const byId = new Map(staff.filter((m) => m.active !== false).map((m) => [m.id, m]));
  const order = recent(storage);
  const rank = (id: string) => {
    const i = order.indexOf(id);
    return i === -1 ? order.length : i;
  };
  const isManager = (id: string) => ['manager', 'owner'].includes(byId.get(id)?.role ?? '');
  const candidates = envelopes
    .filter((e) => byId.has(e.staffId))
    .sort((a, b) => (opts.preferManagers ? Number(isManager(b.staffId)) - Number(isManager(a.staffId)) : 0) || rank(a.staffId) - rank(b.staffId));
  for (const envelope of candidates) {
    const pair = await openStaffKey(envelope, pin);
    if (pair) {
      remember(storage, envelope.staffId);
      return { member: byId.get(envelope.staffId)!, pair };
    }
  }
  return null;
}
