import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { ORDER, submitOrder, readOrder, type OrderRecord } from '@kiosk/shared';
import { seedDemoOutlet } from '@kiosk/shared/demo';
import { OutletHistory } from '../tail/outlet-history';
import { MAX_ORDER_NUMBER, verifyOrderTrust, writerOf } from './trust';

const NOW = Date.UTC(2026, 10, 22, 3, 0);
const kopi = {
  itemId: 'es-kopi-susu',
  qty: 1,
  modifiers: [
    { groupId: 'ukuran', optionId: 'regular' },
    { groupId: 'gula', optionId: 'normal' },
  ],
};

async function setup() {
  const outlet = new Y.Doc();
  await seedDemoOutlet(outlet);
  const history = new OutletHistory();
  history.advance([{ id: 1, update: Y.encodeStateAsUpdate(outlet), createdAt: NOW - 60_000 }]);
  const day = new Y.Doc();
  const { id } = submitOrder(outlet, day, { deviceId: 'T1', staffId: 'staff-sari', type: 'takeaway', lines: [kopi] }, { now: NOW });
  return { outlet, history, day, record: readOrder(day, id)! };
}

const none = { header: null, number: null };
const trusted = new Set(['projector', 'cloud']);

describe('verifyOrderTrust (pure)', () => {
  test('an honest order: no finding, its number (from no device) adopted', async () => {
    const { history, record } = await setup();
    expect(
      verifyOrderTrust({
        record: { ...record, number: 4 },
        writers: { header: { device: 'T1', relayedBy: null }, number: null },
        trustedWriters: trusted,
        history,
      }),
    ).toEqual({
      flags: [],
      number: 4,
    });
  });

  test('numbers: a device’s is ignored, a trusted writer’s adopted, out of range ignored', async () => {
    const { history, record } = await setup();
    const numbered = (n: number): OrderRecord => ({ ...record, number: n });
    const byDevice = verifyOrderTrust({
      record: numbered(2),
      writers: { header: null, number: { device: 'T2', relayedBy: null } },
      trustedWriters: trusted,
      history,
    });
    expect(byDevice.number).toBeNull();
    expect(byDevice.flags).toEqual([expect.objectContaining({ flag: 'number_ignored', claimed: 2, writer: 'T2' })]);
    expect(
      verifyOrderTrust({ record: numbered(2), writers: { header: null, number: { device: 'cloud', relayedBy: null } }, trustedWriters: trusted, history })
        .number,
    ).toBe(2);
    for (const n of [0, -5, MAX_ORDER_NUMBER + 1, 3_000_000_000, 1.5]) {
      const r = verifyOrderTrust({ record: numbered(n), writers: none, trustedWriters: trusted, history });
      expect(r.number).toBeNull();
      expect(r.flags).toEqual([expect.objectContaining({ flag: 'number_ignored', claimed: n })]);
    }
  });

  test('attribution: another writer, or another device’s catch-up, is device_mismatch; a staff id never seen is unknown_staff', async () => {
    const { history, record } = await setup();
    const other = verifyOrderTrust({ record, writers: { header: { device: 'T2', relayedBy: null }, number: null }, trustedWriters: trusted, history });
    expect(other.flags).toEqual([expect.objectContaining({ flag: 'device_mismatch', claimed: 'T1', writer: 'T2' })]);
    const relayed = verifyOrderTrust({ record, writers: { header: { device: 'T1', relayedBy: 'T2' }, number: null }, trustedWriters: trusted, history });
    expect(relayed.flags).toEqual([expect.objectContaining({ flag: 'device_mismatch', writer: 'T2' })]);
    const ghost = { ...record, header: { ...record.header, staffId: 'ghost' as never } };
    expect(verifyOrderTrust({ record: ghost, writers: none, trustedWriters: trusted, history }).flags).toEqual([
      expect.objectContaining({ flag: 'unknown_staff' }),
    ]);
  });

  test('prices: a changed unit price is price_mismatch; a menu version the outlet never had is unknown_menu', async () => {
    const { history, record } = await setup();
    const line = record.header.lines[0];
    const cheap = { ...record, header: { ...record.header, lines: [{ ...line, unitPrice: 1 as never }] } };
    expect(verifyOrderTrust({ record: cheap, writers: none, trustedWriters: trusted, history }).flags).toEqual(
      expect.arrayContaining([expect.objectContaining({ flag: 'price_mismatch', field: 'lines.0.unitPrice', claimed: 1, expected: line.unitPrice })]),
    );
    const unknown = { ...record, header: { ...record.header, menuVersion: 'm1-ffffffffffffffffffffffffffffffff' } };
    expect(verifyOrderTrust({ record: unknown, writers: none, trustedWriters: trusted, history }).flags).toEqual([
      expect.objectContaining({ flag: 'unknown_menu' }),
    ]);
  });

  test('writerOf names the owner of the client that wrote the winning item', async () => {
    const { day, record } = await setup();
    const orderMap = (day.getMap('orders').get(record.header.id) as Y.Map<unknown>)!;
    expect(writerOf(orderMap, ORDER.header, new Map([[day.clientID, { device: 'T1', relayedBy: null }]]))).toEqual({ device: 'T1', relayedBy: null });
    expect(writerOf(orderMap, ORDER.number, new Map())).toBeNull();
  });
});
