/**
 * A quick fan-out probe (not the benchmark; `npm run bench` is): one terminal writes an order
 * (a Y.Map with a header and an events array, plus its device sequence) every 20 ms, ten
 * kitchen displays observe the orders map; prints the delivery latency percentiles. The relay
 * runs in its own process, like the stock server it is compared with.
 *
 *   node --import tsx bench/children/fanout-probe.ts stock 15
 *   node --import tsx bench/children/fanout-probe.ts ours 15    # PGlite in memory
 *   DATA_DIR=/tmp/x node --import tsx … ours 15                            # PGlite on disk
 *   KIOSK_TEST_DATABASE_URL=postgres://… node --import tsx … ours 15      # PostgreSQL
 *   RELAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" …                 # profile the relay
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { signToken } from '@kiosk/sync-server';
import { TEST_SECRET } from '@kiosk/sync-server/testing';
import { testOrderHeader } from '@kiosk/shared/testing';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const which = process.argv[2] === 'stock' ? 'stock' : 'ours';
const seconds = Number(process.argv[3] ?? 10);
const readers = Number(process.argv[4] ?? 10);
const ordersPerSecond = 50;

/** The stock server prints the port it was given, so give it a free one. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** CPU time (user + system) of a process so far, from /proc (Linux); -1 elsewhere. */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks, USER_HZ = 100
  } catch {
    return -1;
  }
}

async function startRelay(): Promise<{ url: string; kill: () => void; cpuMs: () => number }> {
  const stockPort = await freePort();
  const child =
    which === 'stock'
      ? spawn(process.execPath, ['node_modules/@y/websocket-server/src/server.js'], {
          cwd: REPO,
          env: { ...process.env, PORT: String(stockPort), HOST: '127.0.0.1' },
          stdio: ['ignore', 'pipe', 'inherit'],
        })
      : spawn(process.execPath, [...(process.env.RELAY_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', 'cli/src/testing/relay-process.ts'], {
          cwd: REPO,
          env: { ...process.env, KIOSK_TEST_DATA_DIR: process.env.DATA_DIR ?? '' },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
  const url = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const stock = /running at '[^']*' on port (\d+)/.exec(out);
      const ours = /"port":(\d+)/.exec(out);
      if (which === 'stock' && stock) resolve(`ws://127.0.0.1:${stock[1]}`);
      if (which === 'ours' && ours) resolve(`ws://127.0.0.1:${ours[1]}/sync`);
    });
  });
  return { url, kill: () => child.kill('SIGTERM'), cpuMs: () => cpuMs(child.pid!) };
}

const relay = await startRelay();
const docName = 'demo/main/2026-11-23';
async function connect(role: 'terminal' | 'kitchen', deviceId: string): Promise<{ doc: Y.Doc; provider: WebsocketProvider }> {
  const token = await signToken(TEST_SECRET, { tenant: 'demo', outlet: 'main', role, deviceId });
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(relay.url, docName, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  await new Promise<void>((resolve) => (provider.synced ? resolve() : provider.once('sync', () => resolve())));
  return { doc, provider };
}

const terminal = await connect('terminal', 'T1');
const latencies: number[] = [];
const kitchens = await Promise.all(Array.from({ length: readers }, (_, i) => connect('kitchen', `K${i}`)));
for (const k of kitchens) {
  const orders = k.doc.getMap<Y.Map<unknown>>('orders');
  orders.observe((event) => {
    const now = performance.now();
    for (const key of event.keysChanged) {
      const header = orders.get(key)?.get('header') as { sentAt?: number } | undefined;
      if (header?.sentAt) latencies.push(now - header.sentAt);
    }
  });
}
const total = seconds * ordersPerSecond;
const cpuBefore = relay.cpuMs();
let n = 0;
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    const id = `o${n++}`;
    terminal.doc.transact(() => {
      const order = new Y.Map<unknown>();
      // A schema-valid order (the relay's write rules check it) carrying the send time.
      order.set('header', { ...testOrderHeader(docName, { id, deviceId: 'T1', total: 61_000, deviceSeq: n }), sentAt: performance.now() });
      order.set('events', new Y.Array());
      terminal.doc.getMap('orders').set(id, order);
      terminal.doc.getMap('deviceSeq').set('T1', n);
    });
    if (n >= total) {
      clearInterval(timer);
      resolve();
    }
  }, 1000 / ordersPerSecond);
});
const deadline = Date.now() + 5_000;
while (latencies.length < total * readers && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
const relayCpuMs = relay.cpuMs() - cpuBefore;
latencies.sort((a, b) => a - b);
const q = (p: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(2));
console.log(
  JSON.stringify({
    relay: which,
    store: which === 'stock' ? 'none' : process.env.DATA_DIR ? 'pglite-disk' : process.env.KIOSK_TEST_DATABASE_URL ? 'postgres' : 'pglite-memory',
    received: latencies.length,
    expected: total * readers,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    max: q(1),
    relayCpuMs,
  }),
);
for (const c of [terminal, ...kitchens]) c.provider.destroy();
relay.kill();
process.exit(0);
