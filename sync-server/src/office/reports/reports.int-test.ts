/**
 * Report, X/Z, cash drawer and audit endpoints over HTTP (real sync-server on port 0) against
 * PGlite and PostgreSQL, on a generated day of 320 orders whose expected figures are computed
 * in TypeScript from the generated orders.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import {
  expectedByHour,
  expectedByItem,
  expectedByPayment,
  expectedKitchen,
  expectedSummary,
  generateDay,
  insertFixtureOrders,
  type FixtureOrder,
} from '../../testing/report-fixtures';
import { dayDocName, generateStaffKeyPair, openDrawer } from '@kiosk/shared';
import { hashPassword } from '../auth/passwords';
import { startApiServer, type ApiServer } from '../../testing/office-fixtures';

const DAY = '2026-11-20';
const NEXT = '2026-11-21';

async function seedTenant(store: KioskDatabase, tenant: string, users: Array<{ id: string; email: string; role: 'owner' | 'manager' }>): Promise<void> {
  await store.db.insertInto('tenants').values({ tenant_id: tenant, name: tenant }).execute();
  await store.db
    .insertInto('outlets')
    .values({ tenant_id: tenant, id: 'main', name: `${tenant} main`, time_zone: 'Asia/Jakarta', currency: 'IDR' })
    .execute();
  for (const u of users) {
    await store.db
      .insertInto('users')
      .values({ id: u.id, tenant_id: tenant, email: u.email, name: u.id, role: u.role, password_hash: await hashPassword('secret-pw') })
      .execute();
    if (u.role === 'manager') await store.db.insertInto('user_outlets').values({ tenant_id: tenant, user_id: u.id, outlet_id: 'main' }).execute();
  }
}

describe.each(testDatabaseTargets())('report endpoints on $name', (target) => {
  let store: KioskDatabase;
  let api: ApiServer;
  let day: FixtureOrder[];
  let next: FixtureOrder[];
  let manager: string;
  let otherOwner: string;
  let terminal: string;

  const login = async (email: string) => {
    const res = await api.call('POST', '/api/auth/login', { body: { email, password: 'secret-pw' } });
    expect(res.status).toBe(200);
    return res.body.accessToken as string;
  };

  beforeAll(async () => {
    store = await target.open();
    await seedTenant(store, 'demo', [{ id: 'm1', email: 'm@demo.test', role: 'manager' }]);
    await seedTenant(store, 'other', [{ id: 'o1', email: 'o@other.test', role: 'owner' }]);
    day = generateDay({ businessDay: DAY, count: 320, seed: 1 });
    next = generateDay({ businessDay: NEXT, count: 30, seed: 2 });
    await insertFixtureOrders(store.db, 'demo', 'main', [...day, ...next]);
    await insertFixtureOrders(store.db, 'other', 'main', generateDay({ businessDay: DAY, count: 25, seed: 3, idPrefix: 'other' }));
    api = await startApiServer({ store, now: () => Date.parse('2026-11-22T05:00:00Z') });
    manager = await login('m@demo.test');
    otherOwner = await login('o@other.test');
    terminal = await api.relay.tokenFor('terminal');
  });

  afterAll(async () => {
    await api?.close();
    await store?.close();
  });

  test('every report as JSON matches the hand-computed figures', async () => {
    const get = (name: string) => api.call('GET', `/api/outlets/main/reports/${name}?from=${DAY}&to=${DAY}`, { token: manager });
    const summary = await get('summary');
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({ report: 'summary', outlet: 'main', from: DAY, to: DAY, currency: 'IDR', timeZone: 'Asia/Jakarta' });
    expect(summary.body.rows).toEqual([expectedSummary(day)]);
    expect((await get('items')).body.rows).toEqual(expectedByItem(day));
    expect((await get('payments')).body.rows).toEqual(expectedByPayment(day));
    expect((await get('hours')).body.rows).toEqual(expectedByHour(day));
    expect((await get('kitchen')).body.rows).toEqual(expectedKitchen(day));
    for (const name of ['days', 'categories', 'devices', 'staff', 'flagged']) {
      const res = await get(name);
      expect(res.status, name).toBe(200);
      expect(res.body.rows.length, name).toBeGreaterThan(0);
    }
    const range = await api.call('GET', `/api/outlets/main/reports/days?from=${DAY}&to=${NEXT}`, { token: manager });
    expect(range.body.rows.map((r: { businessDay: string }) => r.businessDay)).toEqual([DAY, NEXT]);
  });

  test('CSV export: attachment, header row, RFC 4180 quoting', async () => {
    const res = await api.call('GET', `/api/outlets/main/reports/items?from=${DAY}&to=${DAY}&format=csv`, { token: manager });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="main-items-${DAY}-${DAY}.csv"`);
    const lines = res.text.split('\r\n');
    expect(lines[0]).toBe('item_id,name,category_id,qty,voided_qty,gross,discount,net');
    const kopi = expectedByItem(day).find((i) => i.itemId === 'kopi-susu')!;
    expect(lines).toContain(`kopi-susu,"Kopi Susu, ""Gula Aren""",drinks,${kopi.qty},${kopi.voidedQty},${kopi.gross},${kopi.discount},${kopi.net}`);
    const summary = await api.call('GET', `/api/outlets/main/reports/summary?from=${DAY}&to=${DAY}&format=csv`, { token: manager });
    const s = expectedSummary(day);
    expect(summary.text).toBe(
      `orders,cancelled,gross,discounts,voids,service_charge,tax,total,refunds,net,average_ticket,payments\r\n${[s.orders, s.cancelled, s.gross, s.discounts, s.voids, s.serviceCharge, s.tax, s.total, s.refunds, s.net, s.averageTicket, s.payments].join(',')}\r\n`,
    );
  });

  test('orders: list, find by number or provisional reference, detail; another tenant’s order is 404', async () => {
    const all = await api.call('GET', `/api/outlets/main/orders?from=${DAY}&to=${DAY}&limit=1000`, { token: manager });
    expect(all.status).toBe(200);
    expect(all.body.orders).toHaveLength(320);
    const target = day[11];
    const byNumber = await api.call('GET', `/api/outlets/main/orders?from=${DAY}&to=${DAY}&q=%23${target.number}`, { token: manager });
    expect(byNumber.body.orders.map((o: { id: string }) => o.id)).toEqual([target.id]);
    const byRef = await api.call('GET', `/api/outlets/main/orders?from=${DAY}&to=${DAY}&q=${target.provisionalRef.toLowerCase()}`, { token: manager });
    expect(byRef.body.orders.map((o: { id: string }) => o.id)).toEqual([target.id]);
    const detail = await api.call('GET', `/api/outlets/main/orders/${target.id}`, { token: manager });
    expect(detail.status).toBe(200);
    expect(detail.body.order).toMatchObject({
      id: target.id,
      number: target.number,
      subtotal: target.subtotal,
      voidedAmount: target.voidedAmount,
      netTotal: target.netTotal,
    });
    expect(detail.body.order.lines).toHaveLength(target.lines.length);
    expect(detail.body.order.voidsRefunds).toEqual([expect.objectContaining({ kind: 'void_line', approvedBy: 'staff-budi', amount: target.voidedAmount })]);
    expect(detail.body.order.payments.reduce((s: number, p: { amount: number }) => s + p.amount, 0)).toBe(target.netTotal);
    expect((await api.call('GET', '/api/outlets/main/orders/other-o0001', { token: manager })).status).toBe(404);
    expect((await api.call('GET', `/api/outlets/main/orders/${target.id}`, { token: otherOwner })).status).toBe(404);
    expect((await api.call('GET', `/api/outlets/main/orders?from=${DAY}&to=${DAY}&status=lost`, { token: manager })).body.error.field).toBe('status');
  });

  test('bad report input is 400 naming the field; unknown report 404', async () => {
    const cases: Array<[string, string]> = [
      [`from=2026-13-01&to=${DAY}`, 'from'],
      [`from=${DAY}&to=2026-11-19`, 'to'],
      [`from=${DAY}`, 'to'],
      [`from=2025-01-01&to=${DAY}`, 'to'],
      [`from=${DAY}&to=${DAY}&format=xml`, 'format'],
    ];
    for (const [query, field] of cases) {
      const res = await api.call('GET', `/api/outlets/main/reports/summary?${query}`, { token: manager });
      expect(res.status, query).toBe(400);
      expect(res.body.error.field, query).toBe(field);
    }
    const unknown = await api.call('GET', `/api/outlets/main/reports/nope?from=${DAY}&to=${DAY}`, { token: manager });
    expect(unknown.status).toBe(404);
  });

  test('wrong tenant is 404, wrong role is 403, no token is 401', async () => {
    // "other" has an outlet "main" too: its owner sees only its own orders there.
    const own = await api.call('GET', `/api/outlets/main/reports/summary?from=${DAY}&to=${DAY}`, { token: otherOwner });
    expect(own.body.rows[0].orders).toBe(25 - 1);
    const zOther = await api.call('GET', `/api/outlets/main/z-reports/${DAY}`, { token: otherOwner });
    expect(zOther.status).toBe(404);
    expect((await api.call('GET', `/api/outlets/branch/reports/summary?from=${DAY}&to=${DAY}`, { token: manager })).status).toBe(404);
    expect((await api.call('GET', `/api/outlets/main/reports/summary?from=${DAY}&to=${DAY}`, { token: terminal })).status).toBe(403);
    expect((await api.call('POST', '/api/outlets/main/z-reports', { token: terminal, body: { day: DAY } })).status).toBe(403);
    expect((await api.call('GET', `/api/outlets/main/reports/summary?from=${DAY}&to=${DAY}`)).status).toBe(401);
  });

  test('cash drawer, X report, Z close (frozen), late order adjustment on the next Z', async () => {
    const post = (body: unknown) => api.call('POST', '/api/outlets/main/cash-drawer', { token: manager, body });
    expect((await post({ day: DAY, kind: 'float', amount: 500_000 })).status).toBe(201);
    expect((await post({ day: DAY, kind: 'cash_out', amount: 50_000, note: 'ice' })).status).toBe(201);
    const badAmount = await post({ day: DAY, kind: 'cash_in', amount: -1 });
    expect(badAmount.status).toBe(400);
    expect(badAmount.body.error.field).toBe('amount');
    expect((await post({ day: DAY, kind: 'tip', amount: 1 })).body.error.field).toBe('kind');

    // A terminal opened the drawer outside a sale: the day document's event is listed (amount 0).
    // This outlet document has no approval keys, so the report says the approval does not verify.
    const approver = { staffId: 'staff-budi', pair: generateStaffKeyPair() };
    await api.relay.server.relay.transactDoc(dayDocName('demo', 'main', DAY), { deviceId: 'T1' }, (doc) =>
      openDrawer(doc, { deviceId: 'T1', staffId: 'staff-sari', approver }, { now: Date.parse(`${DAY}T03:00:00Z`) }),
    );
    const opened = { kind: 'drawer_open', amount: 0, actor: 'device:T1', approvedBy: 'staff-budi', approvalProblem: 'no approval key for staff-budi' };
    const drawer = await api.call('GET', `/api/outlets/main/cash-drawer?day=${DAY}`, { token: manager });
    expect(drawer.body.events).toEqual(expect.arrayContaining([expect.objectContaining(opened)]));
    expect(drawer.body.events.map((e: { kind: string }) => e.kind).sort()).toEqual(['cash_out', 'drawer_open', 'float']);

    const x = await api.call('GET', `/api/outlets/main/x-report?day=${DAY}`, { token: manager });
    expect(x.status).toBe(200);
    expect(x.body.cashDrawer.events).toEqual(expect.arrayContaining([expect.objectContaining(opened)]));
    expect(x.body.summary).toEqual(expectedSummary(day));
    expect(x.body.closed).toBe(false);
    const cashSales = day
      .filter((o) => !o.cancelled)
      .flatMap((o) => o.payments)
      .filter((p) => p.method === 'cash')
      .reduce((s, p) => s + p.amount, 0);
    expect(x.body.cashDrawer).toMatchObject({ float: 500_000, cashOut: 50_000, cashSales, expected: 500_000 + cashSales - 50_000, counted: null });

    const future = await api.call('POST', '/api/outlets/main/z-reports', { token: manager, body: { day: 'tomorrow' } });
    expect(future.body.error.field).toBe('day');
    const close = await api.call('POST', '/api/outlets/main/z-reports', {
      token: manager,
      body: { day: DAY, countedCash: 500_000 + cashSales - 50_000 + 1_000 },
    });
    expect(close.status, JSON.stringify(close.body)).toBe(201);
    expect(close.body.closedBy).toBe('user:m1');
    expect(close.body.figures.summary).toEqual(expectedSummary(day));
    expect(close.body.figures.cashDrawer).toMatchObject({ counted: 500_000 + cashSales - 50_000 + 1_000, overShort: 1_000 });
    expect(close.body.figures.cashDrawer.events).toEqual(expect.arrayContaining([expect.objectContaining(opened)]));
    const twice = await api.call('POST', '/api/outlets/main/z-reports', { token: manager, body: { day: DAY } });
    expect(twice.status).toBe(409);
    expect(twice.body.error.field).toBe('day');
    expect((await post({ day: DAY, kind: 'cash_in', amount: 1 })).status).toBe(409);
    const frozen = (await api.call('GET', `/api/outlets/main/z-reports/${DAY}`, { token: manager })).body;

    // A late order of the closed day reaches the store.
    const [generated] = generateDay({ businessDay: DAY, count: 1, seed: 42, idPrefix: 'late' });
    // Numbered after the day's orders (a number is unique per outlet-day).
    const late = { ...generated, number: day.length + 1 };
    await insertFixtureOrders(store.db, 'demo', 'main', [late]);
    expect((await api.call('GET', `/api/outlets/main/z-reports/${DAY}`, { token: manager })).body).toEqual(frozen);
    const flagged = await api.call('GET', `/api/outlets/main/reports/flagged?from=${DAY}&to=${DAY}`, { token: manager });
    expect(flagged.body.rows.find((r: { orderId: string }) => r.orderId === late.id)).toMatchObject({ reasons: ['late_after_close'] });
    const xNext = await api.call('GET', `/api/outlets/main/x-report?day=${NEXT}`, { token: manager });
    expect(xNext.body.lateOrders.map((o: { orderId: string }) => o.orderId)).toEqual([late.id]);

    const closeNext = await api.call('POST', '/api/outlets/main/z-reports', { token: manager, body: { day: NEXT } });
    expect(closeNext.status).toBe(201);
    expect(closeNext.body.figures.summary).toEqual(expectedSummary(next));
    expect(closeNext.body.figures.adjustments).toEqual([{ businessDay: DAY, delta: { ...expectedSummary([late]), averageTicket: late.netTotal } }]);
    expect((await api.call('GET', `/api/outlets/main/z-reports/${DAY}`, { token: manager })).body).toEqual(frozen);
    const csv = await api.call('GET', `/api/outlets/main/z-reports/${NEXT}?format=csv`, { token: manager });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe('section,name,value');
    expect(lines).toContain(`summary,total,${expectedSummary(next).total}`);
    expect(lines).toContain(`adjustment,${DAY}.orders,1`);
    expect(lines.some((l) => l.startsWith('late_order,') && l.endsWith(`,${late.netTotal}`))).toBe(true);
    const xCsv = await api.call('GET', `/api/outlets/main/x-report?day=${DAY}&format=csv`, { token: manager });
    expect(xCsv.text).toContain(`summary,orders,${expectedSummary(day).orders + 1}`);
    const list = await api.call('GET', '/api/outlets/main/z-reports', { token: manager });
    expect(list.body.zReports.map((z: { day: string }) => z.day)).toEqual([NEXT, DAY]);

    const audit = await api.call('GET', '/api/outlets/main/audit?action=day', { token: manager });
    expect(audit.body.entries.map((e: { action: string; details: { day: string } }) => [e.action, e.details.day])).toEqual([
      ['day.close', NEXT],
      ['day.close', DAY],
    ]);
  });

  test('audit log: voids and refunds with their approver, sign-ins, cash', async () => {
    const res = await api.call('GET', `/api/outlets/main/audit?from=${DAY}&to=${NEXT}&limit=500`, { token: manager });
    expect(res.status).toBe(200);
    // The fixture days hold the orders' voids, refunds and cancellations.
    const actions = new Set(res.body.entries.map((e: { action: string }) => e.action));
    expect(actions).toEqual(new Set(['order.void', 'order.refund', 'order.cancel']));
    const voids = res.body.entries.filter((e: { action: string }) => e.action === 'order.void');
    expect(voids.map((v: { details: { approvedBy: string } }) => v.details.approvedBy)).toEqual(['staff-budi', 'staff-budi']);
    // Back-office entries are stamped with the real time of the request.
    const all = await api.call('GET', '/api/outlets/main/audit?limit=1000', { token: manager });
    const everything = new Set(all.body.entries.map((e: { action: string }) => e.action));
    for (const action of ['auth.sign_in', 'cash.float', 'cash.cash_out', 'day.close', 'order.void', 'order.refund'])
      expect(everything.has(action), action).toBe(true);
    const signIns = await api.call('GET', '/api/outlets/main/audit?action=auth', { token: manager });
    expect(signIns.body.entries.every((e: { action: string }) => e.action.startsWith('auth.'))).toBe(true);
    expect(
      signIns.body.entries.some((e: { action: string; details: { email: string } }) => e.action === 'auth.sign_in' && e.details.email === 'm@demo.test'),
    ).toBe(true);
    // Another tenant's sign-ins are not in this tenant's log.
    expect(all.body.entries.some((e: { details: { email?: string } }) => e.details.email === 'o@other.test')).toBe(false);
    expect((await api.call('GET', '/api/outlets/main/audit?limit=0', { token: manager })).body.error.field).toBe('limit');
  });
});
