/**
 * What each `kiosk` command does. Thin: it wires the parts (store, relay, API, projector)
 * together; the parts themselves live in their own packages and are tested there.
 */
import path from 'node:path';
import { sql } from 'kysely';
import { z } from 'zod';
import { boxAuthority, formatZodError, TOKEN_ROLES, unreachable, type NumberingAuthority } from '@kiosk/shared';
import { DEMO } from '@kiosk/shared/demo';
import { connectDatabase, migrateToLatest, type KioskDatabase } from '@kiosk/store';
import { startProjector, verify } from '@kiosk/projector';
import { runRebuild } from './rebuild-command';
import { createOfficeApi, createPairingCode, signToken, startSyncServer, type SyncServerTls, type TlsOptions } from '@kiosk/sync-server';
import { CLIENT_DIST, ensureClientBuilt } from './build-client';
import { retryDatabase } from './db-retry';
import { mdnsDiscovery, type KioskConfig } from './config';
import { loadSecret } from './secret';
import { isFirstStart, seedDemo } from './seed-demo';
import { readBoxFile, type BoxFile } from './box-file';
import { boxNumberingIdentity, startBox } from './box-mode';
import { BoxPairError, ensureOutletRows, pairBox } from './box-pair';

/**
 * A device pairing code for an outlet in this machine's database (`kiosk pairing-code`; on a box
 * no cloud call). Exported for tests: the same function the command runs.
 */
export function createBoxPairingCode(
  store: KioskDatabase,
  input: { tenant: string; outlet: string; now?: number },
): Promise<{ code: string; expiresAt: number }> {
  return createPairingCode(store, { ...input, createdBy: 'cli' });
}

const boxPairFlags = z.object({
  cloud: z.string().min(1, 'is required (the cloud server, e.g. https://cloud.example)'),
  code: z.string().min(4, 'is required (the box code from the back-office: Devices → Pair a box)'),
  name: z.string().min(1).max(60).optional(),
});

async function runBoxPair(config: KioskConfig, flags: Record<string, string | undefined>): Promise<number> {
  const parsed = boxPairFlags.safeParse({ cloud: flags.cloud ?? '', code: flags.code ?? '', name: flags.name });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    console.error(`kiosk box pair: invalid --${String(issue?.path[0] ?? '?')}: ${issue?.message ?? 'invalid value'}`);
    return 2;
  }
  if (config.databaseUrl === undefined && (await readBoxFile(config.dataDir).catch(() => null))) {
    console.error(`kiosk box pair: note: ${config.dataDir} already holds a box.json; pairing again replaces it`);
  }
  return withStore(config, async (store) => {
    await migrateToLatest(store.db);
    try {
      const box = await pairBox({ cloud: parsed.data.cloud, code: parsed.data.code, name: parsed.data.name, dataDir: config.dataDir, store });
      console.log(
        [
          `kiosk: paired as the LAN box "${box.name}" of outlet '${box.outlet}' (${box.outletInfo.name}), tenant '${box.tenant}'`,
          `  box id ${box.deviceId}; upstream ${box.upstreamUrl}`,
          `  saved ${path.join(config.dataDir, 'box.json')} (keep it private: it holds the box key)`,
          `  next: \`kiosk start --data-dir ${config.dataDir}\` runs the box; \`kiosk pairing-code\` pairs terminals and kitchen displays on it`,
        ].join('\n'),
      );
      return 0;
    } catch (error) {
      if (error instanceof BoxPairError) {
        console.error(`kiosk box pair: ${error.message}`);
        return 1;
      }
      throw error;
    }
  });
}

export const COMMANDS = ['start', 'serve', 'project', 'migrate', 'seed-demo', 'token', 'pairing-code', 'box', 'rebuild', 'verify'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** Exit code to return, or -1 for "keep running" (servers). */
export async function runCommand(command: CommandName, config: KioskConfig, flags: Record<string, string | undefined>): Promise<number> {
  switch (command) {
    case 'start':
      return runServers(config, { relay: true, projector: true });
    case 'serve':
      return runServers(config, { relay: true, projector: false });
    case 'project':
      return runServers(config, { relay: false, projector: true });
    case 'migrate':
      return withStore(config, async (store) => {
        const applied = await migrateToLatest(store.db);
        console.log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'database is up to date');
        return 0;
      });
    case 'seed-demo':
      return withStore(config, async (store) => {
        await migrateToLatest(store.db);
        const { outletUpdated } = await seedDemo(store);
        console.log(outletUpdated ? `seeded demo tenant '${DEMO.tenant}', outlet '${DEMO.outlet}'` : 'demo outlet already seeded; nothing changed');
        return 0;
      });
    case 'token':
      return printToken(config, flags);
    case 'pairing-code':
      return withStore(config, async (store) => {
        await migrateToLatest(store.db);
        const box = await readBoxFile(config.dataDir);
        // On a paired box: its own outlet, from its own database (works with the internet down).
        const { tenant, outlet } = box && !flags.tenant && !flags.outlet ? { tenant: box.tenant, outlet: box.outlet } : tenantOutletFlags(flags);
        const pairing = await createBoxPairingCode(store, { tenant, outlet });
        console.log(pairing.code);
        return 0;
      });
    case 'box':
      return runBoxPair(config, flags);
    case 'rebuild':
      return withStore(config, async (store) => (await migrateToLatest(store.db), runRebuild(store, undefined, config.trustedWriters)));
    case 'verify':
      return withStore(config, async (store) => {
        const differences = await verify({ store, trustedWriters: config.trustedWriters });
        for (const difference of differences) console.log(JSON.stringify(difference));
        console.log(differences.length === 0 ? 'verify: rows match the documents' : `verify: ${differences.length} difference(s)`);
        return differences.length === 0 ? 0 : 1;
      });
    default:
      return unreachable(command, 'command');
  }
}

async function openStore(config: KioskConfig): Promise<KioskDatabase> {
  return connectDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: path.join(config.dataDir, 'pglite') });
}

/** A store that has answered one query (a PostgreSQL pool connects lazily, so opening alone proves nothing). */
async function openReachableStore(config: KioskConfig): Promise<KioskDatabase> {
  const store = await openStore(config);
  try {
    await sql`select 1`.execute(store.db);
    return store;
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
}

async function withStore(config: KioskConfig, fn: (store: KioskDatabase) => Promise<number>): Promise<number> {
  const store = await openStore(config);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const tokenFlags = z.object({
  tenant: z.string().min(1, 'is required'),
  outlet: z.string().min(1, 'is required'),
  role: z.enum(TOKEN_ROLES),
  device: z.string().min(1).optional(),
  ttl: z.coerce.number().int().positive().optional(),
});

function tenantOutletFlags(flags: Record<string, string | undefined>): { tenant: string; outlet: string } {
  const parsed = tokenFlags.pick({ tenant: true, outlet: true }).safeParse({ tenant: flags.tenant ?? '', outlet: flags.outlet ?? '' });
  if (!parsed.success) throw new Error(`invalid ${formatZodError(parsed.error, '-')}`.replace('-.', '--'));
  return parsed.data;
}

async function printToken(config: KioskConfig, flags: Record<string, string | undefined>): Promise<number> {
  const parsed = tokenFlags.safeParse({ tenant: flags.tenant ?? '', outlet: flags.outlet ?? '', role: flags.role, device: flags.device, ttl: flags.ttl });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    console.error(`kiosk token: invalid --${String(issue?.path[0] ?? '?')}: ${issue?.message ?? 'invalid value'}`);
    return 2;
  }
  const { tenant, outlet, role, device, ttl } = parsed.data;
  const secret = await loadSecret(config.secret, config.dataDir);
  const token = await signToken(secret, { tenant, outlet, role, deviceId: device ?? `${role}-cli`, ttlSeconds: ttl });
  process.stdout.write(`${token}\n`);
  return 0;
}

/** `--tls-cert/--tls-key`, else the box CA in the data directory, else (--no-tls, loopback) none. */
function tlsOptions(config: KioskConfig): TlsOptions | undefined {
  if (!config.tls) return undefined;
  if (config.tlsCert && config.tlsKey) return { mode: 'operator', certFile: config.tlsCert, keyFile: config.tlsKey };
  return { mode: 'box', dataDir: config.dataDir, extraNames: config.tlsNames };
}

/**
 * The lines for other devices: every https address the certificate covers, and how to trust
 * the box CA (its fingerprint, to compare on the tablet). The first banner line stays
 * `listening on http://…` (this machine, plain HTTP on loopback): scripts and tests read it.
 */
function httpsBanner(tls: SyncServerTls, port: number, config: KioskConfig): string[] {
  const lines = [`kiosk: HTTPS for the shop network on the same port (other devices on plain http get only /setup):`];
  for (const url of tls.httpsUrls) lines.push(`  ${url}/pos`);
  if (tls.caPem) {
    // The mDNS name a tablet can type (<hostname>.local), else the first address another device can reach.
    const reachable = tls.httpsUrls.filter((u) => !/\/\/(localhost|127\.|\[::1\])/.test(u));
    const lan = (reachable.find((u) => /\.local:\d+$/.test(u)) ?? reachable[0])?.replace(/^https:/, 'http:') ?? `http://localhost:${port}`;
    lines.push(
      `  Trust the box CA on each device: ${lan}/setup   (download: /setup/ca.crt)`,
      `  Box CA SHA-256 fingerprint  ${tls.fingerprint}   (${path.join(config.dataDir, 'tls', 'ca.pem')})`,
    );
  } else {
    lines.push(`  Certificate: ${config.tlsCert} (SHA-256 ${tls.fingerprint})`);
  }
  return lines;
}

async function runServers(config: KioskConfig, parts: { relay: boolean; projector: boolean }): Promise<number> {
  if (parts.relay) ensureClientBuilt();
  // The database may come up after us (compose, a reboot): wait for it (db-retry.ts).
  const store = await retryDatabase(() => openReachableStore(config), { retrySeconds: config.dbRetrySeconds, log: (m) => console.error(m) });
  const applied = await migrateToLatest(store.db);
  if (applied.length) console.log(`kiosk: applied ${applied.length} migration(s)`);
  // A paired box (box.json in the data directory) runs as its outlet's LAN box: no demo, no --upstream.
  const box = await readBoxFile(config.dataDir);
  if (box) return runBox(config, store, box, parts);
  if (config.demo && (await isFirstStart(store))) {
    await seedDemo(store);
    console.log(`kiosk: seeded the demo tenant '${DEMO.tenant}', outlet '${DEMO.outlet}'`);
  }
  const secret = await loadSecret(config.secret, config.dataDir);
  const closers: Array<() => Promise<void>> = [];

  let baseUrl: string | undefined;
  let tlsBanner: string[] = [];
  if (parts.relay) {
    const server = await startSyncServer({
      store,
      secret,
      port: config.port,
      host: config.host,
      clientDist: CLIENT_DIST,
      upstream: config.upstream && config.upstreamToken ? { url: config.upstream, token: config.upstreamToken } : undefined,
      dayWindow: { graceDays: config.graceDays },
      trustProxy: config.trustProxy,
      metricsToken: config.metricsToken,
      tls: tlsOptions(config),
      discovery: mdnsDiscovery(config),
      mountApi: (app, relay) => app.use('/api', createOfficeApi({ store, secret, relay, allowedOrigins: config.allowedOrigins })),
    });
    closers.push(() => server.close());
    baseUrl = `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${server.port}`;
    if (server.tls) tlsBanner = httpsBanner(server.tls, server.port, config);
  }
  if (parts.projector) {
    // A box set up the old way (--upstream-token) is a box for the numbering record too: it numbers once its outlet is handed to it.
    const numberingIdentity = config.upstream && config.upstreamToken ? upstreamBoxIdentity(config.upstreamToken) : undefined;
    const projector = await startProjector({ store, mode: config.projectorMode, trustedWriters: config.trustedWriters, numberingIdentity });
    closers.unshift(() => projector.close());
  }

  // One write, so a reader of the output (a test, a supervisor) sees the whole banner at once.
  const banner = [`kiosk: database ${store.description}`];
  if (baseUrl) {
    banner.push(
      `kiosk: listening on ${baseUrl}${config.upstream ? ` (LAN box, upstream ${config.upstream})` : ''}`,
      `  POS terminal     ${baseUrl}/pos`,
      `  Kitchen display  ${baseUrl}/kitchen`,
      `  Back-office      ${baseUrl}/office`,
      `  Pair a device    ${baseUrl}/setup   (pairing code: \`npx kiosk pairing-code --tenant ${DEMO.tenant} --outlet ${DEMO.outlet}\`, or from the back-office)`,
    );
    if (config.demo) banner.push(`  Sign in          back-office: owner@demo.kiosk / demo1234; terminal staff PINs: Sari 1234 (cashier), Budi 9999 (manager)`);
    banner.push(...tlsBanner);
  }
  console.log(banner.join('\n'));
  if (parts.projector) console.log(`kiosk: projector running (${config.projectorMode})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`kiosk: ${signal}, shutting down…`);
    for (const close of closers) await close().catch((error: unknown) => console.error(`kiosk: close failed: ${String(error)}`));
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  return -1;
}

/** `kiosk start`/`serve`/`project` with a box.json: the LAN box of its outlet (box-mode.ts). */
async function runBox(config: KioskConfig, store: KioskDatabase, box: BoxFile, parts: { relay: boolean; projector: boolean }): Promise<number> {
  if (config.upstream) console.error(`kiosk: --upstream ignored: this data directory holds a paired box (box.json links to ${box.upstreamUrl})`);
  await ensureOutletRows(store, box);
  const closers: Array<() => Promise<void>> = [];
  const banner = [`kiosk: database ${store.description}`];
  if (parts.relay) {
    const running = await startBox({
      store,
      dataDir: config.dataDir,
      box,
      secret: await loadSecret(config.secret, config.dataDir),
      port: config.port,
      host: config.host,
      projector: parts.projector,
      allowedOrigins: config.allowedOrigins,
      server: {
        clientDist: CLIENT_DIST,
        dayWindow: { graceDays: config.graceDays },
        trustProxy: config.trustProxy,
        metricsToken: config.metricsToken,
        tls: tlsOptions(config),
      },
    });
    closers.push(() => running.close());
    const baseUrl = `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${running.server.port}`;
    banner.push(
      `kiosk: listening on ${baseUrl} (LAN box "${box.name}" of ${box.tenant}/${box.outlet}, upstream ${box.upstreamUrl})`,
      `  POS terminal     ${baseUrl}/pos`,
      `  Kitchen display  ${baseUrl}/kitchen`,
      `  Pair a device    ${baseUrl}/setup   (pairing code: \`npx kiosk pairing-code --data-dir ${config.dataDir}\`, works offline)`,
    );
    if (running.server.tls) banner.push(...httpsBanner(running.server.tls, running.server.port, config));
    if (running.projector) banner.push(`kiosk: projector running (numbering as ${boxNumberingIdentity(box)} while the outlet names this box its authority)`);
    // The box is the outlet's numbering authority: without a projector here, orders wait for their numbers.
    else banner.push(`kiosk: no projector here (kiosk serve): orders get their numbers once \`kiosk project\` runs on this box (or use \`kiosk start\`)`);
  } else if (parts.projector) {
    const projector = await startProjector({
      store,
      mode: 'authority',
      outlets: [`${box.tenant}/${box.outlet}`],
      numberingIdentity: boxNumberingIdentity(box),
    });
    closers.push(() => projector.close());
    banner.push(`kiosk: projector running (numbering as ${boxNumberingIdentity(box)})`);
  }
  console.log(banner.join('\n'));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`kiosk: ${signal}, shutting down…`);
    for (const close of closers) await close().catch((error: unknown) => console.error(`kiosk: close failed: ${String(error)}`));
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  return -1;
}

/** The numbering identity of a box started with a hand-signed upstream token: `box:<its device id>`. */
function upstreamBoxIdentity(token: string): NumberingAuthority | undefined {
  try {
    // Only the claim is read here: the upstream relay verifies the token.
    const { deviceId } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { deviceId?: unknown };
    return typeof deviceId === 'string' && deviceId.length > 0 ? boxAuthority(deviceId) : undefined;
  } catch {
    return undefined;
  }
}
