/**
 * A data directory with a `box.json` runs as its outlet's LAN box (`kiosk start`/`kiosk serve`
 * pick this up by themselves): the relay links the outlet's documents to the cloud with the box
 * token, renews that token before it expires, signs the tokens of devices paired here with the
 * box key (JWT kid `box:<deviceId>`, so the cloud accepts them too), reports the devices paired
 * here to the cloud whenever the link comes up, and its projector numbers as `box:<deviceId>`.
 *
 * ```ts
 * const box = await startBox({ store, dataDir, box: boxFile, port: 8080 });
 * await box.close();
 * ```
 */
import { boxAuthority, type NumberingAuthority } from '@kiosk/shared';
import type { KioskDatabase } from '@kiosk/store';
import { startProjector, type Projector } from '@kiosk/projector';
import {
  BoxTokenRenewer,
  createOfficeApi,
  DeviceReporter,
  startSyncServer,
  type BackoffOptions,
  type SyncServer,
  type SyncServerOptions,
} from '@kiosk/sync-server';
import { writeBoxFile, type BoxFile } from './box-file';

/** The kid of every token the box signs; the cloud resolves it to the box key. */
export function boxKid(box: Pick<BoxFile, 'deviceId'>): string {
  return `box:${box.deviceId}`;
}

/** The box's numbering identity: its projector numbers the outlet while the outlet document names it the authority. */
export function boxNumberingIdentity(box: Pick<BoxFile, 'deviceId'>): NumberingAuthority {
  return boxAuthority(box.deviceId);
}

export interface StartBoxOptions {
  store: KioskDatabase;
  dataDir: string;
  box: BoxFile;
  /** The box's own signing secret (staff and back-office sessions on the box; `loadSecret`). */
  secret: string;
  port: number;
  host?: string;
  /** Also run the box's projector (`kiosk start`; `kiosk serve` runs none). Default true. */
  projector?: boolean;
  /** The rest of the server's options (client, TLS, day window, metrics, …). */
  server?: Partial<Omit<SyncServerOptions, 'store' | 'secret' | 'port' | 'host' | 'upstream' | 'mountApi'>>;
  /** The API's extra options (allowed origins). */
  allowedOrigins?: readonly string[];
  log?: (message: string) => void;
  now?: () => number;
  fetch?: typeof fetch;
  /** Link, renewal and report retry delays (tests shorten them). */
  backoff?: BackoffOptions;
  /** How often the token renewal and the device report look again (default 60 s / 30 s). */
  checkEveryMs?: number;
}

export interface RunningBox {
  server: SyncServer;
  projector: Projector | null;
  renewer: BoxTokenRenewer;
  reporter: DeviceReporter;
  close(): Promise<void>;
}

export async function startBox(options: StartBoxOptions): Promise<RunningBox> {
  const { box, store } = options;
  const log = options.log ?? ((m: string) => console.error(`kiosk box: ${m}`));
  let current: BoxFile = box;
  const reporter = new DeviceReporter({
    store,
    tenant: box.tenant,
    outlet: box.outlet,
    apiUrl: box.cloudApiUrl,
    token: () => current.token,
    log,
    fetch: options.fetch,
    backoff: options.backoff,
    checkEveryMs: options.checkEveryMs,
  });
  // Device tokens issued here are signed with the box key (the pair route finds it in the box's
  // own `box_keys` row, written by `ensureOutletRows`); the relay and API resolve the box's kid to
  // it without a lookup. Everything else (staff PIN sessions) uses the box's own secret.
  const secret = options.secret;
  const kid = boxKid(box);
  const boxKeys = async (k: string) => (k === kid ? { key: box.boxKey, tenant: box.tenant, outlet: box.outlet } : null);
  const server = await startSyncServer({
    ...options.server,
    store,
    secret,
    boxKeys,
    port: options.port,
    host: options.host,
    log: options.server?.log ?? log,
    upstream: {
      url: box.upstreamUrl,
      token: box.token,
      backoff: options.backoff,
      onOutletSynced: () => void reporter.linkUp(),
    },
    mountApi: (app, relay) =>
      app.use(
        '/api',
        createOfficeApi({ store, secret, relay, boxKeys, allowedOrigins: options.allowedOrigins, now: options.now, upstreamRelay: box.upstreamUrl }),
      ),
  });
  const renewer = new BoxTokenRenewer({
    apiUrl: box.cloudApiUrl,
    renewalKey: box.renewalKey,
    initial: { token: box.token, expiresAt: box.expiresAt },
    onRenewed: async (held) => {
      current = { ...current, token: held.token, expiresAt: held.expiresAt };
      server.upstream?.setToken(held.token);
      await writeBoxFile(options.dataDir, current);
      log(`box token renewed, valid until ${new Date(held.expiresAt).toISOString()}`);
    },
    log,
    now: options.now,
    fetch: options.fetch,
    backoff: options.backoff,
    checkEveryMs: options.checkEveryMs,
  });
  renewer.start();
  reporter.start();
  const projector =
    options.projector === false
      ? null
      : await startProjector({
          store,
          mode: 'authority',
          outlets: [`${box.tenant}/${box.outlet}`],
          numberingIdentity: boxNumberingIdentity(box),
        });
  return {
    server,
    projector,
    renewer,
    reporter,
    async close() {
      renewer.close();
      await reporter.close();
      await projector?.close();
      await server.close();
    },
  };
}
