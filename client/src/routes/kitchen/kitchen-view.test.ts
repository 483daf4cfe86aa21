import { describe, expect, it } from 'vitest';
import type { OrderState } from '@kiosk/shared';
import { ageLevel, allDayCounts, doneTickets, openTickets } from './kitchen-view';

function order(
  id: string,
  createdAt: number,
  stations: Record<string, 'new' | 'preparing' | 'ready' | 'served'>,
  lines: Array<[string, string, number, 'new' | 'ready']>,
): OrderState {
  return {
    id,
    createdAt,
    cancelled: false,
    stations,
    stationReadyAt: Object.fromEntries(
      Object.entries(stations)
        .filter(([, s]) => s === 'ready')
        .map(([k]) => [k, createdAt + 60_000]),
    ),
    lines: lines.map(([name, station, qty, status], i) => ({ id: `${id}-${i}`, name, station, qty, voidedQty: 0, status })),
  } as unknown as OrderState;
}

describe('kitchen view', () => {
  const a = order('a', 1000, { kitchen: 'new', bar: 'ready' }, [
    ['Nasi goreng', 'kitchen', 2, 'new'],
    ['Es teh', 'bar', 1, 'ready'],
  ]);
  const b = order('b', 500, { bar: 'new' }, [['Es teh', 'bar', 3, 'new']]);
  const c = order('c', 200, { kitchen: 'ready' }, [['Mie goreng', 'kitchen', 1, 'ready']]);

  it('shows a display only its stations’ open tickets, oldest first', () => {
    expect(openTickets([a, b, c], ['kitchen']).map((o) => o.id)).toEqual(['a']);
    expect(openTickets([a, b, c], ['bar']).map((o) => o.id)).toEqual(['b']);
    expect(openTickets([a, b, c], []).map((o) => o.id)).toEqual(['b', 'a']);
    expect(doneTickets([a, b, c], ['kitchen']).map((o) => o.id)).toEqual(['c']);
  });

  it('counts what is still to make and colours the age', () => {
    expect(allDayCounts(openTickets([a, b, c], []), [])).toEqual([
      { name: 'Es teh', qty: 3 },
      { name: 'Nasi goreng', qty: 2 },
    ]);
    expect([ageLevel(10, 300, 600), ageLevel(300, 300, 600), ageLevel(601, 300, 600)]).toEqual(['ok', 'warn', 'late']);
  });
});
