/**
 * Money: integer minor units, and the ONE place where rounding happens.
 * Amounts are already minor units (IDR: rupiah, 0 decimals; USD: cents); rounding only
 * applies when a rate is applied to an amount.
 */
import type { Minor } from '../protocol/ids';

/** Decimal places of the minor unit, per ISO 4217 (the ones we sell in; default 2). */
const DECIMALS: Record<string, number> = { IDR: 0, JPY: 0, KRW: 0, VND: 0, USD: 2, EUR: 2, SGD: 2, MYR: 2, AUD: 2, GBP: 2, THB: 2, PHP: 2 };

export function currencyDecimals(currency: string): number {
  return DECIMALS[currency] ?? 2;
}

export const asMinor = (n: number): Minor => {
  if (!Number.isSafeInteger(n)) throw new Error(`money must be an integer number of minor units, got ${n}`);
  return n as Minor;
};

/**
 * Rounds numerator/denominator half away from zero, in integers.
 * `divRound(25_000 * 1_000, 10_000)` = 2_500.
 */
export function divRound(numerator: number, denominator: number): number {
  if (denominator <= 0) throw new Error(`divRound: denominator must be positive, got ${denominator}`);
  const sign = numerator < 0 ? -1 : 1;
  const abs = Math.abs(numerator);
  const q = Math.floor(abs / denominator);
  const r = abs - q * denominator;
  return sign * (2 * r >= denominator ? q + 1 : q);
}

/** amount × rateBp / 10 000, rounded half up (rates in basis points: 1000 = 10 %). */
export function applyRate(amount: number, rateBp: number): Minor {
  return asMinor(divRound(amount * rateBp, 10_000));
}

/** The tax contained in a tax-inclusive amount: amount × rate / (10 000 + rate). */
export function includedTax(amount: number, rateBp: number): Minor {
  return asMinor(divRound(amount * rateBp, 10_000 + rateBp));
}

/**
 * Splits `total` across `weights` proportionally so the parts add up to `total` exactly
 * (largest remainder; ties go to the earlier weight).
 */
export function allocate(total: number, weights: number[]): Minor[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) return [];
  if (sum <= 0) return weights.map((_, i) => asMinor(i === 0 ? total : 0));
  const sign = total < 0 ? -1 : 1;
  const abs = Math.abs(total);
  const raw = weights.map((w) => (abs * w) / sum);
  const parts = raw.map((x) => Math.floor(x));
  let left = abs - parts.reduce((a, b) => a + b, 0);
  const order = raw.map((x, i) => ({ i, frac: x - Math.floor(x) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i] += 1;
    left -= 1;
  }
  return parts.map((p) => asMinor(sign * p));
}

/** `formatMoney(25000, 'IDR', 'id-ID')` → "Rp 25.000" (Intl; minor units converted exactly). */
export function formatMoney(amount: number, currency: string, locale: string): string {
  const decimals = currencyDecimals(currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(
    amount / 10 ** decimals,
  );
}

/** Major-unit text typed by a person ("12.50") → minor units, exactly; throws naming the value. */
export function parseMajor(text: string, currency: string): Minor {
  const decimals = currencyDecimals(currency);
  const m = /^\s*(-?)(\d+)(?:[.,](\d+))?\s*$/.exec(text);
  if (!m || (m[3] && m[3].length > decimals)) throw new Error(`amount ${JSON.stringify(text)} is not a valid ${currency} amount`);
  const fraction = (m[3] ?? '').padEnd(decimals, '0');
  return asMinor((m[1] ? -1 : 1) * (Number(m[2]) * 10 ** decimals + (fraction ? Number(fraction) : 0)));
}
