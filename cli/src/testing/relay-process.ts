/**
 * A relay in its own process, for tests that kill it (`SIGKILL`) and benchmarks that must not
 * share an event loop with their clients.
 *
 *   node --import tsx cli/src/testing/relay-process.ts
 *
 * Environment: KIOSK_TEST_DATA_DIR (PGlite data dir; else KIOSK_TEST_DATABASE_URL for
 * PostgreSQL; else in memory), KIOSK_TEST_PORT (default 0), KIOSK_TEST_SECRET,
 * KIOSK_TEST_UPSTREAM_URL + KIOSK_TEST_UPSTREAM_TOKEN (LAN box), KIOSK_TEST_INSTANCE_ID,
 * KIOSK_TEST_UNLOAD_AFTER_MS (idle documents' grace period), KIOSK_TEST_PROJECTOR=1 (a projector
 * on the same store, as `kiosk start` runs it), KIOSK_TEST_DEFAULT_METRICS=1 (process metrics),
 * KIOSK_TEST_GRACE_DAYS (writable past business days; default a century).
 * Prints one JSON line `{"port":N,"url":"http://…"}` on stdout once it serves.
 * SIGTERM → graceful close.
 */
import { connectDatabase, migrateToLatest } from '@kiosk/store';
import { startProjector } from '@kiosk/projector';
import { startSyncServer } from '@kiosk/sync-server';
import { TEST_SECRET } from '@kiosk/sync-server/testing';

const env = process.env;
const store = await connectDatabase(env.KIOSK_TEST_DATA_DIR ? { dataDir: env.KIOSK_TEST_DATA_DIR } : { url: env.KIOSK_TEST_DATABASE_URL || undefined });
await migrateToLatest(store.db);
const server = await startSyncServer({
  store,
  secret: env.KIOSK_TEST_SECRET ?? TEST_SECRET,
  port: Number(env.KIOSK_TEST_PORT ?? 0),
  host: '127.0.0.1',
  instanceId: env.KIOSK_TEST_INSTANCE_ID,
  defaultMetrics: env.KIOSK_TEST_DEFAULT_METRICS === '1',
  flushDelayMs: env.KIOSK_TEST_FLUSH_DELAY_MS ? Number(env.KIOSK_TEST_FLUSH_DELAY_MS) : undefined,
  unloadAfterMs: env.KIOSK_TEST_UNLOAD_AFTER_MS ? Number(env.KIOSK_TEST_UNLOAD_AFTER_MS) : undefined,
  ackIntervalMs: env.KIOSK_TEST_ACK_INTERVAL_MS ? Number(env.KIOSK_TEST_ACK_INTERVAL_MS) : undefined,
  // Tests and benchmarks write fixed past days (2026-11-20 …): keep them writable whatever the date.
  dayWindow: { graceDays: Number(env.KIOSK_TEST_GRACE_DAYS ?? 36_500) },
  upstream:
    env.KIOSK_TEST_UPSTREAM_URL && env.KIOSK_TEST_UPSTREAM_TOKEN
      ? { url: env.KIOSK_TEST_UPSTREAM_URL, token: env.KIOSK_TEST_UPSTREAM_TOKEN, backoff: { baseMs: 50, maxMs: 500 } }
      : undefined,
  log: (m) => process.stderr.write(`relay-process: ${m}\n`),
});
const projector = env.KIOSK_TEST_PROJECTOR === '1' ? await startProjector({ store }) : undefined;
process.stdout.write(`${JSON.stringify({ port: server.port, url: server.url })}\n`);
process.on('SIGTERM', () => {
  void Promise.resolve(projector?.close())
    .then(() => server.close())
    .then(() => store.close())
    .then(() => process.exit(0));
});
