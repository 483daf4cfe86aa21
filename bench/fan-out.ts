/**
 * fan-out: one terminal writes orders (real `submitOrder` + payment updates, 3 lines each) at a
 * steady 50/s for 10 s and then in a burst of 1,000; ten kitchen displays (stock y-websocket
 * clients) observe the day document. Delivery latency terminal → every kitchen, p50/p99/max,
 * and burst throughput, through our relay (persisting every update to PGlite on disk, and to
 * PostgreSQL when one is reachable) and through the stock `@y/websocket-server` 0.1.1 (no
 * persistence), each in its own process, in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { DAY } from '@kiosk/shared';
import { Workload } from '@kiosk/projector/testing';
import { connectPeer, percentile, record, round, say, startRelay, synced, tokenFor, until, type Peer, type RelayProcess } from './lib';

const KITCHENS = 10;
const STEADY_PER_SECOND = 50;
const STEADY_SECONDS = 10;
const BURST = 1_000;

const WARM_UP = 50;
const ROUNDS = 4;

interface PhaseResult {
  latencies: number[];
  ordersPerSecond: number;
}

interface RunResult {
  steady: PhaseResult;
  burst: PhaseResult;
}

async function run(relay: RelayProcess, seed: number): Promise<RunResult> {
  // A fresh outlet per run: ours keeps what earlier rounds wrote, and every round must start
  // from an empty day document, as the stock relay (which keeps nothing) does.
  const outlet = `fan${seed}`;
  const workload = await Workload.create({ outlet, terminals: 1, seed, rotateEvery: 50 });
  const now = Date.now();
  const day = workload.businessDay(now);
  const docName = `demo/${outlet}/${day}`;
  const warmUpOrders = Array.from({ length: WARM_UP }, (_, i) => workload.order(0, now - 1_000 + i));
  const steadyOrders = Array.from({ length: STEADY_PER_SECOND * STEADY_SECONDS }, (_, i) => workload.order(0, now + i));
  const burstOrders = Array.from({ length: BURST }, (_, i) => workload.order(0, now + 100_000 + i));

  const terminal = connectPeer(relay.wsUrl, docName, await tokenFor('terminal', 'T1', outlet));
  const kitchens: Peer[] = [];
  for (let k = 0; k < KITCHENS; k++) kitchens.push(connectPeer(relay.wsUrl, docName, await tokenFor('kitchen', `K${k}`, outlet)));
  await Promise.all([terminal, ...kitchens].map(synced));

  const sentAt = new Map<string, number>();
  let latencies: number[] = [];
  let delivered = 0;
  let lastDelivery = 0;
  for (const kitchen of kitchens) {
    kitchen.doc.getMap(DAY.orders).observe((event) => {
      const t = performance.now();
      for (const key of event.keysChanged) {
        const sent = sentAt.get(key);
        if (sent === undefined) continue;
        latencies.push(t - sent);
        delivered++;
        lastDelivery = t;
      }
    });
  }
  const send = (order: (typeof steadyOrders)[number]) => {
    sentAt.set(order.orderId, performance.now());
    Y.applyUpdate(terminal.doc, order.update); // the provider sends it at once, like a POS submit
  };
  const phase = async (orders: typeof steadyOrders, paced: boolean): Promise<PhaseResult> => {
    latencies = [];
    delivered = 0;
    const t0 = performance.now();
    if (paced) {
      for (let i = 0; i < orders.length; i++) {
        const due = t0 + (i * 1000) / STEADY_PER_SECOND;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        send(orders[i]);
      }
    } else {
      for (const order of orders) send(order);
    }
    await until(`${relay.kind}: ${orders.length * KITCHENS} deliveries`, () => delivered >= orders.length * KITCHENS, 120_000);
    return { latencies, ordersPerSecond: orders.length / ((lastDelivery - t0) / 1000) };
  };
  try {
    await phase(warmUpOrders, true); // connections, JIT and the relay's first writes: not measured
    const steady = await phase(steadyOrders, true);
    const burst = await phase(burstOrders, false);
    return { steady, burst };
  } finally {
    for (const peer of [terminal, ...kitchens]) peer.provider.destroy();
  }
}

export async function fanOut(options: { postgresUrl?: string }): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kiosk-bench-fanout-'));
  const configs: { name: string; kind: 'ours' | 'stock'; env?: Record<string, string> }[] = [
    { name: 'stock @y/websocket-server 0.1.1 (no persistence)', kind: 'stock' },
    { name: 'ours, PGlite on disk', kind: 'ours', env: { KIOSK_TEST_DATA_DIR: dataDir } },
  ];
  if (options.postgresUrl) configs.push({ name: 'ours, PostgreSQL', kind: 'ours', env: { KIOSK_TEST_DATABASE_URL: options.postgresUrl } });
  const results = new Map<string, RunResult[]>();
  try {
    // Rounds alternate the relays, so a noisy moment of this shared machine hits all of them.
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, config] of configs.entries()) {
        say(`fan-out round ${round + 1}/${ROUNDS} through ${config.name}`);
        const relay = await startRelay(config.kind, config.env);
        try {
          const result = await run(relay, 100 + round * 10 + i);
          results.set(config.name, [...(results.get(config.name) ?? []), result]);
        } finally {
          await relay.stop();
        }
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  /** All rounds' deliveries pooled; throughput is the median round's. */
  const summary = (runs: RunResult[], phaseName: 'steady' | 'burst') => {
    const latencies = runs.flatMap((r) => r[phaseName].latencies);
    const rates = runs.map((r) => r[phaseName].ordersPerSecond).sort((a, b) => a - b);
    return {
      p50: round(percentile(latencies, 0.5)),
      p99: round(percentile(latencies, 0.99)),
      max: round(Math.max(...latencies)),
      ordersPerSecond: round(rates[Math.floor(rates.length / 2)], 0),
    };
  };
  const stock = results.get(configs[0].name)!;
  for (const config of configs.slice(1)) {
    const ours = results.get(config.name)!;
    const peerName = 'stock @y/websocket-server';
    for (const phaseName of ['steady', 'burst'] as const) {
      const label = phaseName === 'steady' ? `${STEADY_PER_SECOND}/s, ${KITCHENS} kitchens` : `burst ${BURST}, ${KITCHENS} kitchens`;
      const a = summary(ours, phaseName);
      const b = summary(stock, phaseName);
      record({ bench: 'fan-out', metric: `${label}: p50 latency (${config.name})`, value: a.p50, unit: 'ms', peer: b.p50, peerName });
      record({
        bench: 'fan-out',
        metric: `${label}: p99 latency (${config.name})`,
        value: a.p99,
        unit: 'ms',
        peer: b.p99,
        peerName,
        target: phaseName === 'steady' ? 'ratio ≤ 1.0' : undefined,
      });
      record({ bench: 'fan-out', metric: `${label}: max latency (${config.name})`, value: a.max, unit: 'ms', peer: b.max, peerName });
      record({
        bench: 'fan-out',
        metric: `${label}: orders delivered to all kitchens/s (${config.name})`,
        value: a.ordersPerSecond,
        unit: 'orders/s',
        peer: b.ordersPerSecond,
        peerName,
      });
    }
  }
}
