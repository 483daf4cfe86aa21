/** Pure helpers of the back-office forms: amounts typed by people, and ids made from names. */
import { currencyDecimals, parseMajor } from '@kiosk/shared';

/** Minor units → the text a person types ("25000" for IDR, "12.50" for USD). */
export function majorText(minor: number, currency: string): string {
  const decimals = currencyDecimals(currency);
  return decimals === 0 ? String(minor) : (minor / 10 ** decimals).toFixed(decimals);
}

/** Typed amount → minor units, or an error message naming the field. */
export function parseAmount(text: string, currency: string, field: string): { value: number } | { error: string } {
  try {
    const value = parseMajor(text, currency);
    return value < 0 ? { error: `${field}: must not be negative` } : { value };
  } catch {
    return { error: `${field}: "${text}" is not an amount in ${currency}` };
  }
}

/** "Es Teh Manis" → "es-teh-manis": item ids are slugs, like the seeded menu's. */
export function slugOf(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .replace(/[\s_]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}
