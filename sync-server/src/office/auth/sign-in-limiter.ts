/**
 * Sign-in throttling: at most `limit` failed attempts per key (account + IP, or IP for
 * pairing) in a sliding window; beyond it, 429 with Retry-After until the window passes.
 * In memory, per process: good enough against online guessing on one server, and it needs
 * no table (it does not survive a restart; see issue 13).
 *
 * Routes use `begin`: the attempt is counted BEFORE the password or PIN is checked, so a burst
 * of concurrent attempts cannot all pass the limit while the slow hash runs (100 concurrent
 * wrong PINs were all checked when the count came after). A success takes back only its own
 * attempt (`ok()`), so one person's correct PIN on a terminal never wipes the failures of
 * guesses at another's; `ok({ clearKey: true })` clears the key when the key is the proven
 * account itself (email sign-in).
 */
export interface RateLimiterOptions {
  limit: number;
  windowMs: number;
  now?: () => number;
}

/** An attempt counted by `begin`: a failure needs no call (it stays counted); a success calls `ok`. */
export interface Attempt {
  ok(options?: { clearKey?: boolean }): void;
}

export function isLimited(attempt: { retryAfter: number } | Attempt): attempt is { retryAfter: number } {
  return 'retryAfter' in attempt;
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

  /** Counts an attempt now; `{ retryAfter }` when the key is already at its limit. */
  begin(key: string): { retryAfter: number } | Attempt {
    const wait = this.retryAfter(key);
    if (wait > 0) return { retryAfter: wait };
    const at = this.now();
    this.fail(key);
    return {
      ok: (options = {}) => {
        if (options.clearKey) return this.succeed(key);
        const recent = this.failures.get(key);
        const index = recent?.lastIndexOf(at) ?? -1;
        if (recent && index >= 0) recent.splice(index, 1);
      },
    };
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
