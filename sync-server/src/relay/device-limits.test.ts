import { expect, test } from 'vitest';
import { createBucket, takeToken } from './device-limits';

test('token bucket: burst, refusal, refill at the sustained rate, capped at capacity', () => {
  const limit = { capacity: 3, refillPerSecond: 2 };
  const bucket = createBucket(limit, 0);
  expect([1, 2, 3, 4].map(() => takeToken(bucket, limit, 0))).toEqual([true, true, true, false]);
  expect(takeToken(bucket, limit, 499)).toBe(false); // 0.998 tokens
  expect(takeToken(bucket, limit, 500)).toBe(true); // 1 token after 0.5 s
  expect(takeToken(bucket, limit, 100_000)).toBe(true);
  expect(bucket.tokens).toBe(2); // refilled to capacity 3, took 1
});
