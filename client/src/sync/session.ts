/**
 * The documents a paired device works with: its outlet and today's business day, and on a
 * terminal the staff-keys document (the sealed approval keys a PIN unlocks offline; the relay
 * refuses it to kitchen displays, so they never open it). The day
 * comes from the outlet's time zone and business-day start (shared `businessDayOf`), and the
 * session rolls over to the next day document when the boundary passes.
 */
import {
  ApiError,
  CloseCode,
  ErrorCode,
  businessDayOf,
  dayDocName,
  outletDocName,
  readOutlet,
  staffKeysDocName,
  type DeviceTokenResponse,
} from '@kiosk/shared';
import { renewDeviceToken } from '../api/pairing';
import { relaysOf, saveCredentials, type DeviceCredentials } from './credentials';
import { DocSync } from './doc-sync';
import { RelayLink, webSocketProbe, type RelayLinkOptions } from './relay-link';

const ROLLOVER_CHECK_MS = 15_000;
/** Device tokens live a day; renew this long before the end, so an offline hour or two is covered. */
export const RENEW_BEFORE_MS = 3 * 60 * 60 * 1000;
/** After a failed renewal (network, server down), try again after this long. */
export const RENEW_RETRY_MS = 60_000;

export class DeviceSession {
  readonly outlet: DocSync;
  /** Terminals only: `{tenant}/{outlet}/staff-keys` (read-only for them). */
  readonly staffKeys: DocSync | null;
  day: DocSync | null = null;
  businessDay: string | null = null;
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setInterval> | null = null;
  /** Earlier day documents still holding changes no server has stored: synced in the background. */
  private readonly draining = new Map<string, DocSync>();
  private closed = false;

  private readonly now: () => number;
  private readonly storage: Storage;
  private credentialsNow: DeviceCredentials;
  private renewing: Promise<boolean> | null = null;
  private nextRenewalAt = 0;
  /** The server said the key or the device is gone: renewing again is pointless. */
  private renewalDead = false;
  /** Which relay every document of this session uses: the shop box when it answers, else the cloud. */
  readonly relays: RelayLink;

  constructor(
    credentials: DeviceCredentials,
    private readonly options: {
      now?: () => number;
      storage?: Storage;
      WebSocketPolyfill?: typeof WebSocket;
      /** `POST /api/device-token`; tests may inject. */
      renew?: (serverUrl: string, renewalKey: string) => Promise<DeviceTokenResponse>;
      /** Probe timing and probe function of the relay choice; tests may inject. */
      relayChoice?: Pick<RelayLinkOptions, 'config' | 'probe' | 'setTimer' | 'clearTimer'>;
    } = {},
  ) {
    this.credentialsNow = credentials;
    this.now = options.now ?? Date.now;
    this.storage = options.storage ?? localStorage;
    this.relays = new RelayLink({
      relays: relaysOf(credentials),
      now: this.now,
      // The outlet document: every device of the outlet may open it, so a probe is an ordinary connection.
      probe: webSocketProbe({
        docName: outletDocName(credentials.tenant, credentials.outlet),
        token: () => this.credentials.token,
        WebSocketPolyfill: options.WebSocketPolyfill,
      }),
      ...options.relayChoice,
    });
    this.outlet = this.openDoc(outletDocName(credentials.tenant, credentials.outlet));
    this.staffKeys = credentials.kind === 'terminal' ? this.openDoc(staffKeysDocName(credentials.tenant, credentials.outlet)) : null;
  }

  /** The pairing data with the current (possibly renewed) token. */
  get credentials(): DeviceCredentials {
    return this.credentialsNow;
  }

  private openDoc(name: string): DocSync {
    const sync = new DocSync({
      name,
      relays: this.relays,
      serverUrl: this.credentials.serverUrl,
      token: this.credentials.token,
      now: this.now,
      storage: this.storage,
      WebSocketPolyfill: this.options.WebSocketPolyfill,
    });
    // A 4401 (expired or revoked token): renew at once, then every document reconnects with the new token.
    sync.subscribe(() => {
      const { link, refusal } = sync.getState();
      if (link === 'refused' && refusal?.startsWith(String(CloseCode.unauthorized)) && sync.token === this.credentials.token) void this.renewToken();
    });
    return sync;
  }

  private allDocs(): DocSync[] {
    return [this.outlet, this.staffKeys, this.day, ...this.draining.values()].filter((d): d is DocSync => d !== null);
  }

  /** Renews when the token is near its end (`RENEW_BEFORE_MS`); called by the session's timer. */
  async renewIfDue(): Promise<boolean> {
    const { expiresAt } = this.credentials;
    if (expiresAt === undefined || this.now() < expiresAt - RENEW_BEFORE_MS) return false;
    return this.renewToken();
  }

  /**
   * Trades the renewal key for a fresh token, stores it with the pairing data and hands it to
   * every open document. False when there is no key (paired before renewal existed), the server
   * refused the key or the device (then never again), or the call failed (retried after
   * `RENEW_RETRY_MS`).
   */
  renewToken(): Promise<boolean> {
    if (this.renewing) return this.renewing;
    const { renewalKey, serverUrl } = this.credentials;
    if (!renewalKey || this.renewalDead || this.closed || this.now() < this.nextRenewalAt) return Promise.resolve(false);
    const renew = this.options.renew ?? ((url: string, key: string) => renewDeviceToken(url, key));
    this.renewing = (async () => {
      try {
        const fresh = await renew(serverUrl, renewalKey);
        if (this.closed) return false;
        this.credentialsNow = { ...this.credentials, token: fresh.token, expiresAt: fresh.expiresAt };
        saveCredentials(this.credentialsNow, this.storage);
        for (const doc of this.allDocs()) doc.setToken(fresh.token);
        this.emit();
        return true;
      } catch (error) {
        if (error instanceof ApiError && (error.code === ErrorCode.renewalKeyInvalid || error.code === ErrorCode.deviceRevoked)) this.renewalDead = true;
        this.nextRenewalAt = this.now() + RENEW_RETRY_MS;
        return false;
      } finally {
        this.renewing = null;
      }
    })();
    return this.renewing;
  }

  /**
   * Loads the outlet document (from IndexedDB; on the very first start after pairing, from the
   * server), then today's day document. Resolves when work can be shown.
   */
  async open(): Promise<void> {
    await this.outlet.open();
    await this.staffKeys?.open();
    const firstStart = !readOutlet(this.outlet.doc).settings;
    await this.waitForSettings();
    // On the first start after pairing (online by then: the outlet came from the server) the
    // sealed staff keys must be here before anyone types a PIN. Later starts use the stored copy
    // and never wait, so a terminal signs people in and approves offline.
    if (firstStart) await this.staffKeys?.whenServerSynced();
    await this.rollover();
    this.resumeUnsentDays();
    void this.renewIfDue();
    this.timer = setInterval(() => {
      void this.rollover();
      void this.renewIfDue();
    }, ROLLOVER_CHECK_MS);
  }

  private waitForSettings(): Promise<void> {
    if (readOutlet(this.outlet.doc).settings) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (readOutlet(this.outlet.doc).settings) {
          this.outlet.doc.off('update', check);
          resolve();
        }
      };
      this.outlet.doc.on('update', check);
    });
  }

  /** Opens the day document of the current business day if it is not the open one. */
  async rollover(): Promise<void> {
    const settings = readOutlet(this.outlet.doc).settings;
    if (!settings || this.closed) return;
    const day = businessDayOf(this.now(), settings);
    if (day === this.businessDay) return;
    const next = this.openDoc(dayDocName(this.credentials.tenant, this.credentials.outlet, day));
    await next.open();
    if (this.closed) return void next.destroy();
    const previous = this.day;
    this.day = next;
    this.businessDay = day;
    this.emit();
    this.rememberDay(next.name);
    if (previous) this.drain(previous);
  }

  private get daysKey(): string {
    return `kiosk.days.${this.credentials.tenant}/${this.credentials.outlet}`;
  }

  private rememberDay(name: string): void {
    const days = new Set<string>(JSON.parse(this.storage.getItem(this.daysKey) ?? '[]') as string[]);
    days.add(name);
    this.storage.setItem(this.daysKey, JSON.stringify([...days].slice(-14)));
  }

  /** A previous day's document stays connected until the server has stored all of it. */
  private drain(doc: DocSync): void {
    if (doc.getState().pending === 0 && doc.getState().stored) return void doc.destroy();
    this.draining.set(doc.name, doc);
    const unsubscribe = doc.subscribe(() => {
      if (doc.getState().pending !== 0) return;
      unsubscribe();
      this.draining.delete(doc.name);
      void doc.destroy();
    });
  }

  /** After a restart: earlier days whose changes never reached a server are opened again. */
  private resumeUnsentDays(): void {
    const days = JSON.parse(this.storage.getItem(this.daysKey) ?? '[]') as string[];
    for (const name of days) {
      if (name === this.day?.name || this.draining.has(name)) continue;
      if (!DocSync.mayHavePending(name, this.storage)) continue;
      const doc = this.openDoc(name);
      void doc.open().then(() => this.drain(doc));
    }
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.relays.close();
    await Promise.all([this.outlet.destroy(), this.staffKeys?.destroy(), this.day?.destroy(), ...[...this.draining.values()].map((d) => d.destroy())]);
  }
}
