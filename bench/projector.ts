/**
 * projector: orders/s from the update log to rows (each order 3 lines with their modifiers and
 * 1 payment, numbered, numbers written back), on PostgreSQL when a server is reachable and on
 * PGlite, side by side with inserting the same rows one transaction per order. The measuring
 * itself lives in `projector/src/bench.ts` (`benchProjector`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { benchProjector } from '../projector/src/bench';
import { connectDatabase, migrateToLatest } from '@kiosk/projector/db';
import { record, round, say } from './lib';

const PG_ORDERS = Number(process.env.KIOSK_BENCH_PROJECTOR_ORDERS ?? 20_000);
const PGLITE_ORDERS = Number(process.env.KIOSK_BENCH_PROJECTOR_PGLITE_ORDERS ?? 10_000);

export async function projector(options: { postgresUrl?: string }): Promise<void> {
  const targets: { name: string; orders: number; open: () => Promise<{ store: Awaited<ReturnType<typeof connectDatabase>>; cleanup: () => void }> }[] = [];
  if (options.postgresUrl) {
    targets.push({ name: 'PostgreSQL', orders: PG_ORDERS, open: async () => ({ store: await connectDatabase({ url: options.postgresUrl }), cleanup: () => {} }) });
  } else {
    say('projector: no PostgreSQL server, PostgreSQL figures skipped');
  }
  targets.push({
    name: 'PGlite',
    orders: PGLITE_ORDERS,
    open: async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'kiosk-bench-projector-'));
      return { store: await connectDatabase({ dataDir: dir }), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    },
  });
  for (const target of targets) {
    const { store, cleanup } = await target.open();
    try {
      await migrateToLatest(store.db);
      const result = await benchProjector({ store, orders: target.orders, onProgress: (m) => say(`projector (${target.name}): ${m}`) });
      record({
        bench: 'projector',
        metric: `log → rows, ${result.orders} orders (${target.name})`,
        value: result.ordersPerSecond,
        unit: 'orders/s',
        peer: result.baselineOrdersPerSecond,
        peerName: `one transaction per order, ${result.baselineOrders} orders`,
        ratio: round(result.ordersPerSecond / result.baselineOrdersPerSecond, 1),
        target: target.name === 'PostgreSQL' ? '≥ 10,000 orders/s and ≥ 10×' : undefined,
      });
    } finally {
      await store.close();
      cleanup();
    }
  }
}
