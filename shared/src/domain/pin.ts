/**
 * Staff PIN hashes that a terminal can check offline: PBKDF2-SHA-256 via WebCrypto (in
 * browsers and Node 20 alike). Format: `pbkdf2-sha256$<iterations>$<saltB64>$<hashB64>`.
 * A 4–6 digit PIN is weak by nature; the hash keeps it out of plain sight in the document,
 * and the server rate-limits PIN sign-in.
 */
const ITERATIONS = 60_000;

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

async function derive(pin: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await globalThis.crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
  const bits = await globalThis.crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations }, key, 256);
  return new Uint8Array(bits);
}

export function isValidPin(pin: string): boolean {
  return /^\d{4,6}$/.test(pin);
}

/** Hashes a 4–6 digit PIN. `salt` only for deterministic fixtures (the demo seed). */
export async function hashPin(pin: string, salt?: Uint8Array): Promise<string> {
  if (!isValidPin(pin)) throw new Error('PIN must be 4 to 6 digits');
  const s = salt ?? globalThis.crypto.getRandomValues(new Uint8Array(16));
  return `pbkdf2-sha256$${ITERATIONS}$${toBase64(s)}$${toBase64(await derive(pin, s, ITERATIONS))}`;
}

export async function verifyPin(pin: string, pinHash: string | undefined): Promise<boolean> {
  if (!pinHash || !isValidPin(pin)) return false;
  const [scheme, iterations, salt, hash] = pinHash.split('$');
  if (scheme !== 'pbkdf2-sha256' || !iterations || !salt || !hash) return false;
  const actual = await derive(pin, fromBase64(salt), Number(iterations));
  const expected = fromBase64(hash);
  if (actual.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < actual.length; i++) diff |= actual[i] ^ expected[i];
  return diff === 0;
}
