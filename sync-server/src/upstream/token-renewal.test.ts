import { SignJWT } from 'jose';
import { expect, test } from 'vitest';
import { BoxTokenRenewer, renewalDueAt } from './token-renewal';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 4, 8, 0, 0);

async function tokenAt(issuedAtMs: number, ttlMs = DAY): Promise<{ token: string; expiresAt: number }> {
  const token = await new SignJWT({ tenant: 't', outlet: 'o', role: 'box' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(Math.floor(issuedAtMs / 1000))
    .setExpirationTime(Math.floor((issuedAtMs + ttlMs) / 1000))
    .sign(new TextEncoder().encode('a-secret-long-enough-for-hs256'));
  return { token, expiresAt: issuedAtMs + ttlMs };
}

test('a token is due for renewal when a third of its life is left', async () => {
  const held = await tokenAt(T0);
  expect(renewalDueAt(held)).toBe(T0 + DAY - Math.floor(DAY / 3));
  // unreadable token: a one-day life is assumed
  expect(renewalDueAt({ token: 'not-a-jwt', expiresAt: T0 + DAY })).toBe(T0 + DAY - Math.floor(DAY / 3));
});

function fakeCloud(answers: Array<() => Response | Promise<Response>>) {
  const calls: unknown[] = [];
  const fetchFn = (async (_url: string, init: RequestInit) => {
    calls.push(JSON.parse(String(init.body)));
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    return next();
  }) as unknown as typeof fetch;
  return { calls, fetchFn };
}

test('renews only when due, switches the token, retries failures with backoff and never throws', async () => {
  let now = T0;
  const initial = await tokenAt(T0);
  const fresh = await tokenAt(T0 + (2 * DAY) / 3 + 60_000);
  const cloud = fakeCloud([
    () => {
      throw new TypeError('fetch failed');
    },
    () => new Response(JSON.stringify({ error: { code: 'internal', message: 'boom' } }), { status: 503 }),
    () => Response.json({ token: fresh.token, expiresAt: fresh.expiresAt, deviceId: 'box-1' }),
  ]);
  const renewed: string[] = [];
  const logs: string[] = [];
  const renewer = new BoxTokenRenewer({
    apiUrl: 'https://cloud.test/api',
    renewalKey: 'k'.repeat(43),
    initial,
    onRenewed: (t) => void renewed.push(t.token),
    log: (m) => logs.push(m),
    now: () => now,
    fetch: cloud.fetchFn,
    backoff: { baseMs: 1_000, maxMs: 60_000 },
  });
  await renewer.check();
  expect(cloud.calls).toHaveLength(0); // fresh token: nothing to do

  now = T0 + (2 * DAY) / 3 + 1; // a third left
  await renewer.check();
  expect(cloud.calls).toEqual([{ renewalKey: 'k'.repeat(43) }]);
  expect(logs.at(-1)).toMatch(/renewal failed \(cloud unreachable: fetch failed\); retrying in/);
  await renewer.check(); // backing off: no second call at the same instant
  expect(cloud.calls).toHaveLength(1);

  now += 1_000;
  await renewer.check();
  expect(cloud.calls).toHaveLength(2);
  expect(logs.at(-1)).toMatch(/503: boom/);

  now += 2_000;
  await renewer.check();
  expect(cloud.calls).toHaveLength(3);
  expect(renewed).toEqual([fresh.token]);
  expect(renewer.current).toEqual(fresh);
  await renewer.check(); // the new token is fresh
  expect(cloud.calls).toHaveLength(3);
});
