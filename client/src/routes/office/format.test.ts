import { describe, expect, test } from 'vitest';
import { majorText, parseAmount, slugOf } from './format';

describe('back-office amounts', () => {
  test.each([
    [25_000, 'IDR', '25000'],
    [1_250, 'USD', '12.50'],
    [0, 'USD', '0.00'],
  ])('%i minor %s is typed as %s', (minor, currency, text) => {
    expect(majorText(minor, currency)).toBe(text);
  });

  test.each([
    ['21500', 'IDR', 21_500],
    ['12.5', 'USD', 1_250],
    ['12,50', 'USD', 1_250],
  ])('"%s" %s is %i minor units', (text, currency, minor) => {
    expect(parseAmount(text, currency, 'price')).toEqual({ value: minor });
  });

  test('bad amounts are refused naming the field, never guessed', () => {
    expect(parseAmount('abc', 'IDR', 'Price of Kopi')).toEqual({ error: 'Price of Kopi: "abc" is not an amount in IDR' });
    expect(parseAmount('1.5', 'IDR', 'price')).toEqual({ error: 'price: "1.5" is not an amount in IDR' });
    expect(parseAmount('12.505', 'USD', 'price')).toEqual({ error: 'price: "12.505" is not an amount in USD' });
    expect(parseAmount('-5', 'IDR', 'amount')).toEqual({ error: 'amount: must not be negative' });
  });
});

describe('item ids from names', () => {
  test.each([
    ['Es Teh Manis', 'es-teh-manis'],
    ['  Kopi  Susu  ', 'kopi-susu'],
    ['Crème brûlée', 'creme-brulee'],
    ['Nasi (besar) & telur', 'nasi-besar-telur'],
    ['!!!', ''],
  ])('%s → %s', (name, id) => {
    expect(slugOf(name)).toBe(id);
  });
});
