/**
 * The database at boot: `kiosk start` / `serve` / `project` wait for it instead of exiting.
 * In Docker Compose the database often starts after the server, and a host reboot brings both
 * up at once; a supervisor restarting a crashed process in a loop hides the reason and
 * hammers the database. So each attempt is logged, the wait grows exponentially (0.25 s,
 * 0.5 s, … capped at 5 s) and after `--db-retry-seconds` (default 60) the last error ends the
 * command with a non-zero exit, as before.
 *
 * ```ts
 * const store = await retryDatabase(() => openAndPing(config), { retrySeconds: 60, log: console.error });
 * ```
 */

export interface DbRetryOptions {
  /** Give up once this many seconds have passed since the first attempt (0 = one attempt). */
  retrySeconds: number;
  /** One line per failed attempt. */
  log: (message: string) => void;
  /** First wait; doubles per attempt. Default 250 ms. */
  baseMs?: number;
  /** Longest wait. Default 5,000 ms. */
  capMs?: number;
  /** Injectable clock and sleep (tests). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const DB_RETRY_CAP_MS = 5_000;

/** The wait after failed attempt `attempt` (1-based): base·2^(attempt−1), at most cap. */
export function dbRetryDelay(attempt: number, baseMs = 250, capMs = DB_RETRY_CAP_MS): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** Runs `connect` until it resolves or the time is up; rethrows the last error then. */
export async function retryDatabase<T>(connect: () => Promise<T>, options: DbRetryOptions): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + options.retrySeconds * 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await connect();
      if (attempt > 1) options.log(`kiosk: database reachable after ${attempt} attempts`);
      return result;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const left = deadline - now();
      if (left <= 0) {
        options.log(`kiosk: database not reachable (attempt ${attempt}: ${reason}); giving up after ${options.retrySeconds} s (--db-retry-seconds)`);
        throw error;
      }
      const wait = Math.min(dbRetryDelay(attempt, options.baseMs, options.capMs), left);
      options.log(`kiosk: database not reachable (attempt ${attempt}: ${reason}); retrying in ${(wait / 1000).toFixed(2)} s`);
      await sleep(wait);
    }
  }
}
