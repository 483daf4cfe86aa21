/**
 * Sign-in throttling: at most `limit` failed attempts per key (account + IP, or IP for
 * pairing) in a sliding window; beyond it, 429 with Retry-After until the window passes.
 * In memory, per process: good enough against online guessing on one server, and it needs
 * no table. A success clears the key.
 */
export interface RateLimiterOptions {
  limit: number;
  windowMs: number;
  now?: () => number;
}

export class RateLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;
  constructor(private readonly options: RateLimiterOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Seconds to wait when the key is over its limit, else 0. */
  retryAfter(key: string): number {
    const recent = this.recent(key);
    if (recent.length < this.options.limit) return 0;
    return Math.max(1, Math.ceil((recent[0] + this.options.windowMs - this.now()) / 1000));
  }

  fail(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now());
    this.failures.set(key, recent);
    if (this.failures.size > 10_000) this.sweep();
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string): number[] {
    const since = this.now() - this.options.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }

  private sweep(): void {
    for (const key of [...this.failures.keys()]) {
      if (this.recent(key).length === 0) this.failures.delete(key);
    }
  }
}
