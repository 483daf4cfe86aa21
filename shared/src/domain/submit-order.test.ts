import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { readOrder, readOrders } from '../doc/day-doc';
import { seedDemoOutlet } from '../demo/cafe';
import { addPayment, recall, setStationStatus, voidLine } from './order-events';
import { foldOrder } from './order-fold';
import { auditOrder } from './audit';
import { OrderRejected, submitOrder } from './submit-order';
import { readOutlet } from '../doc/outlet-doc';

// 2026-11-22 10:00 in Jakarta (UTC+7) — outside happy hour.
const MORNING = Date.UTC(2026, 10, 22, 3, 0);
const kopiSusu = {
  itemId: 'es-kopi-susu',
  qty: 2,
  modifiers: [
    { groupId: 'ukuran', optionId: 'regular' },
    { groupId: 'gula', optionId: 'normal' },
  ],
};

async function demo() {
  const outlet = new Y.Doc();
  await seedDemoOutlet(outlet);
  return { outlet, day: new Y.Doc() };
}

describe('submitOrder on the demo café', () => {
  test('2 × Es Kopi Susu 25,000 = 50,000 + service 5% 2,500 + PB1 10% of 52,500 = 5,250 → total 57,750', async () => {
    const { outlet, day } = await demo();
    const { id, provisionalRef } = submitOrder(
      outlet,
      day,
      { deviceId: 'T1', type: 'takeaway', lines: [kopiSusu], payments: [{ method: 'cash', amount: 57750, tendered: 60000 }] },
      { now: MORNING },
    );
    expect(provisionalRef).toBe('A-001');
    const state = foldOrder(readOrder(day, id)!);
    expect(state.totals).toMatchObject({ subtotal: 50000, discount: 0, serviceCharge: 2500, tax: 5250, total: 57750 });
    expect(state).toMatchObject({ businessDay: '2026-11-22', paid: 57750, balanceDue: 0, change: 2250, status: 'paid' });
    expect(auditOrder(readOrder(day, id)!, readOutlet(outlet))).toEqual([]);
  });

  test('provisional references count per device per day: A-001, A-002, B-001', async () => {
    const { outlet, day } = await demo();
    const refs = ['T1', 'T1', 'T2'].map(
      (deviceId, i) => submitOrder(outlet, day, { deviceId, type: 'dine_in', table: '4', lines: [kopiSusu] }, { now: MORNING + i }).provisionalRef,
    );
    expect(refs).toEqual(['A-001', 'A-002', 'B-001']);
    expect(readOrders(day)).toHaveLength(3);
  });

  test.each([
    [{ itemId: 'nope', qty: 1 }, /lines\.0\.itemId: unknown item "nope"/],
    [{ itemId: 'matcha-latte', qty: 1, modifiers: [] }, /not available \(86'd\)/],
    [{ itemId: 'es-kopi-susu', qty: 1, modifiers: [{ groupId: 'ukuran', optionId: 'regular' }] }, /Gula: choose at least 1/],
    [{ itemId: 'es-kopi-susu', qty: -1 }, /lines\.0\.qty/],
    [{ ...kopiSusu, modifiers: [...kopiSusu.modifiers, { groupId: 'pedas', optionId: 'level-1' }] }, /does not belong/],
  ])('rejects %j with a clear error and writes nothing', async (line, message) => {
    const { outlet, day } = await demo();
    expect(() => submitOrder(outlet, day, { deviceId: 'T1', type: 'takeaway', lines: [line] }, { now: MORNING })).toThrow(OrderRejected);
    expect(() => submitOrder(outlet, day, { deviceId: 'T1', type: 'takeaway', lines: [line] }, { now: MORNING })).toThrow(message);
    expect(day.getMap('orders').size).toBe(0);
    expect(day.getMap('deviceSeq').size).toBe(0);
  });

  test('kitchen status moves forward only; a recall moves it back; a void reduces the total', async () => {
    const { outlet, day } = await demo();
    const nasi = { itemId: 'nasi-goreng', qty: 1, modifiers: [{ groupId: 'pedas', optionId: 'level-2' }] };
    const { id } = submitOrder(outlet, day, { deviceId: 'T1', type: 'dine_in', lines: [kopiSusu, nasi] }, { now: MORNING });
    setStationStatus(day, id, { deviceId: 'K2', station: 'bar', status: 'ready' }, { now: MORNING + 60_000 });
    setStationStatus(day, id, { deviceId: 'K2', station: 'bar', status: 'preparing' }, { now: MORNING + 61_000 });
    let state = foldOrder(readOrder(day, id)!);
    expect(state.stations).toEqual({ bar: 'ready', kitchen: 'new' });
    expect(state.kitchenStatus).toBe('new');
    expect(state.stationReadyAt.bar).toBe(MORNING + 60_000);
    recall(day, id, { deviceId: 'K2', station: 'bar', status: 'preparing' }, { now: MORNING + 62_000 });
    state = foldOrder(readOrder(day, id)!);
    expect(state.stations.bar).toBe('preparing');
    expect(state.stationReadyAt.bar).toBeUndefined();
    const nasiLine = state.lines.find((l) => l.itemId === 'nasi-goreng')!;
    voidLine(day, id, { deviceId: 'T1', lineId: nasiLine.id, reason: 'customer changed mind', approvedBy: 'staff-budi' }, { now: MORNING + 70_000 });
    addPayment(day, id, { deviceId: 'T1', method: 'card', amount: 57750 }, { now: MORNING + 80_000 });
    state = foldOrder(readOrder(day, id)!);
    expect(state.netTotal).toBe(57750);
    expect(state.status).toBe('paid');
    expect(state.kitchenStatus).toBe('preparing');
  });

  test('demo staff carry no PIN verifier, and seeding twice changes nothing', async () => {
    const { outlet } = await demo();
    const before = Y.encodeStateVector(outlet);
    await seedDemoOutlet(outlet);
    expect(Y.encodeStateVector(outlet)).toEqual(before);
    expect(
      readOutlet(outlet)
        .staff.map((s) => s.name)
        .sort(),
    ).toEqual(['Budi', 'Sari']);
    expect(JSON.stringify(outlet.getMap('staff').toJSON())).not.toMatch(/pinHash/);
  });
});
