/**
 * Approvals that only the approver's PIN can make, checked offline on the terminal and by the
 * projector (issue 13).
 *
 * Threat: every paired device holds the outlet document, and a paired device can be rooted.
 * Before, the document held every staff PIN hash (PBKDF2, 21 ms a guess: a 4-digit PIN fell in
 * well under a minute from a kitchen token), and an approval was a bare `approvedBy` id any
 * device could write.
 *
 * Scheme:
 * - Each staff member has an Ed25519 key pair. The PUBLIC key is in the outlet document
 *   (`approvalKeys`, with the time it came into force and the time it was retired), so every
 *   device and the projector can verify.
 * - The PRIVATE key is sealed with AES-256-GCM under a key derived from the PIN by argon2id
 *   (64 MiB × 5 passes by default; the envelope records its own cost). Envelopes live in the
 *   `{tenant}/{outlet}/staff-keys` document, which terminals may read (to unlock offline), and
 *   kitchen displays and back-office sessions may not open at all.
 * - Each envelope has its OWN random salt (not one per outlet): with a shared salt one argon2id
 *   evaluation would test a guess against every staff member at once.
 * - The GCM additional data binds the envelope to its staff id and public key, so an envelope
 *   moved to another staff member does not open.
 * - Unlocking = opening the envelope: a wrong PIN fails the GCM tag, there is no verifier to
 *   test a guess against except the envelope itself, so an offline attacker pays one argon2id
 *   evaluation per guess (`npm run bench -- pin-bruteforce` measures it).
 * - An approval carries `{ by, sig }`: an Ed25519 signature over `approvalMessage(...)`, the
 *   canonical encoding of what was approved (order, event id and kind, amount, time, device).
 *   The signature is deterministic (RFC 8032) and verification is synchronous, so the pure
 *   `auditOrder` can check it.
 *
 * What it does not stop: a terminal that watches the approver type the PIN (a key logger on a
 * rooted terminal) can sign later; the projector flags approvals whose key was retired before
 * the approval's time, so changing the PIN (which rotates the key pair) ends that.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { fromBase64, toBase64 } from '../util/base64';

/** argon2id cost of the sealing key. Measured in the README ("Security: staff PINs and approvals"). */
export const STAFF_KEY_KDF = { memoryKiB: 65_536, passes: 5, parallelism: 1 } as const;
export type KdfCost = { memoryKiB: number; passes: number; parallelism: number };

export interface StaffKeyEnvelope {
  v: 1;
  staffId: string;
  /** base64 Ed25519 public key of the sealed private key (also in the outlet document's `approvalKeys`). */
  publicKey: string;
  kdf: { alg: 'argon2id' } & KdfCost;
  /** base64, 16 random bytes, per envelope. */
  salt: string;
  /** base64, 12 random bytes. */
  iv: string;
  /** base64 AES-256-GCM ciphertext + tag of the 32-byte Ed25519 secret key. */
  sealed: string;
  createdAt: number;
}

export interface StaffKeyPair {
  publicKey: string;
  /** 32-byte Ed25519 secret key. Only ever in memory, never stored in the clear. */
  secretKey: Uint8Array;
}

export function generateStaffKeyPair(): StaffKeyPair {
  const { secretKey, publicKey } = ed25519.keygen();
  return { publicKey: toBase64(publicKey), secretKey };
}

/** The raw argon2id output: 32 bytes for AES-256. Exported for the bench (the attacker's per-guess work). */
export async function derivePinKey(pin: string, salt: Uint8Array, cost: KdfCost): Promise<Uint8Array> {
  const { argon2id } = await import('hash-wasm');
  return argon2id({
    password: pin,
    salt,
    memorySize: cost.memoryKiB,
    iterations: cost.passes,
    parallelism: cost.parallelism,
    hashLength: 32,
    outputType: 'binary',
  });
}

function additionalData(staffId: string, publicKey: string): Uint8Array {
  return new TextEncoder().encode(`kiosk-staff-key/v1\n${staffId}\n${publicKey}`);
}

async function aesKey(raw: Uint8Array): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey('raw', raw as BufferSource, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

/** Seals `pair.secretKey` under `pin`. `cost` is lowered only by tests. */
export async function sealStaffKey(
  staffId: string,
  pin: string,
  pair: StaffKeyPair,
  opts: { now: number; cost?: KdfCost; random?: (n: number) => Uint8Array },
): Promise<StaffKeyEnvelope> {
  if (!/^\d{4,6}$/.test(pin)) throw new Error('PIN must be 4 to 6 digits');
  const random = opts.random ?? ((n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n)));
  const cost = opts.cost ?? STAFF_KEY_KDF;
  const salt = random(16);
  const iv = random(12);
  const key = await aesKey(await derivePinKey(pin, salt, cost));
  const sealed = await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: iv as BufferSource, additionalData: additionalData(staffId, pair.publicKey) as BufferSource },
    key,
    pair.secretKey as BufferSource,
  );
  return {
    v: 1,
    staffId,
    publicKey: pair.publicKey,
    kdf: { alg: 'argon2id', memoryKiB: cost.memoryKiB, passes: cost.passes, parallelism: cost.parallelism },
    salt: toBase64(salt),
    iv: toBase64(iv),
    sealed: toBase64(new Uint8Array(sealed)),
    createdAt: opts.now,
  };
}

/**
 * Opens an envelope with `pin`: the key pair, or null for a wrong PIN or a tampered envelope
 * (the GCM tag fails either way, and a key that does not match the envelope's public key is refused too).
 */
export async function openStaffKey(envelope: StaffKeyEnvelope, pin: string): Promise<StaffKeyPair | null> {
  if (!/^\d{4,6}$/.test(pin) || envelope.v !== 1 || envelope.kdf?.alg !== 'argon2id') return null;
  try {
    const key = await aesKey(await derivePinKey(pin, fromBase64(envelope.salt), envelope.kdf));
    const plain = await globalThis.crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: fromBase64(envelope.iv) as BufferSource,
        additionalData: additionalData(envelope.staffId, envelope.publicKey) as BufferSource,
      },
      key,
      fromBase64(envelope.sealed) as BufferSource,
    );
    const secretKey = new Uint8Array(plain);
    if (toBase64(ed25519.getPublicKey(secretKey)) !== envelope.publicKey) return null;
    return { publicKey: envelope.publicKey, secretKey };
  } catch {
    return null;
  }
}

/** What an approval signs: enough that a copied signature fits no other event. */
export interface ApprovalClaim {
  orderId: string;
  /** The event id, or for a discount the order id again (the header is written once). */
  eventId: string;
  kind: 'void_line' | 'refund' | 'cancel' | 'discount' | 'drawer_open';
  /** What else the approval pins down: the voided line id, the refund method; '' when nothing. */
  subject: string;
  /** Voided quantity, refunded minor units, discount basis points (or minor units); 0 for a cancel. */
  amount: number;
  at: number;
  deviceId: string;
  by: string;
}

/** The canonical bytes of a claim: a fixed field order, a version tag, no JSON key-order ambiguity. */
export function approvalMessage(c: ApprovalClaim): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify(['kiosk-approval/v1', c.kind, c.orderId, c.eventId, c.subject, Math.trunc(c.amount), Math.trunc(c.at), c.deviceId, c.by]),
  );
}

export interface Approval {
  by: string;
  /** base64 Ed25519 signature over `approvalMessage`. */
  sig: string;
}

export function signApproval(pair: StaffKeyPair, claim: ApprovalClaim): Approval {
  return { by: claim.by, sig: toBase64(ed25519.sign(approvalMessage(claim), pair.secretKey)) };
}

/** Synchronous (noble's Ed25519), so the pure audit can call it. Any malformed input is simply "false". */
export function verifyApprovalSignature(publicKey: string, claim: ApprovalClaim, sig: string): boolean {
  try {
    return ed25519.verify(fromBase64(sig), approvalMessage(claim), fromBase64(publicKey));
  } catch {
    return false;
  }
}
