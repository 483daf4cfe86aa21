/**
 * Server-side staff PIN verifiers (SQL `staff.pin_hash`). Since issue 13 they never leave the
 * server: no device document holds them (a terminal unlocks its approver's signing key
 * instead, `staff-keys.ts`).
 *
 * - New hashes: argon2id, 19 MiB × 2 passes (the OWASP floor for argon2id), PHC-encoded
 *   (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`), via `hash-wasm` (pure WebAssembly, no
 *   install script). Loaded lazily so a browser bundle that never hashes a PIN never pays for it.
 * - Old hashes `pbkdf2-sha256$<iterations>$<saltB64>$<hashB64>` (WebCrypto) still verify;
 *   `pinNeedsRehash` tells the sign-in route to upgrade them on the next success.
 */
import { fromBase64, toBase64 } from '../util/base64';

/** argon2id cost of the server-side verifier: 19 MiB, 2 passes, 1 lane. */
export const PIN_HASH_COST = { memoryKiB: 19_456, passes: 2, parallelism: 1 } as const;
const LEGACY_PBKDF2_ITERATIONS = 60_000;

async function pbkdf2(pin: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await globalThis.crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
  const bits = await globalThis.crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations }, key, 256);
  return new Uint8Array(bits);
}

export function isValidPin(pin: string): boolean {
  return /^\d{4,6}$/.test(pin);
}

/** Hashes a 4–6 digit PIN with argon2id. `salt` only for deterministic fixtures. */
export async function hashPin(pin: string, salt?: Uint8Array): Promise<string> {
  if (!isValidPin(pin)) throw new Error('PIN must be 4 to 6 digits');
  const { argon2id } = await import('hash-wasm');
  return argon2id({
    password: pin,
    salt: salt ?? globalThis.crypto.getRandomValues(new Uint8Array(16)),
    memorySize: PIN_HASH_COST.memoryKiB,
    iterations: PIN_HASH_COST.passes,
    parallelism: PIN_HASH_COST.parallelism,
    hashLength: 32,
    outputType: 'encoded',
  });
}

/**
 * The old verifier format, kept only so tests and the bench can make one (and old rows verify).
 * @deprecated new hashes are argon2id (`hashPin`).
 */
export async function hashPinPbkdf2(pin: string, salt?: Uint8Array, iterations = LEGACY_PBKDF2_ITERATIONS): Promise<string> {
  if (!isValidPin(pin)) throw new Error('PIN must be 4 to 6 digits');
  const s = salt ?? globalThis.crypto.getRandomValues(new Uint8Array(16));
  return `pbkdf2-sha256$${iterations}$${toBase64(s)}$${toBase64(await pbkdf2(pin, s, iterations))}`;
}

export async function verifyPin(pin: string, pinHash: string | undefined | null): Promise<boolean> {
  if (!pinHash || !isValidPin(pin)) return false;
  if (pinHash.startsWith('$argon2id$')) {
    const { argon2Verify } = await import('hash-wasm');
    try {
      return await argon2Verify({ password: pin, hash: pinHash });
    } catch {
      return false; // malformed encoding
    }
  }
  const [scheme, iterations, salt, hash] = pinHash.split('$');
  if (scheme !== 'pbkdf2-sha256' || !iterations || !salt || !hash) return false;
  const actual = await pbkdf2(pin, fromBase64(salt), Number(iterations));
  const expected = fromBase64(hash);
  if (actual.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < actual.length; i++) diff |= actual[i] ^ expected[i];
  return diff === 0;
}

/** True for a verifier weaker than today's (PBKDF2, or argon2id below `PIN_HASH_COST`): re-hash it after a successful check. */
export function pinNeedsRehash(pinHash: string): boolean {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(pinHash);
  if (!m) return true;
  return Number(m[1]) < PIN_HASH_COST.memoryKiB || Number(m[2]) < PIN_HASH_COST.passes;
}
