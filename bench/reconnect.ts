/**
 * reconnect: 5 terminals each made 200 orders offline (real `submitOrder` + payment, 3 lines)
 * and connect at once (stock y-websocket clients). Measured from the moment they connect:
 *   - the relay has stored all of them (every terminal's state covered by the state vector the
 *     relay sends after each persisted batch, as DocSync reads it);
 *   - a kitchen display already online has all 1,000 orders;
 *   - every order has its daily number (written back by the projector, seen by the kitchen).
 * Ours: `kiosk start`'s parts in one process (relay + projector on PGlite on disk; PostgreSQL
 * too when reachable). Peer: the stock `@y/websocket-server`, which neither stores nor numbers,
 * for the kitchen figure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { DAY, readOrders } from '@kiosk/shared';
import { Workload } from '@kiosk/projector/testing';
import { connectPeer, record, round, say, startRelay, synced, tokenFor, until, type Peer, type RelayProcess } from './lib';

const TERMINALS = 5;
const ORDERS_EACH = 200;
/** 2026-11-22 10:00 in Jakarta: the day the terminals were offline. */
const T0 = Date.parse('2026-11-22T03:00:00Z');

/**
 * A peer that remembers the last state vector the server sent (its stored state, for ours)
 * and tells whether it covers the peer's own writes (as DocSync counts "not yet stored").
 */
function watchStored(peer: Peer): { covers: () => boolean } {
  const own = peer.doc.clientID;
  let stored = new Map<number, number>();
  const original = peer.provider.messageHandlers[0];
  peer.provider.messageHandlers[0] = (encoder, decoder, provider, emitSynced, messageType) => {
    const peek = decoding.clone(decoder);
    if (decoding.readVarUint(peek) === 0) stored = Y.decodeStateVector(decoding.readVarUint8Array(peek));
    original(encoder, decoder, provider, emitSynced, messageType);
  };
  return { covers: () => (stored.get(own) ?? 0) >= Y.getState(peer.doc.store, own) };
}

interface Timings {
  stored?: number;
  kitchen: number;
  numbered?: number;
}

async function run(relay: RelayProcess, numbered: boolean): Promise<Timings> {
  const workload = await Workload.create({ terminals: TERMINALS, seed: 21 });
  const day = workload.businessDay(T0);
  const docName = `demo/main/${day}`;
  // The outlet (menu, devices, settings) is on the server before the terminals went offline.
  const owner = connectPeer(relay.wsUrl, 'demo/main', await tokenFor('owner', 'owner'), workload.outletDoc);
  const ownerStored = watchStored(owner);
  await synced(owner);
  await until('outlet document stored', () => relay.kind === 'stock' || ownerStored.covers(), 30_000);
  owner.provider.destroy();

  for (let i = 0; i < ORDERS_EACH; i++) for (let t = 0; t < TERMINALS; t++) workload.order(t, T0 + (i * TERMINALS + t) * 1_000);
  const kitchen = connectPeer(relay.wsUrl, docName, await tokenFor('kitchen', 'K1'));
  await synced(kitchen);
  const total = TERMINALS * ORDERS_EACH;
  const orders = kitchen.doc.getMap(DAY.orders);

  const t0 = performance.now();
  const terminals: Peer[] = [];
  for (let t = 0; t < TERMINALS; t++)
    terminals.push(connectPeer(relay.wsUrl, docName, await tokenFor('terminal', workload.deviceIds[t]), workload.dayReplica(t, day)));
  const watchers = terminals.map(watchStored);
  const timings: Timings = { kitchen: Number.NaN };
  try {
    await Promise.all([
      until('kitchen has every order', () => orders.size >= total, 120_000, 2).then(() => (timings.kitchen = performance.now() - t0)),
      relay.kind === 'ours'
        ? until('relay stored every order', () => watchers.every((w) => w.covers()), 120_000, 2).then(() => (timings.stored = performance.now() - t0))
        : undefined,
      numbered
        ? until('every order numbered', () => orders.size >= total && readOrders(kitchen.doc).every((o) => typeof o.number === 'number'), 120_000, 20).then(
            () => (timings.numbered = performance.now() - t0),
          )
        : undefined,
    ]);
    if (numbered) {
      const numbers = readOrders(kitchen.doc)
        .map((o) => o.number as number)
        .sort((a, b) => a - b);
      if (numbers.some((n, i) => n !== i + 1)) throw new Error(`reconnect: numbers are not 1..${total}`);
    }
  } finally {
    for (const peer of [kitchen, ...terminals]) peer.provider.destroy();
  }
  return timings;
}

export async function reconnect(options: { postgresUrl?: string }): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kiosk-bench-reconnect-'));
  const total = TERMINALS * ORDERS_EACH;
  try {
    const stockRelay = await startRelay('stock');
    let stock: Timings;
    try {
      stock = await run(stockRelay, false);
    } finally {
      await stockRelay.stop();
    }
    const configs: { name: string; env: Record<string, string> }[] = [
      { name: 'PGlite on disk', env: { KIOSK_TEST_DATA_DIR: dataDir, KIOSK_TEST_PROJECTOR: '1' } },
    ];
    if (options.postgresUrl) configs.push({ name: 'PostgreSQL', env: { KIOSK_TEST_DATABASE_URL: options.postgresUrl, KIOSK_TEST_PROJECTOR: '1' } });
    for (const config of configs) {
      say(`reconnect: ${TERMINALS} terminals × ${ORDERS_EACH} offline orders through ours (${config.name})`);
      const relay = await startRelay('ours', config.env);
      try {
        const ours = await run(relay, true);
        const label = `${TERMINALS} terminals × ${ORDERS_EACH} offline orders`;
        record({ bench: 'reconnect', metric: `${label}: relay stored all (${config.name})`, value: round(ours.stored!), unit: 'ms' });
        record({
          bench: 'reconnect',
          metric: `${label}: kitchen has all (${config.name})`,
          value: round(ours.kitchen),
          unit: 'ms',
          peer: round(stock.kitchen),
          peerName: 'stock @y/websocket-server (stores and numbers nothing)',
        });
        record({
          bench: 'reconnect',
          metric: `${label}: all ${total} numbered 1..${total} (${config.name})`,
          value: round(ours.numbered!),
          unit: 'ms',
          target: '≤ 3,000 ms',
        });
      } finally {
        await relay.stop();
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
