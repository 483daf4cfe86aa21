/**
 * Sign-in throttling, stored in `auth_attempts` (migration 2026-12-03-600): at most `limit`
 * attempts per key in a window that starts at the key's first attempt; beyond it, 429 with
 * Retry-After until the window ends. Keys are per account (an email, a staff id), per address
 * and per device, each limiter with its own rule and its own rows (`<scope>|<key>`).
 *
 * What the attack showed, and what holds it:
 * - 100 concurrent wrong PINs were all checked (limit 5): `begin` COUNTS the attempt before the
 *   secret is checked, in one `INSERT … ON CONFLICT DO UPDATE … RETURNING count` — the row lock
 *   of the upsert orders concurrent attempts, so at most `limit` of them see a count ≤ limit.
 * - a correct PIN reset the terminal's count (4 guesses + own PIN, forever): a success takes
 *   back only its own attempt (`ok()`), or clears the key when the key is the proven account
 *   itself (`ok({ clearKey: true })`); it never touches the device's or address's count of guesses
 *   at other people.
 * - limits reset on restart: they are rows, on PostgreSQL and PGlite alike.
 * The clock is injected (`now`), and windows are epoch milliseconds of that clock.
 */
import { sql } from 'kysely';
import type { KioskDatabase } from '@kiosk/store';

export interface LimitRule {
  /** Attempts allowed per window (the attempt that makes the count exceed it is refused). */
  limit: number;
  windowMs: number;
}

/** An attempt counted by `begin`: a failure needs no call (it stays counted); a success calls `ok`. */
export interface Attempt {
  ok(options?: { clearKey?: boolean }): Promise<void>;
}

export type AttemptOutcome = { retryAfter: number } | Attempt;

export function isLimited(attempt: AttemptOutcome): attempt is { retryAfter: number } {
  return 'retryAfter' in attempt;
}

/** Rows past their window are deleted every this many attempts (no timer to stop). */
const SWEEP_EVERY = 500;

export class StoredLimiter {
  private sinceSweep = 0;

  constructor(
    private readonly store: KioskDatabase,
    /** Prefix of this limiter's rows: two limiters never share a count. */
    readonly scope: string,
    readonly rule: LimitRule,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts an attempt for `key` now, before anything is checked. `{ retryAfter }` (seconds)
   * when this attempt is over the limit: the caller must refuse it without checking.
   */
  async begin(name: string): Promise<AttemptOutcome> {
    const key = `${this.scope}|${name}`;
    const now = this.now();
    const { limit, windowMs } = this.rule;
    const cutoff = now - windowMs;
    // A window that has ended starts again at this attempt, in the same statement.
    const { rows } = await sql<{ count: number; window_start: string }>`
      insert into auth_attempts (key, window_start, count, expires_at)
      values (${key}, ${now}, 1, ${now + windowMs})
      on conflict (key) do update set
        count = case when auth_attempts.window_start <= ${cutoff} then 1 else auth_attempts.count + 1 end,
        window_start = case when auth_attempts.window_start <= ${cutoff} then ${now} else auth_attempts.window_start end,
        expires_at = case when auth_attempts.window_start <= ${cutoff} then ${now + windowMs} else auth_attempts.expires_at end
      returning count, window_start`.execute(this.store.db);
    const row = rows[0];
    if (!row) throw new Error(`auth_attempts upsert for ${JSON.stringify(key)} returned no row`);
    await this.maybeSweep(now);
    const windowStart = Number(row.window_start);
    if (Number(row.count) > limit) return { retryAfter: Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000)) };
    return {
      ok: async (options = {}) => {
        if (options.clearKey) {
          await this.store.db.deleteFrom('auth_attempts').where('key', '=', key).execute();
          return;
        }
        // Only this attempt, and only while its window is the key's window.
        await this.store.db
          .updateTable('auth_attempts')
          .set({ count: sql`count - 1` })
          .where('key', '=', key)
          .where('window_start', '=', String(windowStart))
          .where('count', '>', 0)
          .execute();
      },
    };
  }

  /** Attempts counted for `key` in its current window (tests, diagnostics). */
  async count(name: string): Promise<number> {
    const key = `${this.scope}|${name}`;
    const row = await this.store.db.selectFrom('auth_attempts').select(['count', 'window_start']).where('key', '=', key).executeTakeFirst();
    if (!row || Number(row.window_start) <= this.now() - this.rule.windowMs) return 0;
    return row.count;
  }

  private async maybeSweep(now: number): Promise<void> {
    if (++this.sinceSweep < SWEEP_EVERY) return;
    this.sinceSweep = 0;
    await this.store.db.deleteFrom('auth_attempts').where('expires_at', '<', String(now)).execute();
  }
}

/**
 * Takes attempts on several keys in order (address first, then device or account). When a later
 * key refuses, the earlier attempts are taken back: a locked account does not also burn the
 * address's budget. Returns the refusal, or the counted attempts in the same order.
 */
export async function beginAll(steps: Array<[StoredLimiter, string]>): Promise<{ retryAfter: number; key: string } | { attempts: Attempt[] }> {
  const attempts: Attempt[] = [];
  for (const [limiter, key] of steps) {
    const outcome = await limiter.begin(key);
    if (isLimited(outcome)) {
      for (const a of attempts) await a.ok();
      return { retryAfter: outcome.retryAfter, key };
    }
    attempts.push(outcome);
  }
  return { attempts };
}

/** The rules in force; each can be replaced through `ApiDeps.limits`. */
export interface LimitRules {
  /** Failed passwords per account (email), from any address. */
  signInAccount: LimitRule;
  /** Sign-in attempts per address across accounts. */
  signInIp: LimitRule;
  /** PIN attempts per paired terminal. */
  pinDevice: LimitRule;
  /** PIN attempts per staff member, when the terminal names who signs in. */
  pinStaff: LimitRule;
  /** PIN attempts per address (a shop's terminals may share one address: generous). */
  pinIp: LimitRule;
  /** Pairing codes per address. */
  pair: LimitRule;
  /** Device-token renewals per address. */
  renew: LimitRule;
}

const MINUTE = 60_000;
export const DEFAULT_LIMIT_RULES: LimitRules = {
  signInAccount: { limit: 10, windowMs: 15 * MINUTE },
  signInIp: { limit: 20, windowMs: 15 * MINUTE },
  pinDevice: { limit: 5, windowMs: 5 * MINUTE },
  pinStaff: { limit: 5, windowMs: 5 * MINUTE },
  pinIp: { limit: 50, windowMs: 5 * MINUTE },
  pair: { limit: 10, windowMs: 15 * MINUTE },
  renew: { limit: 30, windowMs: 15 * MINUTE },
};

export type Limiters = { [K in keyof LimitRules]: StoredLimiter };

export function createLimiters(store: KioskDatabase, rules: Partial<LimitRules> = {}, now: () => number = Date.now): Limiters {
  const all = { ...DEFAULT_LIMIT_RULES, ...rules };
  const out = {} as Limiters;
  for (const name of Object.keys(all) as Array<keyof LimitRules>) out[name] = new StoredLimiter(store, name, all[name], now);
  return out;
}
