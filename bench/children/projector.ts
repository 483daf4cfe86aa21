/**
 * Projector throughput in a process of its own (run by `bench/projector.ts`), as `kiosk project`
 * runs: the benchmark's main process has carried the other benchmarks' heaps by the time it
 * gets here, which slowed the projector's garbage collection and blurred the figure.
 * Env: KIOSK_BENCH_TARGET = a postgres:// URL, or a PGlite data directory; KIOSK_BENCH_ORDERS.
 * Progress on stderr; one JSON line (BenchResult) on stdout.
 */
import { connectDatabase, migrateToLatest } from '@kiosk/store';
import { benchProjector } from './projector-bench';

const target = process.env.KIOSK_BENCH_TARGET ?? '';
const orders = Number(process.env.KIOSK_BENCH_ORDERS ?? 10_000);
const store = await connectDatabase(target.startsWith('postgres') ? { url: target } : { dataDir: target });
try {
  await migrateToLatest(store.db);
  const result = await benchProjector({ store, orders, onProgress: (m) => process.stderr.write(`${m}\n`) });
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await store.close();
}
