import { describe, expect, test } from 'vitest';
import { TRUST_FLAG_NAMES } from '@kiosk/shared';
import { en } from '../../i18n/en';
import { id } from '../../i18n/id';
import { TRUST_FLAG_TEXT, trustFindingText } from './flag-text';

const translator =
  (messages: Record<string, string>) =>
  (key: string, vars: Record<string, string | number> = {}) =>
    messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
const money = (minor: number) => `Rp ${minor.toLocaleString('id-ID')}`;

describe('trust findings in the back-office', () => {
  test('every flag name has a text in English and Bahasa Indonesia', () => {
    for (const flag of TRUST_FLAG_NAMES) {
      expect(en[TRUST_FLAG_TEXT[flag]]).toBeTruthy();
      expect(id[TRUST_FLAG_TEXT[flag]]).toBeTruthy();
    }
  });

  test('a price difference shows both amounts as money and the writing device by name', () => {
    const text = trustFindingText(
      { flag: 'price_mismatch', field: 'lines.0.unitPrice', expected: 20000, claimed: 1, writerName: 'Kasir 2' },
      translator(id),
      money,
    );
    expect(text).toBe('Harga berbeda dari menu saat dijual, menu Rp 20.000, pesanan Rp 1, ditulis oleh Kasir 2');
  });

  test('an ignored number shows what the device wrote; an item id is never shown', () => {
    expect(trustFindingText({ flag: 'number_ignored', field: 'number', claimed: 1000 }, translator(en), money)).toBe(
      'A device wrote an order number; the server kept its own, number on the device: 1000',
    );
    const item = trustFindingText({ flag: 'price_mismatch', field: 'lines.0.itemId', expected: null, claimed: 'ghost-item' }, translator(en), money);
    expect(item).not.toContain('ghost-item');
  });
});
