/**
 * Pricing in integer minor units. Pure and deterministic: `now` is an argument.
 *
 * Order of operations (each step's result is exact; rounding only in money.ts):
 *  1. line gross = qty × (unit price + Σ modifier deltas)
 *  2. line-level promotions (scope item or category): each eligible promotion is computed
 *     for every line; a line gets the single best one (promotions do not stack on a line).
 *     buy_x_get_y pools every eligible unit of the promotion and frees the cheapest ones.
 *  3. order-level promotion (scope order): the best single one, on what is left after 2.
 *  4. manual discount (rate or amount), on what is left after 3.
 *     Order-level discounts (3, 4) are spread over lines by largest remainder, so the
 *     per-line discounts always add up to the order discount exactly.
 *  5. service charge = rate × Σ line net (net = gross − discount).
 *  6. taxes per rate: inclusive taxes are extracted from the line nets they apply to
 *     (amount × r / (1 + r)); exclusive taxes are added on Σ applicable nets, plus the
 *     service charge when it is taxable (as Indonesian PB1 is).
 *  7. total = subtotal − discount + service charge + exclusive taxes.
 */
import type { Minor } from '../protocol/ids';
import type { Item, OrderLine, OrderTotals, OutletSettings, Promotion } from '../protocol/schemas';
import { localMinutes, localTime, minutesOf } from './business-day';
import { allocate, applyRate, asMinor, includedTax } from './money';
import { unreachable } from '../util/asserts';

export type PricedLineInput = Omit<OrderLine, 'gross' | 'discount'>;
export type PricedLine = OrderLine;
export interface ManualDiscount {
  rateBp?: number;
  amount?: number;
}
export interface PriceCatalog {
  promotions: Promotion[];
  /** Only the tax ids are read. */
  items?: Pick<Item, 'id' | 'taxIds'>[];
}
export type PricingSettings = Pick<OutletSettings, 'currency' | 'timeZone' | 'taxes' | 'serviceCharge'>;
export type PriceResult = OrderTotals & { lines: PricedLine[] };

/** Is the promotion active at `now` (its time window in the outlet's zone)? */
export function promotionApplies(promotion: Promotion, now: number, timeZone: string): boolean {
  if (!promotion.active) return false;
  const window = promotion.window;
  if (!window) return true;
  if (window.days.length > 0 && !window.days.includes(localTime(now, timeZone).weekday)) return false;
  const minutes = localMinutes(now, timeZone);
  const from = minutesOf(window.from);
  const to = minutesOf(window.to);
  // A window like 22:00–02:00 wraps past midnight.
  return from <= to ? minutes >= from && minutes < to : minutes >= from || minutes < to;
}

function inScope(promotion: Promotion, line: PricedLineInput): boolean {
  switch (promotion.scope.kind) {
    case 'order':
      return true;
    case 'item':
      return promotion.scope.itemIds.includes(line.itemId);
    case 'category':
      return promotion.scope.categoryIds.includes(line.categoryId);
    default:
      return unreachable(promotion.scope, 'promotion scope');
  }
}

const unitPriceOf = (line: PricedLineInput) => line.unitPrice + line.modifiers.reduce((s, m) => s + m.priceDelta, 0);

/** Discount of one line-level promotion on every line (0 where it does not apply). */
function lineLevelDiscounts(promotion: Promotion, lines: PricedLineInput[], gross: number[]): number[] {
  const eligible = lines.map((line) => inScope(promotion, line));
  const benefit = promotion.benefit;
  switch (benefit.kind) {
    case 'percent':
      return gross.map((g, i) => (eligible[i] ? applyRate(g, benefit.rateBp) : 0));
    case 'amount':
      // A fixed amount off each unit, never more than the line.
      return gross.map((g, i) => (eligible[i] ? Math.min(g, benefit.amount * lines[i].qty) : 0));
    case 'buy_x_get_y': {
      const units: Array<{ line: number; price: number }> = [];
      lines.forEach((line, i) => {
        if (eligible[i]) for (let u = 0; u < line.qty; u++) units.push({ line: i, price: unitPriceOf(line) });
      });
      const free = Math.floor(units.length / (benefit.buy + benefit.get)) * benefit.get;
      units.sort((a, b) => a.price - b.price || a.line - b.line);
      const out = lines.map(() => 0);
      for (const unit of units.slice(0, free)) out[unit.line] += unit.price;
      return out;
    }
    default:
      return unreachable(benefit, 'promotion benefit');
  }
}

function orderLevelDiscount(promotion: Promotion, base: number, units: number[]): number {
  const benefit = promotion.benefit;
  switch (benefit.kind) {
    case 'percent':
      return applyRate(base, benefit.rateBp);
    case 'amount':
      return Math.min(base, benefit.amount);
    case 'buy_x_get_y': {
      const sorted = [...units].sort((a, b) => a - b);
      const free = Math.floor(sorted.length / (benefit.buy + benefit.get)) * benefit.get;
      return Math.min(
        base,
        sorted.slice(0, free).reduce((s, p) => s + p, 0),
      );
    }
    default:
      return unreachable(benefit, 'promotion benefit');
  }
}

export function price(
  lines: PricedLineInput[],
  catalog: PriceCatalog,
  settings: PricingSettings,
  opts: { now: number; manualDiscount?: ManualDiscount },
): PriceResult {
  const gross = lines.map((line) => line.qty * unitPriceOf(line));
  const subtotal = gross.reduce((a, b) => a + b, 0);
  const promotions = catalog.promotions.filter((p) => promotionApplies(p, opts.now, settings.timeZone));
  const applied = new Set<string>();

  // 2. best single line-level promotion per line
  const lineDiscount = lines.map(() => 0);
  const lineBest = lines.map(() => '');
  for (const promotion of promotions.filter((p) => p.scope.kind !== 'order')) {
    const discounts = lineLevelDiscounts(promotion, lines, gross);
    discounts.forEach((d, i) => {
      if (d > lineDiscount[i]) {
        lineDiscount[i] = Math.min(d, gross[i]);
        lineBest[i] = promotion.id;
      }
    });
  }
  lineBest.forEach((id) => id && applied.add(id));

  // 3. best order-level promotion, 4. manual discount — spread over lines
  const afterLine = gross.map((g, i) => g - lineDiscount[i]);
  let remaining = afterLine.reduce((a, b) => a + b, 0);
  let orderDiscount = 0;
  let bestOrder: Promotion | undefined;
  const allUnits = lines.flatMap((line) => Array.from({ length: line.qty }, () => unitPriceOf(line)));
  for (const promotion of promotions.filter((p) => p.scope.kind === 'order')) {
    const d = orderLevelDiscount(promotion, remaining, allUnits);
    if (d > orderDiscount) {
      orderDiscount = d;
      bestOrder = promotion;
    }
  }
  if (bestOrder) applied.add(bestOrder.id);
  remaining -= orderDiscount;
  let manual = 0;
  if (opts.manualDiscount) {
    const { rateBp, amount } = opts.manualDiscount;
    if (rateBp !== undefined) manual += applyRate(remaining, rateBp);
    if (amount !== undefined) manual += amount;
    manual = Math.max(0, Math.min(remaining, manual));
  }
  const spread = allocate(orderDiscount + manual, afterLine);
  const discount = lineDiscount.map((d, i) => d + (spread[i] ?? 0));
  const net = gross.map((g, i) => g - discount[i]);
  const netTotal = net.reduce((a, b) => a + b, 0);

  // 5. service charge
  const serviceCharge = settings.serviceCharge ? applyRate(netTotal, settings.serviceCharge.rateBp) : 0;
  const serviceShare = allocate(serviceCharge, net);

  // 6. taxes
  const itemTaxIds = new Map((catalog.items ?? []).map((item) => [item.id, item.taxIds]));
  const taxes = settings.taxes.map((tax) => {
    const applies = lines.map((line) => {
      const ids = itemTaxIds.get(line.itemId);
      return ids === undefined || ids.includes(tax.id);
    });
    const lineBase = net.reduce((s, n, i) => s + (applies[i] ? n : 0), 0);
    let amount: number;
    if (tax.inclusive) {
      amount = includedTax(lineBase, tax.rateBp);
    } else {
      const serviceBase = settings.serviceCharge?.taxable ? serviceShare.reduce((s, n, i) => s + (applies[i] ? n : 0), 0) : 0;
      amount = applyRate(lineBase + serviceBase, tax.rateBp);
    }
    return { taxId: tax.id, name: tax.name, rateBp: tax.rateBp, inclusive: tax.inclusive, amount: asMinor(amount) };
  });
  const exclusiveTax = taxes.filter((t) => !t.inclusive).reduce((s, t) => s + t.amount, 0);
  const totalDiscount = discount.reduce((a, b) => a + b, 0);

  return {
    currency: settings.currency,
    subtotal: asMinor(subtotal),
    discount: asMinor(totalDiscount),
    serviceCharge: asMinor(serviceCharge),
    tax: asMinor(taxes.reduce((s, t) => s + t.amount, 0)),
    taxes,
    total: asMinor(subtotal - totalDiscount + serviceCharge + exclusiveTax),
    // Amounts are already whole minor units of the currency, so nothing is left to round;
    // the field exists for currencies with cash rounding (e.g. CHF 0.05) later.
    rounding: asMinor(0),
    promotionIds: [...applied].sort(),
    lines: lines.map((line, i) => ({ ...line, gross: asMinor(gross[i]), discount: asMinor(discount[i]) })),
  };
}

/** Change for a cash tender: tendered − due, never negative. */
export function cashChange(due: Minor | number, tendered: Minor | number): Minor {
  return asMinor(Math.max(0, tendered - due));
}
