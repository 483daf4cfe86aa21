/**
 * What every benchmark shares: measurements (one JSON line each, collected for the table and
 * `bench/results/latest.json`), percentiles, relays in their own processes (ours and the stock
 * `@y/websocket-server`), tokens, and process memory from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import type { TokenRole } from '@kiosk/shared';
import { signToken } from '@kiosk/sync-server';
import { TEST_SECRET } from '@kiosk/sync-server/testing';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Measurement {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  /** The same figure for the peer (stock relay, naive inserts, one big document), if any. */
  peer?: number;
  peerName?: string;
  /** ours / peer */
  ratio?: number;
  target?: string;
  note?: string;
}

export const measurements: Measurement[] = [];

export function record(m: Measurement): void {
  const withRatio = m.peer !== undefined && m.peer !== 0 && m.ratio === undefined ? { ...m, ratio: round(m.value / m.peer, 3) } : m;
  measurements.push(withRatio);
  console.log(JSON.stringify(withRatio));
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Nearest-rank percentile of an unsorted sample. */
export function percentile(sample: readonly number[], p: number): number {
  if (sample.length === 0) return Number.NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export function say(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resident set size of a process in bytes, from /proc (Linux). */
export function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return line ? Number(line.replace(/\D+/g, '')) * 1024 : Number.NaN;
}

export interface RelayProcess {
  kind: 'ours' | 'stock';
  /** Base URL for WebsocketProvider (`ws://…/sync` for ours). */
  wsUrl: string;
  /** HTTP base (ours only: /metrics). */
  httpUrl?: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts a relay in its own process, so neither shares an event loop with the clients.
 * Ours: `cli/src/testing/relay-process.ts` (env: KIOSK_TEST_DATA_DIR for PGlite on disk,
 * KIOSK_TEST_DATABASE_URL for PostgreSQL). Stock: `@y/websocket-server` 0.1.1, no persistence.
 */
export async function startRelay(kind: 'ours' | 'stock', env: Record<string, string> = {}, options: { gcOnSignal?: boolean } = {}): Promise<RelayProcess> {
  const port = await freePort();
  // gcOnSignal: SIGUSR2 runs a full GC in the relay (see children/gc-on-signal.cjs); stderr is then piped.
  // KIOSK_BENCH_RELAY_NODE_ARGS: extra node flags for the relay processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const extra = (process.env.KIOSK_BENCH_RELAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const gc = [...extra, ...(options.gcOnSignal ? ['--expose-gc', '--require', path.join(REPO_ROOT, 'bench', 'children', 'gc-on-signal.cjs')] : [])];
  const stdio: ['ignore', 'pipe', 'inherit' | 'pipe'] = ['ignore', 'pipe', options.gcOnSignal ? 'pipe' : 'inherit'];
  const child =
    kind === 'stock'
      ? spawn(process.execPath, [...gc, 'node_modules/@y/websocket-server/src/server.js'], {
          cwd: REPO_ROOT,
          env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
          stdio,
        })
      : spawn(process.execPath, [...gc, '--import', 'tsx', 'cli/src/testing/relay-process.ts'], {
          cwd: REPO_ROOT,
          env: { ...process.env, KIOSK_TEST_PORT: String(port), KIOSK_TEST_DATABASE_URL: '', KIOSK_TEST_DATA_DIR: '', ...env },
          stdio,
        });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.on('exit', (code) => reject(new Error(`${kind} relay exited with ${code} before serving: ${out}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (kind === 'stock' ? /running at/.test(out) : /"port":\d+/.test(out)) resolve();
    });
  });
  child.removeAllListeners('exit');
  return {
    kind,
    wsUrl: kind === 'stock' ? `ws://127.0.0.1:${port}` : `ws://127.0.0.1:${port}/sync`,
    httpUrl: kind === 'ours' ? `http://127.0.0.1:${port}` : undefined,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export type Role = TokenRole;

export function tokenFor(role: Role, deviceId: string, outlet = 'main', tenant = 'demo'): Promise<string> {
  return signToken(TEST_SECRET, { tenant, outlet, role, deviceId });
}

export interface Peer {
  doc: Y.Doc;
  provider: WebsocketProvider;
}

/** A stock y-websocket client (what terminals and kitchen displays run). */
export function connectPeer(wsUrl: string, docName: string, token: string | undefined, doc = new Y.Doc()): Peer {
  const provider = new WebsocketProvider(wsUrl, docName, doc, {
    params: token ? { token } : {},
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  return { doc, provider };
}

export function synced(peer: Peer): Promise<void> {
  return new Promise((resolve) => (peer.provider.synced ? resolve() : peer.provider.once('sync', (s: boolean) => s && resolve())));
}

/** Polls until `check` is true or the deadline passes (then throws, naming what). */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 120_000, intervalMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function kb(bytes: number): number {
  return round(bytes / 1024, 1);
}
