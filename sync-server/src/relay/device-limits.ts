/**
 * Token bucket per device (not per IP: a shop's devices share one IP behind its router).
 * Pure: the caller passes the clock.
 */
export interface TokenBucket {
  tokens: number;
  updatedAt: number;
}

export interface RateLimit {
  /** Burst size (messages). */
  capacity: number;
  /** Sustained messages per second. */
  refillPerSecond: number;
}

export function createBucket(limit: RateLimit, now: number): TokenBucket {
  return { tokens: limit.capacity, updatedAt: now };
}

/** Takes `cost` tokens if available; returns false (and takes nothing) otherwise. */
export function takeToken(bucket: TokenBucket, limit: RateLimit, now: number, cost = 1): boolean {
  const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
  bucket.tokens = Math.min(limit.capacity, bucket.tokens + elapsed * limit.refillPerSecond);
  bucket.updatedAt = now;
  if (bucket.tokens < cost) return false;
  bucket.tokens -= cost;
  return true;
}
