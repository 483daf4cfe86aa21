/**
 * Relay memory under attack (issue 13), on PGlite and PostgreSQL, against a real relay: a
 * read-only kitchen token flooding made-up presence ids, never-reading sockets on a document
 * receiving a stream, token-less upgrades from one address, and an admission that hangs. Each
 * test prints its heap/RSS figures (`[relay-memory]` lines) for the README.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { CloseCode, encodeAwareness, MessageType } from '@kiosk/shared';
import { eventually } from '@kiosk/shared/testing';
import { sql } from 'kysely';
import { WebsocketProvider } from 'y-websocket';
import type { KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { startTestRelay, type TestRelay } from '../testing/start-test-relay';
import { encodeAwarenessEntries } from './awareness-guard';
import type { RelayCore } from './relay';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const MiB = 1024 * 1024;

function heapMiB(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / MiB;
}
const rssMiB = () => process.memoryUsage().rss / MiB;
const fmt = (n: number) => n.toFixed(1);

interface RawWs {
  ws: WebSocket;
  messages: Uint8Array[];
  closed: Promise<{ code: number; reason: string }>;
}

/** A `ws` client that sends what the stock client never would; resolves once admitted (first message). */
async function rawWs(relay: TestRelay, docName: string, token: string): Promise<RawWs> {
  const ws = new WebSocket(`${relay.wsUrl}/${docName}?token=${encodeURIComponent(token)}`);
  const messages: Uint8Array[] = [];
  ws.on('message', (data: Buffer) => messages.push(new Uint8Array(data)));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  await eventually(() => expect(messages.length).toBeGreaterThan(0));
  return { ws, messages, closed };
}

function send(ws: WebSocket, message: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => ws.send(message, (error) => (error ? reject(error) : resolve())));
}

const awarenessMessage = (entries: Array<{ clientId: number; clock: number; state: unknown }>) =>
  encodeAwareness(
    encodeAwarenessEntries(entries.map((e) => ({ clientId: e.clientId, clock: e.clock, state: new TextEncoder().encode(JSON.stringify(e.state)) }))),
  );

function queryAwareness(): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.queryAwareness);
  return encoding.toUint8Array(e);
}

/** Sends a query and waits for its answer: every message sent before it has been handled. */
async function roundTrip(raw: RawWs): Promise<void> {
  const before = raw.messages.length;
  await send(raw.ws, queryAwareness());
  await eventually(() => expect(raw.messages.length).toBeGreaterThan(before), { timeoutMs: 30_000 });
}

/** A raw TCP upgrade request; resolves with the HTTP status line's code and the socket. */
function rawUpgrade(
  port: number,
  path: string,
  opts: { localAddress?: string; pauseAfterHeaders?: boolean } = {},
): Promise<{ socket: net.Socket; status: number }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: opts.localAddress });
    let head = '';
    socket.once('error', reject);
    socket.on('data', function onData(chunk: Buffer) {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      if (opts.pauseAfterHeaders)
        socket.pause(); // never reads again: the relay's send buffer fills
      else socket.resume();
      resolve({ socket, status: Number(head.slice(9, 12)) });
    });
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

describe.each(testDatabaseTargets())('relay memory on $name', (target) => {
  let store: KioskDatabase;
  let relay: TestRelay;
  let core: RelayCore;
  beforeAll(async () => {
    store = await target.open();
    relay = await startTestRelay({ store, unloadAfterMs: 60_000 });
    core = relay.server.relay as RelayCore;
  });
  afterAll(async () => {
    await relay?.close();
    await store?.close();
  });

  test('a kitchen token flooding 480k made-up presence ids: all dropped, nothing kept after it leaves', async () => {
    const doc = 'demo/aw';
    const terminal = relay.client(doc, await relay.tokenFor('terminal', { outlet: 'aw', deviceId: 'T-aw' }));
    const kitchen = relay.client(doc, await relay.tokenFor('kitchen', { outlet: 'aw', deviceId: 'K-aw' }));
    await Promise.all([terminal.synced(), kitchen.synced()]);
    terminal.provider.awareness.setLocalStateField('user', { name: 'Sari' });
    kitchen.provider.awareness.setLocalStateField('screen', 'kitchen');
    await eventually(() => expect(kitchen.provider.awareness.getStates().get(terminal.doc.clientID)).toEqual({ user: { name: 'Sari' } }));
    await eventually(() => expect(core.memoryStats().awarenessStates).toBe(2));
    const heapBefore = heapMiB();
    const metaBefore = core.memoryStats().awarenessMeta;

    // Two floods, by two attackers one after the other: the second must not leave more behind
    // than the first (what stays after the first is warm-up: compiled code, pools).
    const heapsAfter: number[] = [];
    for (const round of [1, 2]) {
      const droppedBefore = core.memoryStats().awarenessDropped;
      const evil = await rawWs(relay, doc, await relay.tokenFor('kitchen', { outlet: 'aw', deviceId: `K-evil-${round}` }));
      const ownId = 424_242 + round;
      await send(evil.ws, awarenessMessage([{ clientId: ownId, clock: 1, state: { screen: 'evil' } }])); // its first announcement: its own id
      // 480k made-up ids in 8 messages of 60k entries (each under the 1 MiB message limit), then an
      // echo of the terminal's state and an attempt to remove it.
      for (let m = 0; m < 8; m++) {
        const entries = Array.from({ length: 60_000 }, (_, i) => ({ clientId: 1_000_000 + m * 60_000 + i, clock: 1, state: { x: 1 } }));
        await send(evil.ws, awarenessMessage(entries));
      }
      await send(evil.ws, awarenessMessage([{ clientId: terminal.doc.clientID, clock: 99, state: null }]));
      await roundTrip(evil);
      const during = core.memoryStats();
      const heapDuring = heapMiB();
      expect(during.awarenessStates).toBe(3); // terminal, kitchen, the attacker's own id
      expect(during.awarenessMeta).toBe(metaBefore + 1);
      expect(during.awarenessDropped - droppedBefore).toBeGreaterThanOrEqual(480_001);
      expect(evil.ws.readyState).toBe(WebSocket.OPEN); // dropped silently, not a reason to close
      // the honest devices saw none of it, and the terminal's state was not removed
      await eventually(() => expect(terminal.provider.awareness.getStates().has(ownId)).toBe(true));
      expect(terminal.provider.awareness.getStates().size).toBe(3);
      expect(kitchen.provider.awareness.getStates().get(terminal.doc.clientID)).toEqual({ user: { name: 'Sari' } });

      evil.ws.close();
      await evil.closed;
      await eventually(() => expect(core.memoryStats().awarenessStates).toBe(2));
      await eventually(() => expect(terminal.provider.awareness.getStates().has(ownId)).toBe(false)); // the removal was broadcast
      const after = core.memoryStats();
      expect(after.awarenessMeta).toBe(metaBefore); // its meta entry is gone too (that map is what leaked)
      const heapAfter = heapMiB();
      console.log(
        `[relay-memory] ${target.name}: flood ${round} of 480k made-up presence ids: heap ${fmt(heapBefore)} → ${fmt(heapDuring)} (flooding) → ${fmt(heapAfter)} MiB (after it left); ` +
          `states ${during.awarenessStates}, meta ${during.awarenessMeta} → ${after.awarenessMeta}, dropped ${during.awarenessDropped - droppedBefore}`,
      );
      expect(heapDuring - heapBefore).toBeLessThan(16);
      expect(heapAfter - heapBefore).toBeLessThan(16);
      heapsAfter.push(heapAfter);
    }
    expect(heapsAfter[1]! - heapsAfter[0]!).toBeLessThan(2);

    // over a cap → awareness_limit (4429): five fresh ids in the first announcement, a 2 KiB state
    const greedy = await rawWs(relay, doc, await relay.tokenFor('kitchen', { outlet: 'aw', deviceId: 'K-greedy' }));
    await send(greedy.ws, awarenessMessage([1, 2, 3, 4, 5].map((i) => ({ clientId: 7_000 + i, clock: 1, state: {} }))));
    expect(await greedy.closed).toEqual({ code: CloseCode.rateLimited, reason: expect.stringMatching(/^awareness_limit: more than 4 presence ids/) });
    const fat = await rawWs(relay, doc, await relay.tokenFor('kitchen', { outlet: 'aw', deviceId: 'K-fat' }));
    await send(fat.ws, awarenessMessage([{ clientId: 8_000, clock: 1, state: { blob: 'x'.repeat(2048) } }]));
    expect(await fat.closed).toEqual({ code: CloseCode.rateLimited, reason: expect.stringMatching(/^awareness_limit: presence state of \d+ bytes/) });
    expect(core.memoryStats().awarenessStates).toBe(2);
    terminal.destroy();
    kitchen.destroy();
  });

  test('30 never-reading sockets on a document receiving a stream are terminated and their buffers freed; a reading client keeps up', async () => {
    const doc = 'demo/slow';
    const token = await relay.tokenFor('kitchen', { outlet: 'slow', deviceId: 'K-slow' });
    const reader = relay.client(doc, await relay.tokenFor('kitchen', { outlet: 'slow', deviceId: 'K-reader' }));
    await reader.synced();
    const rssBefore = rssMiB();
    const heapBefore = heapMiB();
    const stalled = await Promise.all(
      Array.from({ length: 30 }, () => rawUpgrade(relay.server.port, `/sync/${doc}?token=${encodeURIComponent(token)}`, { pauseAfterHeaders: true })),
    );
    expect(stalled.map((s) => s.status)).toEqual(Array(30).fill(101));
    const started = performance.now();
    await eventually(() => expect(core.stats().connections).toBe(31));
    // A paused socket never sees the relay's FIN, so terminations are observed on the relay's side.
    const terminatedAt: number[] = [];
    const terminatedBefore = core.memoryStats().slowReadersTerminated;

    // The stream: server-side edits of 64 KiB each, ~50 a second, until every stalled socket is gone.
    const shared = await core.getDoc(doc);
    const blob = 'x'.repeat(64 * 1024);
    let edits = 0;
    let peakRss = rssBefore;
    let peakHeap = 0;
    let peakBuffered = 0;
    let peakLagging = 0;
    const deadline = performance.now() + 40_000;
    try {
      while (terminatedAt.length < 30 && performance.now() < deadline) {
        shared.transact(() => shared.getMap<string>('stream').set('blob', `${edits++}:${blob}`));
        const m = core.memoryStats();
        peakBuffered = Math.max(peakBuffered, m.bufferedBytes);
        peakLagging = Math.max(peakLagging, m.laggingReaders);
        peakRss = Math.max(peakRss, rssMiB());
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed / MiB);
        while (terminatedAt.length < m.slowReadersTerminated - terminatedBefore) terminatedAt.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(terminatedAt).toHaveLength(30);
      await eventually(() => expect(core.stats().connections).toBe(1));
      const after = core.memoryStats();
      expect(after.bufferedBytes).toBeLessThan(MiB);
      expect(after.laggingReaders).toBe(0);
      expect(peakLagging).toBeGreaterThan(0);
      // each stalled socket's user-space buffer stops just above the limit (2 MiB + one message)
      expect(peakBuffered).toBeLessThan(30 * (2 * MiB + 128 * 1024));
      // the reading client got every edit (live, or through a catch-up) and was never closed
      await eventually(
        () =>
          expect(
            reader.doc
              .getMap<string>('stream')
              .get('blob')
              ?.startsWith(`${edits - 1}:`),
          ).toBe(true),
        { timeoutMs: 20_000 },
      );
      expect(reader.closes).toEqual([]);
    } finally {
      for (const s of stalled) s.socket.destroy();
    }
    const heapAfter = heapMiB();
    console.log(
      `[relay-memory] ${target.name}: 30 never-reading sockets, ${edits} edits of 64 KiB: RSS ${fmt(rssBefore)} → peak ${fmt(peakRss)} → ${fmt(rssMiB())} MiB; ` +
        `heap ${fmt(heapBefore)} → peak ${fmt(peakHeap)} → ${fmt(heapAfter)} MiB after; peak relay send buffers ${fmt(peakBuffered / MiB)} MiB; ` +
        `terminated ${fmt(terminatedAt[0]! / 1000)}–${fmt(terminatedAt[29]! / 1000)} s after the stream started`,
    );
    expect(terminatedAt[29]).toBeLessThan(30_000);
    reader.destroy();
  });

  test('600 token-less upgrades from one address: 429 beyond 32 pending; an honest client from another address connects', async () => {
    // A long close linger keeps the refused sockets (which never answer the close frame) pending,
    // so the count is exact whatever the machine's speed.
    const gated = await startTestRelay({ store, limits: { closeLingerMs: 60_000 } });
    const gatedCore = gated.server.relay as RelayCore;
    try {
      const results: Array<{ socket: net.Socket; status: number }> = [];
      for (let i = 0; i < 600; i += 50) {
        results.push(...(await Promise.all(Array.from({ length: 50 }, () => rawUpgrade(gated.server.port, '/sync/demo/main')))));
      }
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 101)).toHaveLength(32);
      expect(statuses.filter((s) => s === 429)).toHaveLength(568);
      expect(gatedCore.memoryStats().pendingUpgrades).toBe(32);
      // an honest client from another loopback address is not affected
      class FromOtherAddress extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { localAddress: '127.0.0.2' });
        }
      }
      const honestDoc = new Y.Doc();
      const honest = new WebsocketProvider(gated.wsUrl, 'demo/main/2026-11-30', honestDoc, {
        params: { token: await gated.tokenFor('terminal', { deviceId: 'T-honest' }) },
        WebSocketPolyfill: FromOtherAddress as unknown as typeof globalThis.WebSocket,
        disableBc: true,
      });
      try {
        await eventually(() => expect(honest.synced).toBe(true), { timeoutMs: 20_000 });
      } finally {
        honest.destroy();
        honestDoc.destroy();
      }
      for (const r of results) r.socket.destroy();
      await eventually(() => expect(gatedCore.memoryStats().pendingUpgrades).toBe(0));
      console.log(
        `[relay-memory] ${target.name}: 600 token-less upgrades from one address: ${statuses.filter((s) => s === 101).length} upgraded, ${statuses.filter((s) => s === 429).length} × 429`,
      );
    } finally {
      await gated.close();
    }
  });

  test('an admission that does not finish in time is closed with auth_timeout (1013)', async () => {
    const slow = await startTestRelay({ store, limits: { admissionTimeoutMs: 300 } });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked: () => void = () => {};
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // The revocation lookup waits behind a lock held by this transaction.
    const tx = store.db.transaction().execute(async (trx) => {
      await sql`lock table revoked_tokens in access exclusive mode`.execute(trx);
      locked();
      await held;
    });
    try {
      await isLocked;
      const ws = new WebSocket(`${slow.wsUrl}/demo/main?token=${encodeURIComponent(await slow.tokenFor('terminal', { deviceId: 'T-wait' }))}`);
      const closed = await new Promise<{ code: number; reason: string }>((resolve) =>
        ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
      );
      expect(closed).toEqual({ code: CloseCode.tryAgain, reason: expect.stringMatching(/^auth_timeout: not admitted within 300 ms/) });
    } finally {
      release();
      await tx;
      await slow.close();
    }
  });
});
