import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { sql } from 'kysely';
import type { KioskDatabase } from '@kiosk/store';
import { testDatabaseTargets } from '@kiosk/store/testing';
import type { OrderRows } from '../project/rows';
import { writeRows } from './write-rows';

function order(id: string, opts: { day?: string; createdAt?: string; number?: number | null; doc?: string; note?: string; lines?: number } = {}): OrderRows {
  const day = opts.day ?? '2026-11-22';
  const base = { tenant_id: 'demo', order_id: id, outlet_id: 'main', business_day: day };
  const lines = Array.from({ length: opts.lines ?? 2 }, (_, i) => ({
    ...base,
    line_id: `L${i}`,
    position: i,
    item_id: 'kopi',
    name: 'Kopi',
    category_id: 'drinks',
    station: 'bar',
    qty: 1,
    voided_qty: 0,
    unit_price: 20000,
    modifiers_total: 0,
    gross: 20000,
    discount: 0,
    net: 20000,
    status: 'new' as const,
    note: null,
  }));
  return {
    order: {
      tenant_id: 'demo',
      id,
      outlet_id: 'main',
      business_day: day,
      doc_name: opts.doc ?? `demo/main/${day}`,
      number: opts.number ?? null,
      provisional_ref: `A-${id}`,
      device_id: 'T1',
      staff_id: null,
      type: 'takeaway',
      table: null,
      note: opts.note ?? null,
      status: 'paid',
      kitchen_status: 'new',
      currency: 'IDR',
      subtotal: 40000,
      discount: 0,
      service_charge: 0,
      tax: 0,
      rounding: 0,
      total: 40000,
      voided_amount: 0,
      net_total: 40000,
      paid: 40000,
      refunded: 0,
      balance_due: 0,
      change: 0,
      line_count: lines.length,
      item_count: lines.length,
      created_at: opts.createdAt ?? '2026-11-22T03:00:00.000Z',
      updated_at: opts.createdAt ?? '2026-11-22T03:00:00.000Z',
      flags: [],
      trust_flags: [],
      flagged: false,
    },
    docNumber: opts.number ?? null,
    lines,
    modifiers: [{ ...base, line_id: 'L0', position: 0, group_id: 'sugar', option_id: 'less', name: 'Less sugar', price_delta: 0 }],
    payments: [
      {
        ...base,
        id: `P-${id}`,
        method: 'cash',
        amount: 40000,
        tendered: 50000,
        reference: null,
        device_id: 'T1',
        staff_id: null,
        at: '2026-11-22T03:00:01.000Z',
      },
    ],
    kitchenEvents: [],
    voidsRefunds: [],
  };
}

describe.each(testDatabaseTargets())('writeRows on $name', (target) => {
  let store: KioskDatabase;
  beforeAll(async () => {
    store = await target.open();
  });
  afterAll(async () => {
    await store.close();
  });
  beforeEach(async () => {
    await sql`truncate orders, order_lines, order_line_modifiers, payments, kitchen_events, voids_refunds, order_numbers, projector_cursor, projector_errors`.execute(
      store.db,
    );
  });

  test('new orders get gapless numbers by createdAt then id; rows, children and cursor commit together', async () => {
    const result = await writeRows(store.db, {
      orders: [
        order('b', { createdAt: '2026-11-22T03:00:02.000Z' }),
        order('a', { createdAt: '2026-11-22T03:00:02.000Z' }),
        order('c', { createdAt: '2026-11-22T03:00:01.000Z' }),
      ],
      errors: [],
      cursor: { name: 'test', lastId: 42 },
      assignNumbers: true,
    });
    expect(result.assigned.map((r) => [r.id, r.number])).toEqual([
      ['c', 1],
      ['a', 2],
      ['b', 3],
    ]);
    const rows = await store.db.selectFrom('orders').select(['id', 'number', 'total', 'created_at', 'business_day', 'flags']).orderBy('number').execute();
    expect(rows.map((r) => [r.id, r.number, r.total, r.business_day])).toEqual([
      ['c', 1, 40000, '2026-11-22'],
      ['a', 2, 40000, '2026-11-22'],
      ['b', 3, 40000, '2026-11-22'],
    ]);
    expect(rows[0].created_at).toBeInstanceOf(Date);
    expect(rows[0].flags).toEqual([]);
    expect(await store.db.selectFrom('order_lines').select('line_id').execute()).toHaveLength(6);
    expect(await store.db.selectFrom('order_line_modifiers').select('line_id').execute()).toHaveLength(3);
    expect(await store.db.selectFrom('payments').select('id').execute()).toHaveLength(3);
    expect((await store.db.selectFrom('projector_cursor').selectAll().executeTakeFirstOrThrow()).last_id).toBe(42);
  });

  test('replaying is idempotent: numbers kept, child rows replaced, counter not advanced', async () => {
    await writeRows(store.db, { orders: [order('a'), order('b')], errors: [], cursor: null, assignNumbers: true });
    const again = await writeRows(store.db, { orders: [order('b', { lines: 1 }), order('a'), order('c')], errors: [], cursor: null, assignNumbers: true });
    expect(again.assigned.map((r) => [r.id, r.number])).toEqual([['c', 3]]);
    const rows = await store.db.selectFrom('orders').select(['id', 'number']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'a', number: 1 },
      { id: 'b', number: 2 },
      { id: 'c', number: 3 },
    ]);
    const lines = await store.db.selectFrom('order_lines').select(['order_id', 'line_id']).where('order_id', '=', 'b').execute();
    expect(lines).toEqual([{ order_id: 'b', line_id: 'L0' }]);
    expect((await store.db.selectFrom('order_numbers').selectAll().executeTakeFirstOrThrow()).last_number).toBe(3);
  });

  test('numbers carried by documents are kept and new ones continue after the highest', async () => {
    const result = await writeRows(store.db, {
      orders: [order('x', { number: 7 }), order('y'), order('z', { day: '2026-11-23' })],
      errors: [],
      cursor: null,
      assignNumbers: true,
    });
    expect(result.assigned.map((r) => [r.id, r.number])).toEqual([
      ['y', 8],
      ['z', 1],
    ]);
  });

  test('a mirror writes rows but never assigns numbers, and never clears one', async () => {
    await writeRows(store.db, { orders: [order('a')], errors: [], cursor: null, assignNumbers: true });
    const mirror = await writeRows(store.db, { orders: [order('a'), order('b')], errors: [], cursor: null, assignNumbers: false });
    expect(mirror.assigned).toEqual([]);
    const rows = await store.db.selectFrom('orders').select(['id', 'number']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'a', number: 1 },
      { id: 'b', number: null },
    ]);
  });

  test('an order id already owned by another document is recorded as an error, not overwritten', async () => {
    await writeRows(store.db, { orders: [order('a')], errors: [], cursor: null, assignNumbers: true });
    await writeRows(store.db, { orders: [order('a', { doc: 'demo/main/2026-11-23', day: '2026-11-23' })], errors: [], cursor: null, assignNumbers: true });
    const row = await store.db.selectFrom('orders').select(['doc_name', 'number']).executeTakeFirstOrThrow();
    expect(row).toEqual({ doc_name: 'demo/main/2026-11-22', number: 1 });
    const errors = await store.db.selectFrom('projector_errors').select(['order_id', 'error']).execute();
    expect(errors).toHaveLength(1);
    expect(errors[0].error).toMatch(/already belongs to document demo\/main\/2026-11-22/);
    expect(await store.db.selectFrom('order_numbers').select('last_number').execute()).toEqual([{ last_number: 1 }]);
  });

  test('a NUL in free text is stored as U+FFFD instead of failing the batch; errors are recorded once', async () => {
    const error = { tenant_id: 'demo', outlet_id: 'main', doc_name: 'demo/main/2026-11-22', update_id: 9, order_id: null, error: 'bad update' };
    await writeRows(store.db, { orders: [order('a', { note: 'no\u0000te' })], errors: [error], cursor: null, assignNumbers: true });
    await writeRows(store.db, { orders: [], errors: [error], cursor: null, assignNumbers: true });
    expect((await store.db.selectFrom('orders').select('note').executeTakeFirstOrThrow()).note).toBe('no\uFFFDte');
    expect(await store.db.selectFrom('projector_errors').select('update_id').execute()).toEqual([{ update_id: 9 }]);
  });

  test('a failing fence rolls everything back', async () => {
    await expect(
      writeRows(store.db, {
        orders: [order('a')],
        errors: [],
        cursor: { name: 'test', lastId: 5 },
        assignNumbers: true,
        fence: async () => {
          throw new Error('lease lost');
        },
      }),
    ).rejects.toThrow('lease lost');
    expect(await store.db.selectFrom('orders').select('id').execute()).toEqual([]);
    expect(await store.db.selectFrom('projector_cursor').select('name').execute()).toEqual([]);
  });
});
