import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { encodeSyncStep1, parseDocName } from '@kiosk/shared';
import { createRelayMetrics } from '../metrics/metrics';
import type { Batch, QueuedUpdate } from './persist-queue';
import { SharedDoc, type DocPeer } from './shared-doc';
import { StoredAck, type Schedule } from './stored-ack';

const DOC = 'demo/main/2026-11-02';
const INTERVAL = 100;

interface FakePeer extends DocPeer {
  sent: Uint8Array[];
}

/** A stored-ack instance on a fake clock and a fake scheduler, with one loaded document. */
function setup() {
  let now = 1_000;
  const tasks: Array<{ at: number; fn: () => void; cancelled: boolean }> = [];
  const schedule: Schedule = (fn, ms) => {
    const task = { at: now + ms, fn, cancelled: false };
    tasks.push(task);
    return { cancel: () => void (task.cancelled = true) };
  };
  const shared = new SharedDoc(parseDocName(DOC), new Y.Doc(), new Map(), 0);
  const docs = new Map([[DOC, shared]]);
  const metrics = createRelayMetrics(
    { connections: () => 0, loadedDocs: () => 0, queuedUpdates: () => 0, upstreamLinks: () => ({ connected: 0, total: 0 }) },
    { defaultMetrics: false },
  );
  const acks = new StoredAck({ docs, metrics, ackIntervalMs: INTERVAL, now: () => now, schedule });
  let seq = 0;
  const peer = (deviceId: string): FakePeer => {
    const p: FakePeer = {
      deviceId,
      mode: 'write',
      lastWriteSeq: 0,
      ackedSeq: 0,
      lastAckAt: 0,
      sent: [],
      send: (m) => void p.sent.push(m),
      sendUpdate: (m) => void p.sent.push(m),
    };
    shared.peers.set(p, new Set());
    return p;
  };
  /** What the relay does for a device's update: applied, queued (unpersisted), recorded as the peer's latest write. */
  const write = (p: FakePeer): QueuedUpdate => {
    let update: Uint8Array = new Uint8Array();
    shared.doc.once('update', (u: Uint8Array) => (update = u));
    shared.doc.getMap('orders').set(`o${seq}`, p.deviceId);
    shared.unpersisted++;
    p.lastWriteSeq = ++seq;
    return { docName: DOC, update, deviceId: p.deviceId, origin: 'relay:test', seq };
  };
  /** One group commit: cut, then written. */
  const commit = (updates: QueuedUpdate[]) => {
    const batch: Batch = { updates, claims: [] };
    const context = acks.onCut(batch);
    acks.onPersisted(batch, context, 0.001);
    return context;
  };
  const advance = (ms: number) => {
    now += ms;
    for (const task of tasks.splice(0)) {
      if (task.cancelled) continue;
      if (task.at <= now) task.fn();
      else tasks.push(task);
    }
  };
  const ackCount = async () => (await metrics.acks.get()).values[0]?.value ?? 0;
  return { shared, peer, write, commit, advance, tasks, ackCount, at: () => now };
}

const stateVectorMessage = (doc: Y.Doc) => encodeSyncStep1(Y.encodeStateVector(doc));

describe('stored acknowledgement', () => {
  test('a connection whose write is stored gets the stored state vector; one that wrote nothing gets none', async () => {
    const { shared, peer, write, commit, ackCount } = setup();
    const writer = peer('T1');
    const reader = peer('K1');
    commit([write(writer)]);
    expect(writer.sent).toEqual([stateVectorMessage(shared.doc)]);
    expect(writer.ackedSeq).toBe(1);
    expect(reader.sent).toEqual([]);
    expect(shared.unpersisted).toBe(0);
    expect(shared.rowsWritten).toBe(1);
    expect(shared.storedStateVector).toEqual(Y.encodeStateVector(shared.doc));
    expect(await ackCount()).toBe(1);
  });

  test('at most one per interval per connection; the trailing one carries the latest stored state and is never dropped', () => {
    const { shared, peer, write, commit, advance, tasks } = setup();
    const writer = peer('T1');
    commit([write(writer)]);
    expect(writer.sent).toHaveLength(1);
    advance(30);
    commit([write(writer)]);
    advance(20);
    commit([write(writer)]);
    expect(writer.sent, 'inside the interval: none').toHaveLength(1);
    expect(
      tasks.filter((t) => !t.cancelled),
      'one trailing round, not one per commit',
    ).toHaveLength(1);
    advance(49);
    expect(writer.sent).toHaveLength(1);
    advance(1); // 100 ms after the first acknowledgement
    expect(writer.sent).toHaveLength(2);
    expect(writer.sent[1]).toEqual(stateVectorMessage(shared.doc));
    expect(writer.ackedSeq).toBe(3);
    advance(1_000);
    expect(writer.sent, 'nothing new to acknowledge').toHaveLength(2);
  });

  test('the interval is per connection: another writer is acknowledged at once', () => {
    const { peer, write, commit, advance } = setup();
    const a = peer('T1');
    const b = peer('T2');
    commit([write(a)]);
    advance(10);
    commit([write(b)]);
    expect(a.sent).toHaveLength(1);
    expect(b.sent).toHaveLength(1);
  });

  test('a batch that does not hold every pending update of the document gives no state vector', () => {
    const { shared, peer, write, commit } = setup();
    const writer = peer('T1');
    const first = write(writer);
    const stateAfterFirst = Y.encodeStateVector(shared.doc);
    const second = write(writer);
    const before = shared.storedStateVector;
    const context = commit([first]);
    expect(context.stateVectors.size).toBe(0);
    expect(shared.storedStateVector).toBe(before);
    expect(writer.sent).toEqual([]);
    expect(shared.unpersisted).toBe(1);
    commit([second]);
    expect(writer.sent).toEqual([stateVectorMessage(shared.doc)]);
    expect(stateAfterFirst).not.toEqual(Y.encodeStateVector(shared.doc));
  });
});
