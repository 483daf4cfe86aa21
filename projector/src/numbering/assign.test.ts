import { describe, expect, test } from 'vitest';
import type { OrderRow } from '../project/rows';
import { groupForNumbering } from './assign';

const row = (id: string, createdAt: string, day = '2026-11-22', number: number | null = null, outlet = 'main'): OrderRow =>
  ({ tenant_id: 'demo', outlet_id: outlet, business_day: day, id, created_at: createdAt, number }) as OrderRow;

describe('groupForNumbering', () => {
  test('orders without a number are grouped per outlet-day, by createdAt then id', () => {
    const groups = groupForNumbering([
      row('b', '2026-11-22T10:00:01.000Z'),
      row('a', '2026-11-22T10:00:01.000Z'),
      row('c', '2026-11-22T09:59:00.000Z'),
      row('d', '2026-11-22T08:00:00.000Z', '2026-11-21'),
      row('e', '2026-11-22T08:00:00.000Z', '2026-11-22', 4),
      row('f', '2026-11-22T08:00:00.000Z', '2026-11-22', null, 'bar'),
    ]);
    expect(groups.map((g) => [g.outlet_id, g.business_day, g.orders.map((o) => o.id)])).toEqual([
      ['main', '2026-11-22', ['c', 'a', 'b']],
      ['main', '2026-11-21', ['d']],
      ['bar', '2026-11-22', ['f']],
    ]);
  });

  test('nothing to number gives no group', () => {
    expect(groupForNumbering([row('a', '2026-11-22T10:00:00.000Z', '2026-11-22', 1)])).toEqual([]);
  });
});
