/**
 * What each `kiosk` command does. Thin: it wires the parts (store, relay, API, projector)
 * together; the parts themselves live in their own packages and are tested there.
 */
import path from 'node:path';
import { sql } from 'kysely';
import { z } from 'zod';
import { formatZodError, TOKEN_ROLES, unreachable } from '@kiosk/shared';
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

export const COMMANDS = ['start', 'serve', 'project', 'migrate', 'seed-demo', 'token', 'pairing-code', 'rebuild', 'verify'] as const;
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
        const { tenant, outlet } = tenantOutletFlags(flags);
        const pairing = await createPairingCode(store, { tenant, outlet, createdBy: 'cli' });
        console.log(pairing.code);
        return 0;
      });
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
    const projector = await startProjector({ store, mode: config.projectorMode, trustedWriters: config.trustedWriters });
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
