/**
 * LAN box mode: keeps every document of the box's outlet replicated both ways with the
 * upstream relay.
 *
 * Which documents (the rule): the outlet document named by the upstream token's tenant and
 * outlet; every day document of that outlet with rows in the box's own update log created in
 * the last `recentDays` days (so what was written while the internet was down is forwarded
 * after a box restart); today's and yesterday's day document (UTC dates, covering every
 * outlet time zone's "today"), so cloud-side writes reach the box even before a local device
 * opens the day; and any document of the outlet a local device opens. Linked documents stay
 * loaded while the box runs.
 *
 * The upstream token: role `box` for the box's tenant and outlet (`kiosk token --role box
 * --outlet O --device lan-box-1`). The cloud treats it as a trusted relay for that outlet
 * only: it forwards structs written by many devices, so it neither claims client ids nor is
 * refused for others'; any other outlet or tenant is refused (4403). Updates that arrive from
 * upstream are written to the box's log as device 'upstream'.
 */
import { decodeJwt } from 'jose';
import { dayDocName, outletDocName, parseDocName } from '@kiosk/shared';
import { recentDocNames, type KioskDatabase } from '@kiosk/store';
import type { RelayCore } from '../relay/relay';
import type { SharedDoc } from '../relay/shared-doc';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { UpstreamLink } from './link';

export interface UpstreamOptions {
  /** Upstream relay base URL, e.g. wss://cloud.example/sync */
  url: string;
  /** Token presented upstream (role box, see above). */
  token: string;
  /** Day documents with local rows this recent are linked at start (default 7). */
  recentDays?: number;
  backoff?: BackoffOptions;
  /**
   * Called when the outlet document's link has synced with upstream, at start and after each
   * reconnect: the moment the cloud is reachable again (the box reports its devices then).
   */
  onOutletSynced?: () => void;
}

export class UpstreamBox {
  private readonly links = new Map<string, { link: UpstreamLink; release: () => void }>();
  private readonly starting = new Map<string, Promise<void>>();
  private readonly tenant: string;
  private readonly outlet: string;
  private stopped = false;
  private token: string;
  private readonly onLoaded = (shared: SharedDoc) => {
    if (shared.name.tenant === this.tenant && shared.name.outlet === this.outlet) void this.ensureLink(shared.name.name);
  };

  constructor(
    private readonly options: {
      relay: RelayCore;
      store: KioskDatabase;
      upstream: UpstreamOptions;
      log: (message: string) => void;
      now?: () => number;
    },
  ) {
    let claims: Record<string, unknown>;
    try {
      claims = decodeJwt(options.upstream.token) as Record<string, unknown>;
    } catch {
      throw new Error('upstream token is not a JWT (get one with `kiosk token --role box --tenant T --outlet O` on the upstream server)');
    }
    if (typeof claims.tenant !== 'string' || typeof claims.outlet !== 'string') {
      throw new Error('upstream token names no tenant/outlet');
    }
    this.tenant = claims.tenant;
    this.outlet = claims.outlet;
    this.token = options.upstream.token;
    if (!/^(ws|wss|http|https):\/\//.test(options.upstream.url)) {
      throw new Error(`upstream url ${JSON.stringify(options.upstream.url)} must start with ws:// or wss://`);
    }
  }

  async start(): Promise<void> {
    this.options.relay.docLoadedListeners.add(this.onLoaded);
    const names = new Set<string>([outletDocName(this.tenant, this.outlet)]);
    const now = this.options.now?.() ?? Date.now();
    for (const offset of [0, -1]) names.add(dayDocName(this.tenant, this.outlet, new Date(now + offset * 86_400_000).toISOString().slice(0, 10)));
    const since = new Date(now - (this.options.upstream.recentDays ?? 7) * 86_400_000);
    for (const name of await recentDocNames(this.options.store, this.tenant, this.outlet, since)) names.add(name);
    await Promise.all([...names].map((n) => this.ensureLink(n)));
  }

  /**
   * Switches the token every link presents from its next connection on (the box token is
   * renewed before it expires, see token-renewal.ts). Throws when it names another outlet.
   */
  setToken(token: string): void {
    const claims = decodeJwt(token) as Record<string, unknown>;
    if (claims.tenant !== this.tenant || claims.outlet !== this.outlet) {
      throw new Error(`new upstream token is for ${String(claims.tenant)}/${String(claims.outlet)}, not ${this.tenant}/${this.outlet}`);
    }
    this.token = token;
    for (const { link } of this.links.values()) link.setToken(token);
  }

  linkStats(): { connected: number; total: number } {
    let connected = 0;
    for (const { link } of this.links.values()) if (link.connected) connected++;
    return { connected, total: this.links.size };
  }

  /** True when every link has synced with upstream since it last connected. */
  allSynced(): boolean {
    return [...this.links.values()].every(({ link }) => link.synced);
  }

  private ensureLink(docName: string): Promise<void> {
    if (this.stopped || this.links.has(docName)) return Promise.resolve();
    const existing = this.starting.get(docName);
    if (existing) return existing;
    parseDocName(docName);
    const p = (async () => {
      try {
        const { shared, release } = await this.options.relay.pin(docName);
        if (this.stopped) {
          release();
          return;
        }
        const link = new UpstreamLink(docName, shared.doc, {
          url: this.options.upstream.url,
          token: this.token,
          backoff: this.options.upstream.backoff ?? DEFAULT_BACKOFF,
          log: this.options.log,
          onSynced: docName === outletDocName(this.tenant, this.outlet) ? this.options.upstream.onOutletSynced : undefined,
        });
        this.links.set(docName, { link, release });
        link.start();
      } catch (error) {
        this.options.log(`upstream: cannot link ${docName}: ${String(error)}`);
      } finally {
        this.starting.delete(docName);
      }
    })();
    this.starting.set(docName, p);
    return p;
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.options.relay.docLoadedListeners.delete(this.onLoaded);
    await Promise.all(this.starting.values());
    for (const { link, release } of this.links.values()) {
      link.close();
      release();
    }
    this.links.clear();
  }
}
