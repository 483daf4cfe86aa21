/**
 * Reconnect delays: exponential with full jitter (AWS architecture blog, "Exponential Backoff
 * and Jitter"), so a hundred boxes that lost the cloud at once do not reconnect in lockstep.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 30_000 };

/** Delay before attempt `attempt` (0 = first retry): uniform in [cap/2, cap], cap = min(max, base·2^attempt). */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const cap = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  // Half fixed, half random: never hammer (a zero delay), still spread out.
  return Math.round(cap / 2 + random() * (cap / 2));
}
