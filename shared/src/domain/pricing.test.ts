import { describe, expect, test } from 'vitest';
import type { Minor } from '../protocol/ids';
import type { Promotion, Tax } from '../protocol/schemas';
import { allocate, applyRate, formatMoney, includedTax, parseMajor } from './money';
import { cashChange, price, type PricedLineInput, type PricingSettings } from './pricing';

const m = (n: number) => n as Minor;
const line = (id: string, itemId: string, categoryId: string, qty: number, unitPrice: number, deltas: number[] = []): PricedLineInput => ({
  id: id as PricedLineInput['id'],
  itemId,
  name: itemId,
  categoryId,
  station: 'bar',
  qty,
  unitPrice: m(unitPrice),
  modifiers: deltas.map((d, i) => ({ groupId: `g${i}`, optionId: `o${i}`, name: `mod${i}`, priceDelta: m(d) })),
});
const pb1: Tax = { id: 'pb1', name: 'PB1', rateBp: 1000, inclusive: false };
const vat11: Tax = { id: 'vat', name: 'PPN', rateBp: 1100, inclusive: true };
const idr = (taxes: Tax[], service: PricingSettings['serviceCharge'] = null): PricingSettings => ({
  currency: 'IDR',
  timeZone: 'Asia/Jakarta',
  taxes,
  serviceCharge: service,
});
const usd = (taxes: Tax[]): PricingSettings => ({ currency: 'USD', timeZone: 'America/New_York', taxes, serviceCharge: null });
const noon = Date.parse('2026-11-22T05:00:00Z'); // 12:00 Jakarta, a Sunday
const happyTime = Date.parse('2026-11-22T08:00:00Z'); // 15:00 Jakarta

const promo = (p: Partial<Promotion> & Pick<Promotion, 'id' | 'scope' | 'benefit'>): Promotion => ({ name: p.id, active: true, ...p }) as Promotion;

describe('money: one rounding rule (half up) in integers', () => {
  test.each([
    ['10% of 12,345 = 1,234.5 → 1,235', 12345, 1000, 1235],
    ['10% of 12,344 = 1,234.4 → 1,234', 12344, 1000, 1234],
    ['5% of 52,500 = 2,625', 52500, 500, 2625],
    ['7.5% of 1,999¢ = 149.925 → 150¢', 1999, 750, 150],
  ])('%s', (_name, amount, rate, expected) => {
    expect(applyRate(amount, rate)).toBe(expected);
  });
  test('inclusive 11% in 111,000 = 111,000 × 11/111 = 11,000', () => expect(includedTax(111000, 1100)).toBe(11000));
  test('allocate 100 over 1:1:1 = 34 + 33 + 33 (largest remainder, exact sum)', () => expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]));
  test('allocate 7 over 50,000:25,000 = 5 + 2', () => expect(allocate(7, [50000, 25000])).toEqual([5, 2]));
  test('formatMoney uses Intl with the currency decimals', () => {
    expect(formatMoney(25000, 'IDR', 'id-ID').replace(/\s/g, ' ')).toBe('Rp 25.000');
    expect(formatMoney(1999, 'USD', 'en-US')).toBe('$19.99');
  });
  test('parseMajor converts typed major units exactly and names a bad value', () => {
    expect(parseMajor('12.50', 'USD')).toBe(1250);
    expect(parseMajor('25000', 'IDR')).toBe(25000);
    expect(() => parseMajor('12.5', 'IDR')).toThrow(/"12.5" is not a valid IDR amount/);
  });
});

describe('price: worked examples', () => {
  test.each([
    {
      name: '2 × 25,000 = 50,000; no taxes → total 50,000',
      lines: [line('1', 'kopi', 'kopi', 2, 25000)],
      settings: idr([]),
      expect: { subtotal: 50000, discount: 0, serviceCharge: 0, tax: 0, total: 50000 },
    },
    {
      name: 'PB1 10% exclusive: 50,000 + 5,000 = 55,000',
      lines: [line('1', 'kopi', 'kopi', 2, 25000)],
      settings: idr([pb1]),
      expect: { subtotal: 50000, tax: 5000, total: 55000 },
    },
    {
      name: 'service 5% taxable + PB1: 50,000 + 2,500 + 10% × 52,500 (5,250) = 57,750',
      lines: [line('1', 'kopi', 'kopi', 2, 25000)],
      settings: idr([pb1], { rateBp: 500, taxable: true }),
      expect: { serviceCharge: 2500, tax: 5250, total: 57750 },
    },
    {
      name: 'service 5% not taxable + PB1: 50,000 + 2,500 + 5,000 = 57,500',
      lines: [line('1', 'kopi', 'kopi', 2, 25000)],
      settings: idr([pb1], { rateBp: 500, taxable: false }),
      expect: { serviceCharge: 2500, tax: 5000, total: 57500 },
    },
    {
      name: 'PPN 11% inclusive in 111,000: tax 11,000 shown, total stays 111,000',
      lines: [line('1', 'nasi', 'makanan', 1, 111000)],
      settings: idr([vat11]),
      expect: { tax: 11000, total: 111000 },
    },
    {
      name: 'both ways: inclusive 11% (11,000 of 111,000) + exclusive 10% (11,100) → total 122,100, tax 22,100',
      lines: [line('1', 'nasi', 'makanan', 1, 111000)],
      settings: idr([vat11, pb1]),
      expect: { tax: 22100, total: 122100 },
    },
    {
      name: 'modifiers: (25,000 + 5,000 large + 6,000 shot) × 2 = 72,000',
      lines: [line('1', 'kopi', 'kopi', 2, 25000, [5000, 6000])],
      settings: idr([]),
      expect: { subtotal: 72000, total: 72000 },
    },
    {
      name: 'USD 2 decimals: 3 × $4.99 = $14.97 + 8% tax (119.76¢ → 120¢) = $16.17',
      lines: [line('1', 'latte', 'kopi', 3, 499)],
      settings: usd([{ id: 'ny', name: 'NY', rateBp: 800, inclusive: false }]),
      expect: { subtotal: 1497, tax: 120, total: 1617 },
    },
  ])('$name', ({ lines, settings, expect: expected }) => {
    expect(price(lines, { promotions: [] }, settings, { now: noon })).toMatchObject(expected);
  });

  const happyHour = promo({
    id: 'hh',
    scope: { kind: 'category', categoryIds: ['kopi'] },
    window: { days: [], from: '14:00', to: '16:00' },
    benefit: { kind: 'percent', rateBp: 2000 },
  });

  test('happy hour 20% on coffee at 15:00 Jakarta: 50,000 − 10,000 = 40,000; nasi 38,000 untouched → 78,000', () => {
    const result = price([line('1', 'kopi', 'kopi', 2, 25000), line('2', 'nasi', 'makanan', 1, 38000)], { promotions: [happyHour] }, idr([]), {
      now: happyTime,
    });
    expect(result).toMatchObject({ subtotal: 88000, discount: 10000, total: 78000, promotionIds: ['hh'] });
    expect(result.lines.map((l) => l.discount)).toEqual([10000, 0]);
  });

  test('happy hour outside its window (12:00) gives nothing: total 50,000', () => {
    expect(price([line('1', 'kopi', 'kopi', 2, 25000)], { promotions: [happyHour] }, idr([]), { now: noon })).toMatchObject({
      discount: 0,
      total: 50000,
      promotionIds: [],
    });
  });

  test('buy 2 get 1 on pisang: 3 × 15,000 = 45,000 − 15,000 free = 30,000; 5 units → still 1 free', () => {
    const b2g1 = promo({ id: 'b2g1', scope: { kind: 'item', itemIds: ['pisang'] }, benefit: { kind: 'buy_x_get_y', buy: 2, get: 1 } });
    expect(price([line('1', 'pisang', 'camilan', 3, 15000)], { promotions: [b2g1] }, idr([]), { now: noon })).toMatchObject({ discount: 15000, total: 30000 });
    expect(price([line('1', 'pisang', 'camilan', 5, 15000)], { promotions: [b2g1] }, idr([]), { now: noon })).toMatchObject({ discount: 15000, total: 60000 });
  });

  test('fixed 5,000 off the order of 88,000, spread by net 50,000:38,000 → 2,841 + 2,159; total 83,000', () => {
    const off = promo({ id: 'off', scope: { kind: 'order' }, benefit: { kind: 'amount', amount: m(5000) } });
    const result = price([line('1', 'kopi', 'kopi', 2, 25000), line('2', 'nasi', 'makanan', 1, 38000)], { promotions: [off] }, idr([]), { now: noon });
    expect(result).toMatchObject({ discount: 5000, total: 83000 });
    expect(result.lines.map((l) => l.discount)).toEqual([2841, 2159]);
  });

  test('best single line promotion wins (20% = 10,000 beats 3,000 × 2 = 6,000), promotions do not stack on a line', () => {
    const perUnit = promo({ id: 'unit', scope: { kind: 'item', itemIds: ['kopi'] }, benefit: { kind: 'amount', amount: m(3000) } });
    expect(price([line('1', 'kopi', 'kopi', 2, 25000)], { promotions: [happyHour, perUnit] }, idr([]), { now: happyTime })).toMatchObject({
      discount: 10000,
      promotionIds: ['hh'],
    });
  });

  test('manual 10% discount after promotions: 88,000 → 8,800 off → 79,200; with PB1 10% → 87,120', () => {
    const result = price([line('1', 'kopi', 'kopi', 2, 25000), line('2', 'nasi', 'makanan', 1, 38000)], { promotions: [] }, idr([pb1]), {
      now: noon,
      manualDiscount: { rateBp: 1000 },
    });
    expect(result).toMatchObject({ discount: 8800, tax: 7920, total: 87120 });
  });

  test('an inactive promotion never applies', () => {
    expect(
      price([line('1', 'kopi', 'kopi', 2, 25000)], { promotions: [{ ...happyHour, active: false, window: undefined }] }, idr([]), { now: noon }).discount,
    ).toBe(0);
  });

  test('cash change: due 57,750, tendered 100,000 → 42,250; short tender → 0', () => {
    expect(cashChange(m(57750), m(100000))).toBe(42250);
    expect(cashChange(m(57750), m(50000))).toBe(0);
  });
});
