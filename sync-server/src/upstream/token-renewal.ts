/**
 * The box token (role box, one day) renewed through the cloud's `POST /api/device-token`
 * before it expires: when less than a third of its life is left. A timer checks; a failure
 * (cloud unreachable, 5xx) is logged and retried with backoff, never thrown. A box offline
 * for longer than a day keeps working locally and renews once the cloud answers again
 * (the renewal key needs no live token).
 *
 * ```ts
 * const renewer = new BoxTokenRenewer({ apiUrl, renewalKey, token, expiresAt, onRenewed: (t) => box.setToken(t.token) });
 * renewer.start();
 * ```
 */
import { decodeJwt } from 'jose';
import type { DeviceTokenResponse } from '@kiosk/shared';
import { backoffDelay, type BackoffOptions } from './backoff';

export interface HeldToken {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** When a token is due for renewal: two thirds into its life (`iat` from the token itself). Pure. */
export function renewalDueAt(held: HeldToken): number {
  let issuedAt = held.expiresAt - 24 * 3600 * 1000;
  try {
    const iat = decodeJwt(held.token).iat;
    if (typeof iat === 'number') issuedAt = iat * 1000;
  } catch {
    // Not a JWT we can read: assume a one-day token.
  }
  const life = Math.max(0, held.expiresAt - issuedAt);
  return held.expiresAt - Math.floor(life / 3);
}

/** Why a renewal failed, for the log and for the caller to decide whether retrying helps. */
export class RenewalError extends Error {
  override name = 'RenewalError';
  constructor(
    message: string,
    /** False when the cloud said the key is unknown or the box revoked: retrying will not help soon. */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** One renewal request. Throws RenewalError. */
export async function requestDeviceToken(apiUrl: string, renewalKey: string, fetchFn: typeof fetch = fetch): Promise<HeldToken & { deviceId: string }> {
  let res: Response;
  try {
    res = await fetchFn(`${apiUrl.replace(/\/+$/, '')}/device-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ renewalKey }),
    });
  } catch (error) {
    throw new RenewalError(`cloud unreachable: ${error instanceof Error ? error.message : String(error)}`, true);
  }
  const text = await res.text();
  if (!res.ok) {
    let message = text.slice(0, 200);
    try {
      const parsed = JSON.parse(text) as { error?: { message?: string } };
      message = parsed.error?.message ?? message;
    } catch {
      // not JSON
    }
    throw new RenewalError(`cloud answered ${res.status}: ${message}`, res.status >= 500 || res.status === 429);
  }
  const body = JSON.parse(text) as DeviceTokenResponse;
  if (typeof body.token !== 'string' || typeof body.expiresAt !== 'number') throw new RenewalError('cloud answered without a token', true);
  return { token: body.token, expiresAt: body.expiresAt, deviceId: body.deviceId };
}

export interface RenewerOptions {
  /** The cloud's API base, e.g. https://cloud.example/api */
  apiUrl: string;
  renewalKey: string;
  initial: HeldToken;
  /** Called with each new token (switch the upstream links, save box.json). May be async; its errors are logged. */
  onRenewed: (token: HeldToken) => void | Promise<void>;
  log?: (message: string) => void;
  now?: () => number;
  fetch?: typeof fetch;
  /** How often the timer checks (default one minute). */
  checkEveryMs?: number;
  /** Between failed attempts (default 5 s doubling to 10 min). */
  backoff?: BackoffOptions;
}

export class BoxTokenRenewer {
  private held: HeldToken;
  private failures = 0;
  private nextAttemptAt = 0;
  private inFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly options: RenewerOptions) {
    this.held = options.initial;
    this.now = options.now ?? Date.now;
  }

  get current(): HeldToken {
    return this.held;
  }

  start(): void {
    void this.check();
    this.timer = setInterval(() => void this.check(), this.options.checkEveryMs ?? 60_000);
    this.timer.unref();
  }

  /** Renews when due (and no failed attempt is backing off). Never throws; resolves when done. */
  check(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const now = this.now();
    if (now < renewalDueAt(this.held) || now < this.nextAttemptAt) return Promise.resolve();
    this.inFlight = this.renew().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async renew(): Promise<void> {
    const log = this.options.log ?? ((m: string) => console.error(`kiosk box: ${m}`));
    try {
      const fresh = await requestDeviceToken(this.options.apiUrl, this.options.renewalKey, this.options.fetch);
      this.held = { token: fresh.token, expiresAt: fresh.expiresAt };
      this.failures = 0;
      this.nextAttemptAt = 0;
      try {
        await this.options.onRenewed(this.held);
      } catch (error) {
        log(`box token renewed, but using it failed: ${String(error)}`);
      }
    } catch (error) {
      const backoff = this.options.backoff ?? { baseMs: 5_000, maxMs: 10 * 60_000 };
      const delay = backoffDelay(this.failures++, error instanceof RenewalError && !error.retryable ? { ...backoff, baseMs: backoff.maxMs } : backoff);
      this.nextAttemptAt = this.now() + delay;
      const left = Math.round((this.held.expiresAt - this.now()) / 60_000);
      log(
        `box token renewal failed (${error instanceof Error ? error.message : String(error)}); retrying in ${Math.round(delay / 1000)} s; token ${left > 0 ? `expires in ${left} min` : 'has expired'}`,
      );
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
