/**
 * The stored sign-in limiter (auth_attempts), on PGlite and PostgreSQL: attempts are counted
 * before the secret is checked, so a concurrent burst cannot all be tried; a success takes back
 * only its own attempt or clears only its own account; counts survive a restart; the window
 * follows the injected clock. Then the same through the real routes: 100 concurrent wrong PINs,
 * 60 concurrent wrong passwords for one account, 20 accounts × 5 passwords from one address.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectDatabase, type KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { DEFAULT_LIMIT_RULES, isLimited, StoredLimiter, type Attempt } from './sign-in-limiter';
import { seedTestTenant, startApiServer, TEST_SETTINGS, type ApiServer } from '../../testing/office-fixtures';

function must(outcome: Awaited<ReturnType<StoredLimiter['begin']>>): Attempt {
  if (isLimited(outcome)) throw new Error(`unexpectedly limited (retry after ${outcome.retryAfter} s)`);
  return outcome;
}

describe.each(testDatabaseTargets())('stored limiter on $name', (target) => {
  let store: KioskDatabase & { url?: string };
  let clock = Date.parse('2026-12-03T03:00:00Z');
  const now = () => clock;

  beforeAll(async () => {
    store = await target.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  test('100 concurrent attempts on one key: exactly `limit` pass, the rest wait until the window ends', async () => {
    const limiter = new StoredLimiter(store, 'unit', { limit: 5, windowMs: 60_000 }, now);
    const outcomes = await Promise.all(Array.from({ length: 100 }, () => limiter.begin('burst')));
    expect(outcomes.filter((o) => !isLimited(o))).toHaveLength(5);
    const waits = outcomes.filter(isLimited).map((o) => o.retryAfter);
    expect(waits).toHaveLength(95);
    expect(Math.max(...waits)).toBe(60);
    clock += 30_000;
    const later = await limiter.begin('burst');
    expect(isLimited(later) && later.retryAfter).toBe(30);
    clock += 30_001;
    expect(isLimited(await limiter.begin('burst'))).toBe(false);
  });

  test('ok() takes back only its own attempt; ok({ clearKey }) clears only its own key', async () => {
    clock += 3_600_000;
    const limiter = new StoredLimiter(store, 'unit', { limit: 5, windowMs: 60_000 }, now);
    // Four guesses at someone else's PIN, then the guesser's own correct PIN, on one device.
    for (let i = 0; i < 4; i++) must(await limiter.begin('device-1'));
    const own = must(await limiter.begin('device-1'));
    await own.ok();
    expect(await limiter.count('device-1')).toBe(4);
    must(await limiter.begin('device-1')); // the fifth guess
    expect(isLimited(await limiter.begin('device-1'))).toBe(true); // and no more, correct PIN or not
    // A proven account clears its own key and nothing else.
    must(await limiter.begin('acct-a'));
    const proven = must(await limiter.begin('acct-a'));
    must(await limiter.begin('acct-b'));
    await proven.ok({ clearKey: true });
    expect(await limiter.count('acct-a')).toBe(0);
    expect(await limiter.count('acct-b')).toBe(1);
    expect(await limiter.count('device-1')).toBe(6);
  });

  test('two limiters never share a count, even on the same key', async () => {
    const a = new StoredLimiter(store, 'scope-a', { limit: 1, windowMs: 60_000 }, now);
    const b = new StoredLimiter(store, 'scope-b', { limit: 1, windowMs: 60_000 }, now);
    must(await a.begin('same'));
    must(await b.begin('same'));
    expect(isLimited(await a.begin('same'))).toBe(true);
  });

  test('counts survive a restart (a new limiter, and on PostgreSQL a new connection)', async () => {
    clock += 3_600_000;
    const before = new StoredLimiter(store, 'restart', { limit: 3, windowMs: 60_000 }, now);
    for (let i = 0; i < 3; i++) must(await before.begin('k'));
    const again = store.url ? await connectDatabase({ url: store.url, poolSize: 2 }) : store;
    try {
      const after = new StoredLimiter(again, 'restart', { limit: 3, windowMs: 60_000 }, now);
      expect(await after.count('k')).toBe(3);
      expect(isLimited(await after.begin('k'))).toBe(true);
    } finally {
      if (again !== store) await again.close();
    }
  });
});

describe.each(testDatabaseTargets())('sign-in limits through the routes on $name', (target) => {
  let store: KioskDatabase;
  let api: ApiServer;
  let clock = Date.parse('2026-12-03T03:00:00Z');
  let manager: string;
  let till: string;
  const nextWindow = () => {
    clock += 60 * 60_000;
  };

  async function login(email: string, password = 'demo1234') {
    const res = await api.call('POST', '/api/auth/login', { body: { email, password } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { accessToken: string };
  }

  beforeAll(async () => {
    store = await target.open();
    await seedTestTenant(store, 'demo', 'demo.kiosk');
    api = await startApiServer({ store, now: () => clock });
    manager = (await login('manager@demo.kiosk')).accessToken;
    expect((await api.call('PATCH', '/api/outlets/main/settings', { token: manager, body: TEST_SETTINGS })).status).toBe(200);
    for (const s of [
      { id: 'staff-sari', name: 'Sari', role: 'cashier', pin: '1234' },
      { id: 'staff-budi', name: 'Budi', role: 'manager', pin: '9999' },
    ]) {
      const res = await api.call('POST', '/api/outlets/main/staff', { token: manager, body: s });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const code = await api.call('POST', '/api/outlets/main/pairing-codes', { token: manager });
    const paired = await api.call('POST', '/api/pair', { body: { code: code.body.code, name: 'Till', kind: 'terminal' } });
    expect(paired.status, JSON.stringify(paired.body)).toBe(201);
    till = paired.body.token;
  });

  afterAll(async () => {
    await api?.close();
    await store?.close();
  });

  test('100 concurrent wrong PINs on one terminal: at most the limit are checked, the rest 429 with Retry-After', async () => {
    nextWindow();
    const started = performance.now();
    const burst = await Promise.all(
      Array.from({ length: 100 }, (_, i) => api.call('POST', '/api/auth/pin', { token: till, body: { pin: String(i).padStart(4, '0') } })),
    );
    const ms = performance.now() - started;
    console.log(`[${target.name}] 100 concurrent wrong PINs answered in ${ms.toFixed(0)} ms`);
    const checked = burst.filter((r) => r.status === 401).length;
    expect(checked).toBe(DEFAULT_LIMIT_RULES.pinDevice.limit);
    const refused = burst.filter((r) => r.status === 429);
    expect(refused).toHaveLength(100 - checked);
    for (const r of refused) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    // The right PIN is refused too until the window ends: the limit is not a hint.
    expect((await api.call('POST', '/api/auth/pin', { token: till, body: { pin: '1234' } })).status).toBe(429);
  });

  test('a correct PIN does not reset the terminal: 4 guesses + own PIN, then only 1 more guess', async () => {
    nextWindow();
    const pin = (value: string) => api.call('POST', '/api/auth/pin', { token: till, body: { pin: value } });
    for (const guess of ['0001', '0002', '0003', '0004']) expect((await pin(guess)).status).toBe(401);
    expect((await pin('1234')).status).toBe(200);
    expect((await pin('0005')).status).toBe(401);
    expect((await pin('0006')).status).toBe(429);
    expect((await pin('1234')).status).toBe(429);
  });

  test("guesses at one named staff member are limited; another's success does not clear them", async () => {
    nextWindow();
    const pin = (value: string, staffId: string) => api.call('POST', '/api/auth/pin', { token: till, body: { pin: value, staffId } });
    // Three wrong PINs for Budi, then Sari signs in: Budi's count stays.
    for (const guess of ['0001', '0002', '0003']) expect((await pin(guess, 'staff-budi')).status).toBe(401);
    expect((await pin('1234', 'staff-sari')).status).toBe(200);
    const limiter = new StoredLimiter(store, 'pinStaff', DEFAULT_LIMIT_RULES.pinStaff, () => clock);
    expect(await limiter.count('demo|staff-budi')).toBe(3);
    expect(await limiter.count('demo|staff-sari')).toBe(0);
  });

  test('60 concurrent wrong passwords for one account: at most the account limit are checked', async () => {
    nextWindow();
    const started = performance.now();
    const burst = await Promise.all(
      Array.from({ length: 60 }, (_, i) => api.call('POST', '/api/auth/login', { body: { email: 'owner@demo.kiosk', password: `wrong-${i}` } })),
    );
    const ms = performance.now() - started;
    console.log(`[${target.name}] 60 concurrent wrong passwords answered in ${ms.toFixed(0)} ms`);
    expect(burst.filter((r) => r.status === 401)).toHaveLength(DEFAULT_LIMIT_RULES.signInAccount.limit);
    expect(burst.filter((r) => r.status === 429)).toHaveLength(60 - DEFAULT_LIMIT_RULES.signInAccount.limit);
    // The right password waits too, from any address (the account key has no address in it).
    expect((await api.call('POST', '/api/auth/login', { body: { email: 'owner@demo.kiosk', password: 'demo1234' } })).status).toBe(429);
    const account = new StoredLimiter(store, 'signInAccount', DEFAULT_LIMIT_RULES.signInAccount, () => clock);
    expect(await account.count('owner@demo.kiosk')).toBeGreaterThanOrEqual(DEFAULT_LIMIT_RULES.signInAccount.limit);
    expect(await account.count('manager@demo.kiosk')).toBe(0);
  });

  test('one address, 20 accounts × 5 passwords: at most the per-address limit are checked', async () => {
    nextWindow();
    const tries = [];
    for (let a = 0; a < 20; a++) for (let p = 0; p < 5; p++) tries.push({ email: `nobody${a}@demo.kiosk`, password: `guess-${p}` });
    const burst = await Promise.all(tries.map((body) => api.call('POST', '/api/auth/login', { body })));
    expect(burst.filter((r) => r.status === 401)).toHaveLength(DEFAULT_LIMIT_RULES.signInIp.limit);
    expect(burst.filter((r) => r.status === 429)).toHaveLength(100 - DEFAULT_LIMIT_RULES.signInIp.limit);
    const real = await api.call('POST', '/api/auth/login', { body: { email: 'manager@demo.kiosk', password: 'demo1234' } });
    expect(real.status).toBe(429);
    expect(real.body.error.message).toContain('from your address');
  });

  test('the limits survive a restart of the server', async () => {
    nextWindow();
    for (let i = 0; i < 5; i++) expect((await api.call('POST', '/api/auth/pin', { token: till, body: { pin: `000${i}` } })).status).toBe(401);
    await api.close();
    api = await startApiServer({ store, now: () => clock });
    expect((await api.call('POST', '/api/auth/pin', { token: till, body: { pin: '1234' } })).status).toBe(429);
    clock += DEFAULT_LIMIT_RULES.pinDevice.windowMs + 1;
    expect((await api.call('POST', '/api/auth/pin', { token: till, body: { pin: '1234' } })).status).toBe(200);
  });
});
