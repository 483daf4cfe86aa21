/**
 * The box tells the cloud which devices it paired (`POST /api/box/devices` with its box
 * token), so the back-office lists a terminal paired on the box while the internet was down.
 * Sent whenever the link to the cloud comes up (after each reconnect) and when the box's own
 * list changed since the last report that the cloud acknowledged; a failure is retried with
 * backoff. The cloud upserts, so sending the same list twice changes nothing.
 *
 * Pure part: `deviceReportBody` (rows → body) and `reportFingerprint` (has anything changed).
 */
import { createHash } from 'node:crypto';
import type { KioskDatabase } from '@kiosk/store';
import { withTenant } from '@kiosk/store';
import { backoffDelay, type BackoffOptions } from './backoff';

export interface ReportedDevice {
  id: string;
  name: string;
  kind: 'terminal' | 'kitchen';
  code: string;
  stations: string[];
  /** ISO time. */
  createdAt: string;
  revokedAt: string | null;
}

export interface DeviceRow {
  id: string;
  name: string;
  kind: string;
  code: string;
  stations: string[] | string;
  created_at: Date;
  revoked_at: Date | null;
}

/** The body of `POST /api/box/devices` from the box's `devices` rows, in a stable order. Pure. */
export function deviceReportBody(rows: readonly DeviceRow[]): { devices: ReportedDevice[] } {
  const devices = rows
    .filter((r): r is DeviceRow & { kind: 'terminal' | 'kitchen' } => r.kind === 'terminal' || r.kind === 'kitchen')
    .map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind,
      code: r.code,
      stations: typeof r.stations === 'string' ? (JSON.parse(r.stations) as string[]) : [...r.stations],
      createdAt: r.created_at.toISOString(),
      revokedAt: r.revoked_at ? r.revoked_at.toISOString() : null,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { devices };
}

/** Same fingerprint = same report: nothing to send unless the link has just come up. Pure. */
export function reportFingerprint(body: { devices: ReportedDevice[] }): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

export interface DeviceReporterOptions {
  store: KioskDatabase;
  tenant: string;
  outlet: string;
  /** The cloud's API base, e.g. https://cloud.example/api */
  apiUrl: string;
  /** The current box token (it is renewed). */
  token: () => string;
  log?: (message: string) => void;
  fetch?: typeof fetch;
  backoff?: BackoffOptions;
  /** How often to look for local changes (default 30 s); 0 = only on `linkUp()`. */
  checkEveryMs?: number;
}

export class DeviceReporter {
  private acked: string | null = null;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  private running: Promise<boolean> | null = null;
  private again = false;
  private force = false;
  private closed = false;

  constructor(private readonly options: DeviceReporterOptions) {}

  start(): void {
    const every = this.options.checkEveryMs ?? 30_000;
    if (every > 0) {
      this.checkTimer = setInterval(() => void this.report(), every);
      this.checkTimer.unref();
    }
  }

  /** The link to the cloud is up (again): send the list even if unchanged (the cloud may have lost it). */
  linkUp(): Promise<boolean> {
    this.force = true;
    return this.report();
  }

  /**
   * Sends the list when it changed since the last acknowledged report (or `linkUp` asked).
   * Resolves true when the cloud holds the current list. Never throws.
   */
  report(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.send().finally(() => {
      this.running = null;
    });
    return this.running.then((ok) => {
      if (this.again) {
        this.again = false;
        return this.report();
      }
      return ok;
    });
  }

  private async send(): Promise<boolean> {
    const log = this.options.log ?? ((m: string) => console.error(`kiosk box: ${m}`));
    try {
      const rows = await withTenant(this.options.store, this.options.tenant, (trx) =>
        trx
          .selectFrom('devices')
          .select(['id', 'name', 'kind', 'code', 'stations', 'created_at', 'revoked_at'])
          .where('outlet_id', '=', this.options.outlet)
          .execute(),
      );
      const body = deviceReportBody(rows as DeviceRow[]);
      const fingerprint = reportFingerprint(body);
      if (!this.force && fingerprint === this.acked) return true;
      const force = this.force;
      this.force = false;
      const res = await (this.options.fetch ?? fetch)(`${this.options.apiUrl.replace(/\/+$/, '')}/box/devices`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.token()}` },
        body: JSON.stringify(body),
      }).catch((error: unknown) => {
        if (force) this.force = true;
        throw error;
      });
      if (!res.ok) {
        if (force) this.force = true;
        throw new Error(`cloud answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      }
      this.acked = fingerprint;
      this.failures = 0;
      return true;
    } catch (error) {
      const delay = backoffDelay(this.failures++, this.options.backoff ?? { baseMs: 2_000, maxMs: 5 * 60_000 });
      log(
        `reporting the box's devices to the cloud failed (${error instanceof Error ? error.message : String(error)}); retrying in ${Math.round(delay / 1000)} s`,
      );
      if (!this.closed && !this.retryTimer) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          void this.report();
        }, delay);
        this.retryTimer.unref();
      }
      return false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.checkTimer) clearInterval(this.checkTimer);
    await this.running?.catch(() => {});
  }
}
