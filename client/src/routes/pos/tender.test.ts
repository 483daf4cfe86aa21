import { describe, expect, it } from 'vitest';
import { balanceDue, changeDue, makeTender, quickCashAmounts } from './tender';

describe('tender', () => {
  it('offers the exact amount and the next round notes', () => {
    expect(quickCashAmounts(37_500)).toEqual([37_500, 38_000, 40_000, 50_000]);
    expect(quickCashAmounts(100_000)).toEqual([100_000]);
    expect(quickCashAmounts(0)).toEqual([]);
  });

  it('splits a bill over cash and card and gives change on cash only', () => {
    const cash = makeTender('cash', 50_000, 73_000)!;
    expect(cash).toEqual({ method: 'cash', amount: 50_000, tendered: 50_000 });
    const card = makeTender('card', 99_000, balanceDue(73_000, [cash]))!;
    expect(card).toEqual({ method: 'card', amount: 23_000 });
    expect(balanceDue(73_000, [cash, card])).toBe(0);
    expect(changeDue([cash, card])).toBe(0);
    const overpaid = makeTender('cash', 100_000, 73_000)!;
    expect(overpaid.amount).toBe(73_000);
    expect(changeDue([overpaid])).toBe(27_000);
  });

  it('refuses empty, fractional and pointless tenders', () => {
    expect(makeTender('cash', 0, 1000)).toBeNull();
    expect(makeTender('card', 10.5, 1000)).toBeNull();
    expect(makeTender('qris', 1000, 0)).toBeNull();
  });
});
