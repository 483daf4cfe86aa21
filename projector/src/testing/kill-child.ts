/**
 * Child process of the kill -9 test (`projector/src/kill.int-test.ts`): runs a projector, and —
 * for a PGlite data directory, which only one process may open — also the terminals' order
 * stream, resuming where the last (killed) run stopped.
 *
 * Environment: KILL_DB (postgres:// URL or PGlite data directory), KILL_WRITER=1 to stream
 * orders, KILL_TOTAL (orders in all), KILL_CHUNK / KILL_INTERVAL_MS (stream pace), KILL_FINISH=1
 * to write every remaining order, wait until everything is projected, and exit 0.
 */
import { connectDatabase } from '@kiosk/store';
import { appendUpdates } from '@kiosk/store';
import { startProjector } from '../projector';
import { Workload } from './workload';

export const STREAM_ORIGIN = 'stream';
export const STREAM_T0 = Date.parse('2026-11-22T01:00:00Z');

const env = process.env;
const store = await connectDatabase(/^postgres/.test(env.KILL_DB ?? '') ? { url: env.KILL_DB, poolSize: 4 } : { dataDir: env.KILL_DB });
const projector = await startProjector({
  store,
  instanceId: 'kill-test',
  pollMs: 200,
  leaseTtlMs: 3_000,
  logger: { info() {}, warn() {}, error: (m, d) => console.error(m, d) },
});
console.log('ready');
// Progress for the parent (which cannot open a PGlite directory while this process runs).
let written = -1;
const report = () => console.log(`progress ${JSON.stringify({ written, cursor: projector.stats().cursor, batches: projector.stats().batches })}`);
setInterval(report, 100).unref();

/** Resumable stream: continues after the last order already in the log. */
export async function stream(options: { total: number; chunk: number; intervalMs: number; finish: boolean }): Promise<void> {
  const outletRow = await store.db
    .selectFrom('update_log')
    .select(['update', 'doc_name'])
    .where('business_day', 'is', null)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  written = Number(
    (
      await store.db
        .selectFrom('update_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('origin', '=', STREAM_ORIGIN)
        .executeTakeFirstOrThrow()
    ).n,
  );
  const [tenant, outlet] = outletRow.doc_name.split('/');
  const w = await Workload.create({ tenant, outlet, terminals: 5, seed: 1000 + written, outletState: outletRow.update, firstOrder: written, rotateEvery: 10 });
  // The terminals start from empty replicas (as if they had lost their local state): loading the
  // whole day here would stall every restart. Provisional references may repeat; ids, business
  // days and everything the projector relies on do not.
  for (let n = written; n < options.total;) {
    const batch = [];
    for (let i = 0; i < options.chunk && n < options.total; i++, n++) batch.push({ ...w.order(n % 5, STREAM_T0 + n * 100), origin: STREAM_ORIGIN });
    await appendUpdates(store.db, batch);
    written = n;
    report();
    if (!options.finish) await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}

if (env.KILL_WRITER === '1') {
  await stream({
    total: Number(env.KILL_TOTAL ?? 5000),
    chunk: Number(env.KILL_CHUNK ?? 25),
    intervalMs: Number(env.KILL_INTERVAL_MS ?? 200),
    finish: env.KILL_FINISH === '1',
  });
}
if (env.KILL_FINISH === '1') {
  await projector.waitForIdle({ timeoutMs: 120_000 });
  await projector.close();
  await store.close();
  console.log('done');
  process.exit(0);
}
