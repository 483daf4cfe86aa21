import { describe, expect, test } from 'vitest';
import { generatePairingCode, hashPairingCode, nextDeviceCode, normalizePairingCode, PAIRING_ALPHABET } from '../devices/pairing';
import { hashPassword, verifyPassword } from './passwords';
import { isLimited, RateLimiter } from './sign-in-limiter';

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

describe('rate limiter', () => {
  test('allows `limit` failures per window, then asks to wait; success clears', () => {
    let now = 0;
    const limiter = new RateLimiter({ limit: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter('a')).toBe(0);
      limiter.fail('a');
    }
    expect(limiter.retryAfter('a')).toBe(60);
    expect(limiter.retryAfter('b')).toBe(0);
    now = 30_000;
    expect(limiter.retryAfter('a')).toBe(30);
    now = 60_001;
    expect(limiter.retryAfter('a')).toBe(0);
    limiter.fail('a');
    limiter.succeed('a');
    expect(limiter.retryAfter('a')).toBe(0);
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

describe('RateLimiter.begin', () => {
  test('counts the attempt before the check; ok() takes back only its own; ok({ clearKey }) clears the key', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter({ limit: 3, windowMs: 60_000, now: () => now });
    const attempts = [limiter.begin('t'), limiter.begin('t'), limiter.begin('t')];
    expect(attempts.every((a) => !isLimited(a))).toBe(true);
    const fourth = limiter.begin('t'); // three in flight, none answered yet: the fourth is refused
    expect(isLimited(fourth) && fourth.retryAfter).toBe(60);
    const [first] = attempts;
    if (isLimited(first)) throw new Error('unexpected');
    first.ok(); // a success gives back one place, not the others' failures
    expect(isLimited(limiter.begin('t'))).toBe(false);
    expect(isLimited(limiter.begin('t'))).toBe(true);
    now += 1;
    const other = limiter.begin('u');
    if (isLimited(other)) throw new Error('unexpected');
    limiter.begin('u');
    other.ok({ clearKey: true });
    expect(limiter.retryAfter('u')).toBe(0);
    now += 60_001;
    expect(isLimited(limiter.begin('t'))).toBe(false);
  });
});
