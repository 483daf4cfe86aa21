/**
 * The whole path of a late order: a terminal paired through the API sells over the real
 * relay, the real projector writes the rows, a manager closes the day (Z); then a terminal
 * that was offline delivers an order of that closed day. The closed report does not move,
 * the order is flagged late, and the next Z report carries it as an adjustment.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { businessDayOf, dayDocName, outletDocName, readOutlet, submitOrder, type OutletSnapshot } from '@kiosk/shared';
import { eventually } from '@kiosk/shared/testing';
import { startProjector, type Projector } from '@kiosk/projector';
import type { KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import { seedDemo } from '@kiosk/cli';
import { startApiServer, type ApiServer } from '@kiosk/sync-server/testing';

const DAY_MS = 24 * 3600 * 1000;

describe.each(testDatabaseTargets())('day close with a late offline order on $name', (target) => {
  let store: KioskDatabase;
  let api: ApiServer;
  let projector: Projector;
  let manager: string;
  let outlet: OutletSnapshot;
  // Noon in Jakarta today: every order below falls well inside one business day.
  let clock = new Date().setUTCHours(5, 0, 0, 0);

  beforeAll(async () => {
    store = await target.open();
    await seedDemo(store);
    api = await startApiServer({ store, now: () => clock });
    projector = await startProjector({ store, pollMs: 100 });
    const login = await api.call('POST', '/api/auth/login', { body: { email: 'manager@demo.kiosk', password: 'demo1234' } });
    manager = login.body.accessToken;
    outlet = readOutlet(await api.relay.server.relay.getDoc(outletDocName('demo', 'main')));
  });

  afterAll(async () => {
    await projector?.close();
    await api?.close();
    await store?.close();
  });

  async function pairTerminal(name: string) {
    const code = await api.call('POST', '/api/outlets/main/pairing-codes', { token: manager });
    const paired = await api.call('POST', '/api/pair', { body: { code: code.body.code, name, kind: 'terminal' } });
    expect(paired.status).toBe(201);
    return paired.body as { token: string; deviceId: string; code: string };
  }

  /** Sells `count` orders on a connected terminal; returns their totals. */
  async function sell(terminal: { token: string; deviceId: string }, day: string, count: number, at: number): Promise<number[]> {
    const outletClient = api.relay.client(outletDocName('demo', 'main'), terminal.token);
    const dayClient = api.relay.client(dayDocName('demo', 'main', day), terminal.token);
    await Promise.all([outletClient.synced(), dayClient.synced()]);
    await eventually(() => expect(readOutlet(outletClient.doc).devices.some((d) => d.id === terminal.deviceId)).toBe(true));
    const item = outlet.items.find((i) => i.available && i.modifierGroupIds.length === 0)!;
    const totals: number[] = [];
    for (let i = 0; i < count; i++) {
      const { id } = submitOrder(
        outletClient.doc,
        dayClient.doc,
        { deviceId: terminal.deviceId, type: 'takeaway', lines: [{ itemId: item.id, qty: 1 + (i % 3) }] },
        { now: at + i * 60_000 },
      );
      const header = (dayClient.doc.getMap('orders').get(id) as Y.Map<unknown>).get('header') as { totals: { total: number } };
      totals.push(header.totals.total);
    }
    return totals;
  }

  test('Z figures stay frozen; the late order is flagged and adjusted on the next Z', async () => {
    const settings = outlet.settings!;
    const day = businessDayOf(clock, settings);
    const till = await pairTerminal('Till 1');
    const sold = await sell(till, day, 5, clock - 30 * 60_000);
    const summary = () => api.call('GET', `/api/outlets/main/reports/summary?from=${day}&to=${day}`, { token: manager });
    await eventually(async () => expect((await summary()).body.rows[0]).toMatchObject({ orders: 5, total: sold.reduce((s, t) => s + t, 0) }), {
      timeoutMs: 20_000,
    });

    // Without ?day the X report and the cash drawer are today's business day, in the outlet's zone.
    const running = await api.call('GET', '/api/outlets/main/x-report', { token: manager });
    expect(running.body).toMatchObject({ day, closed: false, summary: { orders: 5 } });
    expect((await api.call('POST', '/api/outlets/main/cash-drawer', { token: manager, body: { day, kind: 'float', amount: 200_000 } })).status).toBe(201);
    const drawer = await api.call('GET', '/api/outlets/main/cash-drawer', { token: manager });
    expect(drawer.body).toMatchObject({ day, float: 200_000, counted: null });
    const tomorrow = await api.call('POST', '/api/outlets/main/z-reports', { token: manager, body: { day: businessDayOf(clock + DAY_MS, settings) } });
    expect(tomorrow.status).toBe(400);
    expect(tomorrow.body.error.field).toBe('day');
    const closed = await api.call('POST', '/api/outlets/main/z-reports', { token: manager, body: { day } });
    expect(closed.status, JSON.stringify(closed.body)).toBe(201);
    expect(closed.body.figures.summary.orders).toBe(5);
    const frozen = (await api.call('GET', `/api/outlets/main/z-reports/${day}`, { token: manager })).body;

    // A second terminal rang up an order of that day while offline, and only now reconnects.
    const offlineTill = await pairTerminal('Till 2');
    const offlineDay = new Y.Doc();
    const outletCopy = api.relay.client(outletDocName('demo', 'main'), offlineTill.token);
    await outletCopy.synced();
    await eventually(() => expect(readOutlet(outletCopy.doc).devices.some((d) => d.id === offlineTill.deviceId)).toBe(true));
    const item = outlet.items.find((i) => i.available && i.modifierGroupIds.length === 0)!;
    const late = submitOrder(
      outletCopy.doc,
      offlineDay,
      { deviceId: offlineTill.deviceId, type: 'dine_in', lines: [{ itemId: item.id, qty: 2 }] },
      { now: clock - 10 * 60_000 },
    );
    const lateTotal = ((offlineDay.getMap('orders').get(late.id) as Y.Map<unknown>).get('header') as { totals: { total: number } }).totals.total;
    const reconnect = api.relay.client(dayDocName('demo', 'main', day), offlineTill.token, { doc: offlineDay });
    await reconnect.synced();

    const flagged = () => api.call('GET', `/api/outlets/main/reports/flagged?from=${day}&to=${day}`, { token: manager });
    await eventually(
      async () => expect((await flagged()).body.rows.find((r: { orderId: string }) => r.orderId === late.id)?.reasons).toEqual(['late_after_close']),
      { timeoutMs: 20_000 },
    );
    expect((await api.call('GET', `/api/outlets/main/z-reports/${day}`, { token: manager })).body).toEqual(frozen);
    // The live figures of the day include it; the closed ones do not.
    expect((await summary()).body.rows[0].orders).toBe(6);

    clock += DAY_MS;
    const nextDay = businessDayOf(clock, settings);
    // A day later the manager signs in again (access tokens last 15 minutes).
    manager = (await api.call('POST', '/api/auth/login', { body: { email: 'manager@demo.kiosk', password: 'demo1234' } })).body.accessToken;
    const x = await api.call('GET', `/api/outlets/main/x-report?day=${nextDay}`, { token: manager });
    expect(x.status, JSON.stringify(x.body)).toBe(200);
    expect(x.body.lateOrders.map((o: { orderId: string }) => o.orderId)).toEqual([late.id]);
    const closeNext = await api.call('POST', '/api/outlets/main/z-reports', { token: manager, body: { day: nextDay } });
    expect(closeNext.status, JSON.stringify(closeNext.body)).toBe(201);
    expect(closeNext.body.figures.adjustments).toEqual([
      expect.objectContaining({ businessDay: day, delta: expect.objectContaining({ orders: 1, total: lateTotal }) }),
    ]);
    expect(closeNext.body.figures.lateOrders).toEqual([expect.objectContaining({ orderId: late.id, businessDay: day, total: lateTotal })]);
    expect((await api.call('GET', `/api/outlets/main/z-reports/${day}`, { token: manager })).body).toEqual(frozen);
  });
});
