/**
 * Projector throughput, for `npm run bench`: N orders (3 lines, 1 payment each, from 5
 * terminals of a demo outlet, through `@kiosk/shared`'s submitOrder) are appended to the update
 * log first; then the projector is timed from log to rows (every order row written and
 * numbered, numbers written back). Side by side, the same order rows are inserted the naive way,
 * one transaction per order, for comparison.
 *
 * Use a dedicated database: the bench writes under its own tenant (`bench…`) and removes
 * its rows afterwards, but it does append to the update log.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import * as Y from 'yjs';
import { readOrders } from '@kiosk/shared';
import type { KioskDatabase } from '@kiosk/store';
import { appendUpdates } from '@kiosk/store';
import { projectOrder } from '@kiosk/projector';
import type { OrderRows } from '@kiosk/projector';
import { startProjector } from '@kiosk/projector';
import { Workload } from '@kiosk/projector/testing';

export interface BenchResult {
  database: 'pglite' | 'postgres';
  orders: number;
  /** Log → rows, batched (the projector). */
  ordersPerSecond: number;
  seconds: number;
  /** The same rows, one transaction per order. */
  baselineOrders: number;
  baselineOrdersPerSecond: number;
  baselineSeconds: number;
}

export interface BenchOptions {
  store: KioskDatabase;
  orders: number;
  /** Orders for the naive baseline (default min(orders, 2,000): it is slow by design). */
  baselineOrders?: number;
  /** Log rows per projector batch (default 2,000). */
  batchSize?: number;
  onProgress?: (message: string) => void;
}

export async function benchProjector(options: BenchOptions): Promise<BenchResult> {
  const { store } = options;
  const say = options.onProgress ?? (() => {});
  const suffix = randomBytes(3).toString('hex');
  const tenant = `bench${suffix}`;
  const workload = await Workload.create({ tenant, outlet: 'main', terminals: 5, seed: 7, rotateEvery: 10 });
  const start = Date.parse('2026-11-20T03:00:00Z');

  say(`generating ${options.orders} orders`);
  await appendUpdates(store.db, [workload.outletUpdate()]);
  const chunk: ReturnType<Workload['order']>[] = [];
  for (let i = 0; i < options.orders; i++) {
    chunk.push(workload.order(i % 5, start + i * 50));
    if (chunk.length === 1_000 || i === options.orders - 1) {
      await appendUpdates(store.db, chunk.splice(0));
    }
  }

  say('projecting');
  const outlet = `${tenant}/main`;
  const t0 = performance.now();
  const projector = await startProjector({
    store,
    outlets: [outlet],
    instanceId: `bench-${suffix}`,
    batchSize: options.batchSize,
    logger: { info() {}, warn() {}, error: (m, d) => say(`${m} ${JSON.stringify(d)}`) },
  });
  try {
    await projector.waitForIdle({ timeoutMs: 600_000 });
    say(`projector timings ${JSON.stringify(projector.stats().timings)}`);
  } finally {
    await projector.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const numbered = await store.db
    .selectFrom('orders')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('tenant_id', '=', tenant)
    .where('number', 'is not', null)
    .executeTakeFirstOrThrow();
  if (numbered.n !== options.orders) throw new Error(`bench: expected ${options.orders} numbered orders, found ${numbered.n}`);

  // Baseline: the same order rows, one transaction per order (counter, order, lines, modifiers, payment).
  const baselineOrders = Math.min(options.baselineOrders ?? 2_000, options.orders);
  const naiveTenant = `naive${suffix}`;
  const rows: OrderRows[] = [];
  for (const day of new Set(workload.dayNames())) {
    const doc = new Y.Doc();
    const logRows = await store.db.selectFrom('update_log').select('update').where('doc_name', '=', day).orderBy('id').execute();
    for (const r of logRows) Y.applyUpdate(doc, r.update);
    const [, , d] = day.split('/');
    for (const record of readOrders(doc)) {
      if (rows.length >= baselineOrders) break;
      const projected = projectOrder(record, { tenant: naiveTenant, outlet: 'main', day: d, docName: day });
      projected.order.number = null;
      rows.push(projected);
    }
  }
  say(`baseline: ${rows.length} orders, one transaction each`);
  const t1 = performance.now();
  for (const o of rows) {
    await store.db.transaction().execute(async (trx) => {
      const counter = await sql<{ last_number: number }>`
        insert into order_numbers (tenant_id, outlet_id, business_day, last_number) values (${naiveTenant}, 'main', ${o.order.business_day}, 1)
        on conflict (tenant_id, outlet_id, business_day) do update set last_number = order_numbers.last_number + 1
        returning last_number`.execute(trx);
      const order = { ...o.order, number: counter.rows[0].last_number, flags: JSON.stringify(o.order.flags), trust_flags: JSON.stringify(o.order.trust_flags) };
      await trx.insertInto('orders').values(order).execute();
      await trx.insertInto('order_lines').values(o.lines).execute();
      if (o.modifiers.length > 0) await trx.insertInto('order_line_modifiers').values(o.modifiers).execute();
      if (o.payments.length > 0) await trx.insertInto('payments').values(o.payments).execute();
    });
  }
  const baselineSeconds = (performance.now() - t1) / 1000;

  // Clean up the bench's rows (the log keeps its updates, like every other write).
  for (const t of [tenant, naiveTenant]) {
    for (const table of [
      'order_line_modifiers',
      'order_lines',
      'payments',
      'kitchen_events',
      'voids_refunds',
      'orders',
      'order_numbers',
      'projector_errors',
      'projector_leases',
    ] as const) {
      await store.db.deleteFrom(table).where('tenant_id', '=', t).execute();
    }
  }
  return {
    database: store.kind,
    orders: options.orders,
    ordersPerSecond: Math.round(options.orders / seconds),
    seconds: Math.round(seconds * 1000) / 1000,
    baselineOrders: rows.length,
    baselineOrdersPerSecond: Math.round(rows.length / baselineSeconds),
    baselineSeconds: Math.round(baselineSeconds * 1000) / 1000,
  };
}
