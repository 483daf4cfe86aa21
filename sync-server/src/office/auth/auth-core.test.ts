import { describe, expect, test } from 'vitest';
// The stored sign-in limiter is tested on both databases in stored-limiter.pg-test.ts.
import { generatePairingCode, hashPairingCode, nextDeviceCode, normalizePairingCode, PAIRING_ALPHABET } from '../devices/pairing';
import { hashPassword, verifyPassword } from './passwords';

describe('passwords', () => {
  test('scrypt hash with a random salt; verifies the right password only', async () => {
    const a = await hashPassword('demo1234');
    const b = await hashPassword('demo1234');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('demo1234', a)).toBe(true);
    expect(await verifyPassword('demo1235', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  test('a malformed stored hash is a wrong password, not a crash', async () => {
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$0$8$1$AAAA$BBBB')).toBe(false);
  });
});

describe('pairing codes', () => {
  test('six characters from an alphabet without look-alikes', () => {
    for (let i = 0; i < 200; i++) {
      const code = generatePairingCode();
      expect(code).toHaveLength(6);
      for (const ch of code) expect(PAIRING_ALPHABET).toContain(ch);
    }
    expect(PAIRING_ALPHABET).not.toMatch(/[01OIL]/);
  });

  test('typing is forgiving: case, spaces and dashes do not matter', () => {
    expect(normalizePairingCode(' k7m-q2x ')).toBe('K7MQ2X');
    expect(hashPairingCode('k7m q2x')).toBe(hashPairingCode('K7MQ2X'));
    expect(hashPairingCode('K7MQ2X')).not.toContain('K7MQ2X');
  });

  test('device short codes are never reused', () => {
    expect(nextDeviceCode([])).toBe('A');
    expect(nextDeviceCode(['A', 'B', 'D'])).toBe('C');
    expect(nextDeviceCode('ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split(''))).toBe('AA');
  });
});
