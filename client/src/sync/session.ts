/**
 * The documents a paired device works with: its outlet and today's business day, and on a
 * terminal the staff-keys document (the sealed approval keys a PIN unlocks offline; the relay
 * refuses it to kitchen displays, so they never open it). The day
 * comes from the outlet's time zone and business-day start (shared `businessDayOf`), and the
 * session rolls over to the next day document when the boundary passes.
 */
import { businessDayOf, dayDocName, outletDocName, readOutlet, staffKeysDocName } from '@kiosk/shared';
import { syncUrl, type DeviceCredentials } from './credentials';
import { DocSync } from './doc-sync';

const ROLLOVER_CHECK_MS = 15_000;

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

  constructor(
    readonly credentials: DeviceCredentials,
    private readonly options: { now?: () => number; storage?: Storage; WebSocketPolyfill?: typeof WebSocket } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.storage = options.storage ?? localStorage;
    this.outlet = this.openDoc(outletDocName(credentials.tenant, credentials.outlet));
    this.staffKeys = credentials.kind === 'terminal' ? this.openDoc(staffKeysDocName(credentials.tenant, credentials.outlet)) : null;
  }

  private openDoc(name: string): DocSync {
    return new DocSync({
      name,
      wsUrl: syncUrl(this.credentials.serverUrl),
      serverUrl: this.credentials.serverUrl,
      token: this.credentials.token,
      now: this.now,
      storage: this.storage,
      WebSocketPolyfill: this.options.WebSocketPolyfill,
    });
  }

  /**
   * Loads the outlet document (from IndexedDB; on the very first start after pairing, from the
   * server), then today's day document. Resolves when work can be shown.
   */
  async open(): Promise<void> {
    await this.outlet.open();
    // Not awaited past IndexedDB: a terminal works (and signs approvals) from its stored copy offline.
    await this.staffKeys?.open();
    await this.waitForSettings();
    await this.rollover();
    this.resumeUnsentDays();
    this.timer = setInterval(() => void this.rollover(), ROLLOVER_CHECK_MS);
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
    await Promise.all([this.outlet.destroy(), this.staffKeys?.destroy(), this.day?.destroy(), ...[...this.draining.values()].map((d) => d.destroy())]);
  }
}
