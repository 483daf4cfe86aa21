/**
 * pin-bruteforce: what an offline guess of a staff PIN costs an attacker who copied what a
 * terminal holds (the staff-keys document: an envelope sealed under argon2id, `STAFF_KEY_KDF`),
 * beside what a kitchen display held before issue 13 (the outlet document's PBKDF2-SHA-256
 * verifier, 60,000 iterations). One guess = derive the key from the candidate PIN + try to open
 * the AES-GCM envelope (the attacker's whole loop); for PBKDF2, one `verifyPin`.
 *
 * The expected time to exhaust the key space is per-guess × 10^4 (4 digits) or × 10^6 (6
 * digits) on ONE core of this machine (half that on average; an attacker with k cores divides by k,
 * and argon2id's 64 MiB per guess is what keeps GPUs from dividing by thousands).
 */
import { generateStaffKeyPair, hashPinPbkdf2, openStaffKey, sealStaffKey, STAFF_KEY_KDF, verifyPin } from '@kiosk/shared';
import { percentile, record, round, say } from './lib';

const GUESSES = 8;
const PBKDF2_GUESSES = 40;

async function perGuess(n: number, guess: (pin: string) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const pin = String(1000 + i).padStart(4, '0');
    const t0 = performance.now();
    await guess(pin);
    times.push(performance.now() - t0);
  }
  return percentile(times, 0.5);
}

function hours(ms: number): number {
  return ms / 3_600_000;
}

export async function pinBruteforce(): Promise<void> {
  const envelope = await sealStaffKey('staff-budi', '9999', generateStaffKeyPair(), { now: 0 });
  await openStaffKey(envelope, '0000'); // warm the WebAssembly module
  const argon = await perGuess(GUESSES, async (pin) => {
    if (await openStaffKey(envelope, pin)) throw new Error('bench: a wrong guess opened the envelope');
  });
  const oldHash = await hashPinPbkdf2('9999');
  const pbkdf2 = await perGuess(PBKDF2_GUESSES, (pin) => verifyPin(pin, oldHash));
  const cost = `argon2id ${STAFF_KEY_KDF.memoryKiB / 1024} MiB × ${STAFF_KEY_KDF.passes} passes`;
  say(`${cost}: ${round(argon, 1)} ms/guess; PBKDF2-SHA-256 60k: ${round(pbkdf2, 1)} ms/guess`);
  record({
    bench: 'pin-bruteforce',
    metric: `one offline PIN guess against a terminal's sealed key (${cost}, median of ${GUESSES})`,
    value: round(argon, 1),
    unit: 'ms/guess',
    peer: round(pbkdf2, 1),
    peerName: 'the old PBKDF2 verifier in the outlet document (60,000 iterations)',
  });
  for (const [digits, space] of [
    [4, 10_000],
    [6, 1_000_000],
  ] as const) {
    record({
      bench: 'pin-bruteforce',
      metric: `exhaust every ${digits}-digit PIN on one core (${space.toLocaleString('en')} guesses)`,
      value: round(hours(argon * space), 2),
      unit: 'h',
      peer: round(hours(pbkdf2 * space), 3),
      peerName: 'old PBKDF2 verifier',
      note: `${round(hours(argon * space) / 24, 1)} days; on average half`,
    });
  }
}
