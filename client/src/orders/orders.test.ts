import { describe, expect, it } from 'vitest';
import { matchesOrderQuery, orderLabel } from './orders';

describe('order search', () => {
  const numbered = { number: 12, provisionalRef: 'B-017' };
  const pending = { number: null, provisionalRef: 'A-003' };

  it('finds an order by daily number or provisional reference, however typed', () => {
    for (const q of ['12', '#12', 'B-017', 'b-17', 'B17', 'b-0', '']) expect(matchesOrderQuery(numbered, q), q).toBe(true);
    for (const q of ['13', '#1', 'A-017', 'B-18']) expect(matchesOrderQuery(numbered, q), q).toBe(false);
    expect(matchesOrderQuery(pending, '3')).toBe(false);
    expect(matchesOrderQuery(pending, 'a3')).toBe(true);
  });

  it('labels an order by number once known, the provisional reference until then', () => {
    expect(orderLabel(numbered)).toBe('#12 · B-017');
    expect(orderLabel(pending)).toBe('A-003');
  });
});
