/**
 * write-rules: what the relay's day-document write rules cost per update, side by side with
 * applying the update without them (the peer: the relay before the rules, and the stock relay).
 *
 * A terminal rings up 500 orders (3 lines, paid) into one business day; each order is one live
 * update, as the relay receives it. Both relay copies apply every update; ours checks each one
 * first (`checkDayUpdate`). Median of several runs, per update, in microseconds. The updates
 * arrive into a document that grows to the full day, so late updates are checked against 500
 * orders — the worst case of a day.
 */
import * as Y from 'yjs';
import { addPayment, checkDayUpdate, submitOrder, type DayWriteContext } from '@kiosk/shared';
import { seedDemoOutlet } from '@kiosk/shared/demo';
import { percentile, record, round, say } from './lib';

const ORDERS = 500;
const RUNS = 7;
const NOW = Date.UTC(2026, 10, 22, 3, 0);
const lines = [
  {
    itemId: 'es-kopi-susu',
    qty: 2,
    modifiers: [
      { groupId: 'ukuran', optionId: 'regular' },
      { groupId: 'gula', optionId: 'normal' },
    ],
  },
  { itemId: 'nasi-goreng', qty: 1, modifiers: [{ groupId: 'pedas', optionId: 'level-2' }] },
  {
    itemId: 'teh-tarik',
    qty: 1,
    modifiers: [
      { groupId: 'ukuran', optionId: 'regular' },
      { groupId: 'gula', optionId: 'normal' },
    ],
  },
];

async function dayUpdates(): Promise<Uint8Array[]> {
  const outlet = new Y.Doc();
  await seedDemoOutlet(outlet);
  const day = new Y.Doc();
  const updates: Uint8Array[] = [];
  day.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < ORDERS; i++) {
    const { id } = submitOrder(outlet, day, { deviceId: 'T1', staffId: 'staff-sari', type: 'takeaway', lines }, { now: NOW + i });
    addPayment(day, id, { deviceId: 'T1', method: 'cash', amount: 100_000 }, { now: NOW + i });
  }
  return updates;
}

function run(updates: readonly Uint8Array[], check: boolean): number {
  const relayDoc = new Y.Doc();
  const owners = new Map<number, string>();
  const ctx: DayWriteContext = {
    day: '2026-11-22',
    senderDeviceId: 'T1',
    senderRole: 'terminal',
    live: true,
    trusted: false,
    ownerOf: (c) => owners.get(c),
    staffIds: new Set(['staff-sari', 'staff-budi']),
    deviceIds: new Set(['T1', 'T2', 'K1', 'K2']),
  };
  const started = performance.now();
  for (const update of updates) {
    if (check) for (const [client, device] of checkDayUpdate(relayDoc, update, ctx).claims) owners.set(client, device);
    Y.applyUpdate(relayDoc, update);
  }
  return ((performance.now() - started) * 1000) / updates.length;
}

export async function writeRules(): Promise<void> {
  const updates = await dayUpdates();
  say(`write-rules: ${updates.length} updates of ${ORDERS} orders`);
  run(updates, true); // warm-up
  run(updates, false);
  const ours: number[] = [];
  const peer: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push(run(updates, true));
    peer.push(run(updates, false));
  }
  const value = round(percentile(ours, 50), 1);
  const without = round(percentile(peer, 50), 1);
  record({
    bench: 'write-rules',
    metric: `check + apply one live update into a day document growing to ${ORDERS} orders (median of ${RUNS})`,
    value,
    unit: 'µs/update',
    peer: without,
    peerName: 'apply without the write rules',
    note: `the rules add ${round(value - without, 1)} µs per update`,
  });
}
