import { expect, test } from 'vitest';
import { backoffDelay } from './backoff';

test('backoff grows exponentially, is jittered within [cap/2, cap], and is capped', () => {
  const opts = { baseMs: 100, maxMs: 1_000 };
  expect([0, 1, 2, 3, 4, 10, 100].map((n) => backoffDelay(n, opts, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  expect([0, 1, 2, 3].map((n) => backoffDelay(n, opts, () => 0))).toEqual([50, 100, 200, 400]);
  const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(3, opts)));
  expect(spread.size).toBeGreaterThan(10);
});
