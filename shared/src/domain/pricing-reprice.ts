/**
 * `repriceOrder`: prices an order header again with the shared pricing and the inputs of a menu
 * version, and says where the header's amounts differ. Pure; the projector calls it for every
 * order it projects (a header is written once, so once per order).
 */
import type { OrderHeader } from '../protocol/schemas';
import { asMinor } from './money';
import { price, type PricedLineInput } from './pricing';
import type { PricingInputs } from './pricing-inputs';
import type { TrustFlag } from './trust-flags';

/** At most this many differences are reported per order (the total is always among them). */
const MAX_DIFFERENCES = 8;

export function repriceOrder(header: Pick<OrderHeader, 'lines' | 'totals' | 'createdAt' | 'manualDiscount'>, inputs: PricingInputs): TrustFlag[] {
  const items = new Map(inputs.items.map((i) => [i.id, i]));
  const options = new Map<string, number>();
  for (const g of inputs.modifierGroups) for (const o of g.options) options.set(`${g.id}\u0000${o.id}`, o.priceDelta);
  const out: TrustFlag[] = [];
  const mismatch = (field: string, expected: number | string | null, claimed: number | string | null, detail?: string) =>
    out.push({ flag: 'price_mismatch', field, expected, claimed, ...(detail ? { detail } : {}) });

  const lines: PricedLineInput[] = [];
  header.lines.forEach((line, i) => {
    const item = items.get(line.itemId);
    if (!item) {
      mismatch(`lines.${i}.itemId`, null, line.itemId, `item ${line.itemId} is not in this menu version`);
      return;
    }
    if (item.price !== line.unitPrice) mismatch(`lines.${i}.unitPrice`, item.price, line.unitPrice);
    if (item.categoryId !== line.categoryId) mismatch(`lines.${i}.categoryId`, item.categoryId, line.categoryId);
    const modifiers = line.modifiers.map((m, j) => {
      const delta = options.get(`${m.groupId}\u0000${m.optionId}`);
      if (delta === undefined || !item.modifierGroupIds.includes(m.groupId)) {
        mismatch(`lines.${i}.modifiers.${j}`, null, m.priceDelta, `option ${m.groupId}/${m.optionId} is not offered for this item`);
      } else if (delta !== m.priceDelta) mismatch(`lines.${i}.modifiers.${j}.priceDelta`, delta, m.priceDelta);
      return { ...m, priceDelta: delta === undefined ? m.priceDelta : asMinor(delta) };
    });
    lines.push({ ...line, unitPrice: asMinor(item.price), categoryId: item.categoryId, modifiers });
  });
  if (lines.length !== header.lines.length) return out.slice(0, MAX_DIFFERENCES);

  const md = header.manualDiscount;
  const manualDiscount = md && (md.rateBp !== undefined || md.amount !== undefined) ? { rateBp: md.rateBp, amount: md.amount } : undefined;
  const priced = price(lines, { promotions: inputs.promotions, items: inputs.items }, inputs.settings, { now: header.createdAt, manualDiscount });
  priced.lines.forEach((p, i) => {
    const claimed = header.lines[i];
    if (p.gross !== claimed.gross) mismatch(`lines.${i}.gross`, p.gross, claimed.gross);
    if (p.discount !== claimed.discount) mismatch(`lines.${i}.discount`, p.discount, claimed.discount);
  });
  const t = header.totals;
  const totals: Array<[string, number | string, number | string]> = [
    ['currency', priced.currency, t.currency],
    ['subtotal', priced.subtotal, t.subtotal],
    ['discount', priced.discount, t.discount],
    ['serviceCharge', priced.serviceCharge, t.serviceCharge],
    ['tax', priced.tax, t.tax],
  ];
  const differing = totals.filter(([, e, c]) => e !== c);
  // The total first, so it survives the cap.
  if (priced.total !== t.total) out.unshift({ flag: 'price_mismatch', field: 'total', expected: priced.total, claimed: t.total });
  for (const [field, e, c] of differing) mismatch(field, e, c);
  return out.slice(0, MAX_DIFFERENCES);
}
