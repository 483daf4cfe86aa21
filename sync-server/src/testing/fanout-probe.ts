import { spawn } from 'node:child_process';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { signToken } from '../auth/tokens';
import { TEST_SECRET } from '../testing';

const which = process.argv[2] ?? 'ours';
const seconds = Number(process.argv[3] ?? 10);
async function startRelay(): Promise<{ url: string; kill: () => void }> {
  const child = which === 'stock'
    ? spawn('node', ['node_modules/@y/websocket-server/src/server.js'], { cwd: '/work/main', env: { ...process.env, PORT: '47123', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn('node', ['--import', 'tsx', 'sync-server/src/testing/relay-process.ts'], { cwd: '/work/main', env: { ...process.env, KIOSK_TEST_DATA_DIR: process.env.DATA_DIR ?? '' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      const s = d.toString();
      if (which === 'stock') { if (s.includes('running')) resolve('ws://127.0.0.1:47123'); }
      else { const m = /"port":(\d+)/.exec(s); if (m) resolve(`ws://127.0.0.1:${m[1]}/sync`); }
    });
  });
  return { url, kill: () => child.kill('SIGTERM') };
}
const relay = await startRelay();
const doc = 'demo/main/2026-11-23';
const mk = async (role: 'terminal' | 'kitchen', id: string) => {
  const token = await signToken(TEST_SECRET, { tenant: 'demo', outlet: 'main', role, deviceId: id });
  const d = new Y.Doc();
  const p = new WebsocketProvider(relay.url, doc, d, { params: { token }, WebSocketPolyfill: WebSocket as any, disableBc: true });
  await new Promise<void>((r) => (p.synced ? r() : p.once('sync', () => r())));
  return { d, p };
};
const terminal = await mk('terminal', 'T1');
const latencies: number[] = [];
const kitchens = await Promise.all(Array.from({ length: 10 }, (_, i) => mk('kitchen', `K${i}`)));
for (const k of kitchens) {
  k.d.getMap('orders').observe((e) => {
    const now = performance.now();
    for (const key of e.keysChanged) {
      const o = k.d.getMap('orders').get(key) as Y.Map<any> | undefined;
      const h = o?.get('header');
      if (h?.sentAt) latencies.push(now - h.sentAt);
    }
  });
}
let n = 0;
const total = seconds * 50;
await new Promise<void>((resolve) => {
  const t = setInterval(() => {
    const id = `o${n++}`;
    terminal.d.transact(() => {
      const o = new Y.Map();
      o.set('header', { id, sentAt: performance.now(), lines: [{ item: 'nasi', qty: 2, price: 25000 }, { item: 'teh', qty: 1, price: 8000 }, { item: 'x', qty: 1, price: 1 }], total: 58001 });
      o.set('events', new Y.Array());
      terminal.d.getMap('orders').set(id, o);
      terminal.d.getMap('deviceSeq').set('T1', n);
    });
    if (n >= total) { clearInterval(t); resolve(); }
  }, 20);
});
await new Promise((r) => setTimeout(r, 500));
latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(2);
console.log(JSON.stringify({ which, received: latencies.length, expected: total * 10, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: q(0.9999) }));
for (const k of [terminal, ...kitchens]) k.p.destroy();
relay.kill();
process.exit(0);
