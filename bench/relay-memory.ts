/**
 * relay memory: resident memory of the relay process with 1,000 outlets' documents loaded (each
 * outlet: its outlet document with the demo café menu, and today's day document with 20 paid
 * orders), and after every client left and the documents were unloaded. Ours persists every
 * update (to PostgreSQL as in the cloud, and to embedded PGlite on disk as `npm start` and a LAN
 * box run it) and unloads idle documents after a grace period (2 s here); the stock
 * `@y/websocket-server` persists nothing and, without a persistence, never unloads a document.
 * Every sample follows a full GC in the relay (SIGUSR2, children/gc-on-signal.cjs), in both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { Workload } from '@kiosk/projector/testing';
import { connectPeer, record, round, rssBytes, say, startRelay, synced, tokenFor, until, type Peer, type RelayProcess } from './lib';

const OUTLETS = Number(process.env.KIOSK_BENCH_RELAY_OUTLETS ?? 1_000);
const ORDERS_PER_DAY = 20;
const BATCH = 50;
const UNLOAD_AFTER_MS = 2_000;
const T0 = Date.parse('2026-11-22T03:00:00Z');

async function metric(relay: RelayProcess, name: string): Promise<number> {
  const text = await (await fetch(`${relay.httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').at(-1)) : Number.NaN;
}

const mib = (bytes: number) => round(bytes / 2 ** 20, 1);

interface Sample {
  idle: number;
  loaded: number;
  unloaded: number;
  /** V8 heap in use (ours only, from /metrics after the same GC): tells a leak from lazy RSS. */
  heap?: { idle: number; loaded: number; unloaded: number };
}

async function heapUsed(relay: RelayProcess): Promise<number | undefined> {
  return relay.kind === 'ours' ? metric(relay, 'kiosk_nodejs_heap_size_used_bytes') : undefined;
}

/** Full GC in the relay, then its RSS. */
async function rssAfterGc(relay: RelayProcess, collected: () => Promise<void>): Promise<number> {
  const done = collected();
  relay.child.kill('SIGUSR2');
  await done;
  return rssBytes(relay.child.pid!);
}

/** Resolves on each "collected" line of the relay's stderr; forwards everything else. */
function gcWatcher(relay: RelayProcess): () => Promise<void> {
  let waiting: (() => void)[] = [];
  relay.child.stderr!.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (line.includes('gc-on-signal: collected')) {
        for (const resolve of waiting.splice(0)) resolve();
      } else if (line.trim()) process.stderr.write(`${line}\n`);
    }
  });
  return () => new Promise<void>((resolve) => waiting.push(resolve));
}

async function measure(relay: RelayProcess, outletState: Uint8Array, dayState: Uint8Array, day: string): Promise<Sample> {
  const collected = gcWatcher(relay);
  const idle = await rssAfterGc(relay, collected);
  const heapIdle = await heapUsed(relay);
  const peers: Peer[] = [];
  try {
    for (let start = 0; start < OUTLETS; start += BATCH) {
      const batch: Peer[] = [];
      for (let i = start; i < Math.min(OUTLETS, start + BATCH); i++) {
        const outlet = `o${i}`;
        const outletDoc = new Y.Doc();
        Y.applyUpdate(outletDoc, outletState);
        const dayDoc = new Y.Doc();
        Y.applyUpdate(dayDoc, dayState);
        batch.push(connectPeer(relay.wsUrl, `demo/${outlet}`, await tokenFor('owner', `owner-${outlet}`, outlet), outletDoc));
        batch.push(connectPeer(relay.wsUrl, `demo/${outlet}/${day}`, await tokenFor('terminal', 'T1', outlet), dayDoc));
      }
      await Promise.all(batch.map(synced));
      peers.push(...batch);
      if ((start / BATCH) % 5 === 4) say(`relay-memory: ${relay.kind}: ${peers.length / 2} outlets synced`);
    }
    if (relay.kind === 'ours') {
      await until('every document loaded', async () => (await metric(relay, 'kiosk_relay_loaded_docs')) >= OUTLETS * 2, 60_000, 50);
      await until('persist queue drained', async () => (await metric(relay, 'kiosk_relay_persist_queue_updates')) === 0, 60_000, 50);
    }
    const loaded = await rssAfterGc(relay, collected);
    const heapLoaded = await heapUsed(relay);
    for (const peer of peers.splice(0)) peer.provider.destroy();
    if (relay.kind === 'ours') {
      await until('every document unloaded', async () => (await metric(relay, 'kiosk_relay_loaded_docs')) === 0, 60_000, 100);
    } else {
      // Without persistence the stock relay never unloads a document (its utils.js drops one
      // only after writing it to a persistence): a new client still finds the content.
      const probe = connectPeer(relay.wsUrl, `demo/o${OUTLETS - 1}/${day}`, undefined);
      await synced(probe);
      const stillLoaded = probe.doc.getMap('orders').size === ORDERS_PER_DAY;
      probe.provider.destroy();
      if (!stillLoaded) throw new Error('relay-memory: the stock relay was expected to keep its documents loaded');
    }
    const unloaded = await rssAfterGc(relay, collected);
    const heapUnloaded = await heapUsed(relay);
    const heap =
      heapIdle !== undefined && heapLoaded !== undefined && heapUnloaded !== undefined
        ? { idle: heapIdle, loaded: heapLoaded, unloaded: heapUnloaded }
        : undefined;
    return { idle, loaded, unloaded, heap };
  } finally {
    for (const peer of peers) peer.provider.destroy();
  }
}

export async function relayMemory(ctx: { postgresUrl?: string }): Promise<void> {
  const workload = await Workload.create({ terminals: 1, seed: 9 });
  const day = workload.businessDay(T0);
  for (let i = 0; i < ORDERS_PER_DAY; i++) workload.order(0, T0 + i * 60_000);
  const outletState = Y.encodeStateAsUpdate(workload.outletDoc);
  const dayState = Y.encodeStateAsUpdate(workload.dayReplica(0, day));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kiosk-bench-memory-'));
  const configs: Array<{ name: string; kind: 'ours' | 'stock'; env: Record<string, string> }> = [
    { name: 'stock', kind: 'stock', env: {} },
    ...(ctx.postgresUrl
      ? [
          {
            name: 'ours, PostgreSQL',
            kind: 'ours' as const,
            env: { KIOSK_TEST_DATABASE_URL: ctx.postgresUrl, KIOSK_TEST_UNLOAD_AFTER_MS: String(UNLOAD_AFTER_MS), KIOSK_TEST_DEFAULT_METRICS: '1' },
          },
        ]
      : []),
    {
      name: 'ours, PGlite',
      kind: 'ours',
      env: { KIOSK_TEST_DATA_DIR: dataDir, KIOSK_TEST_UNLOAD_AFTER_MS: String(UNLOAD_AFTER_MS), KIOSK_TEST_DEFAULT_METRICS: '1' },
    },
  ];
  const results = new Map<string, Sample>();
  try {
    for (const config of configs) {
      say(`relay-memory: ${OUTLETS} outlets through ${config.name}`);
      const relay = await startRelay(config.kind, config.env, { gcOnSignal: true });
      try {
        results.set(config.name, await measure(relay, outletState, dayState, day));
      } finally {
        await relay.stop();
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const stock = results.get('stock')!;
  const peerName = 'stock @y/websocket-server (persists nothing)';
  const docs = `${OUTLETS} outlets (${OUTLETS * 2} documents, ${Math.round(outletState.byteLength / 1024)} KB + ${Math.round(dayState.byteLength / 1024)} KB each outlet)`;
  for (const [name, ours] of results) {
    if (name === 'stock') continue;
    record({ bench: 'relay-memory', metric: `${name}: RSS idle, before any client`, value: mib(ours.idle), unit: 'MiB', peer: mib(stock.idle), peerName });
    record({ bench: 'relay-memory', metric: `${name}: RSS with ${docs} loaded`, value: mib(ours.loaded), unit: 'MiB', peer: mib(stock.loaded), peerName });
    record({
      bench: 'relay-memory',
      metric: `${name}: RSS growth from loading them`,
      value: mib(ours.loaded - ours.idle),
      unit: 'MiB',
      peer: mib(stock.loaded - stock.idle),
      peerName,
      note: name.includes('PGlite') ? "PGlite's WASM memory moves RSS by ±100 MiB on its own; the heap row is the meaningful one" : undefined,
    });
    record({
      bench: 'relay-memory',
      metric: `${name}: RSS after every client left and the documents were unloaded`,
      value: mib(ours.unloaded),
      unit: 'MiB',
      peer: mib(stock.unloaded),
      peerName,
      note: 'the stock relay keeps every document loaded; V8 gives freed heap back to the OS lazily, so RSS after unload is an upper bound',
    });
    if (ours.heap) {
      record({
        bench: 'relay-memory',
        metric: `${name}: V8 heap in use idle / loaded / unloaded`,
        value: mib(ours.heap.unloaded),
        unit: 'MiB',
        note: `${mib(ours.heap.idle)} → ${mib(ours.heap.loaded)} → ${mib(ours.heap.unloaded)} MiB: what unloading gives back, whatever RSS keeps`,
      });
    }
  }
}
