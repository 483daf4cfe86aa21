import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { readOrder } from '../doc/day-doc';
import { putItem, readOutlet } from '../doc/outlet-doc';
import { seedDemoOutlet } from '../demo/cafe';
import type { OrderHeader } from '../protocol/schemas';
import { canonicalJson, menuVersion, menuVersionOfInputs, pricingInputsOf } from './pricing-inputs';
import { repriceOrder } from './pricing-reprice';
import { submitOrder } from './submit-order';

const MORNING = Date.UTC(2026, 10, 22, 3, 0); // 10:00 Jakarta, outside happy hour
const kopiSusu = {
  itemId: 'es-kopi-susu',
  qty: 2,
  modifiers: [
    { groupId: 'ukuran', optionId: 'regular' },
    { groupId: 'gula', optionId: 'normal' },
  ],
};

async function demo() {
  const outlet = new Y.Doc();
  await seedDemoOutlet(outlet);
  return { outlet, day: new Y.Doc() };
}

function order(outlet: Y.Doc, day: Y.Doc, now = MORNING, discount?: { rateBp: number }): OrderHeader {
  const { id } = submitOrder(outlet, day, { deviceId: 'T1', type: 'takeaway', lines: [kopiSusu], ...(discount ? { manualDiscount: discount } : {}) }, { now });
  return readOrder(day, id)!.header;
}

describe('menuVersion', () => {
  test('canonical JSON sorts keys and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: [{ d: undefined, c: 'x' }] })).toBe('{"a":[{"c":"x"}],"b":1}');
  });

  test('the register stamps the version of the menu it priced with; only pricing inputs change it', async () => {
    const { outlet, day } = await demo();
    const v1 = menuVersion(readOutlet(outlet))!;
    expect(v1).toMatch(/^m1-[0-9a-f]{32}$/);
    expect(order(outlet, day).menuVersion).toBe(v1);
    const item = readOutlet(outlet).items.find((i) => i.id === 'es-kopi-susu')!;
    putItem(outlet, { ...item, name: 'Es Kopi Susu Gula Aren', available: false });
    expect(menuVersion(readOutlet(outlet))).toBe(v1); // renaming / 86'ing does not change prices
    putItem(outlet, { ...item, price: 26000 });
    expect(menuVersion(readOutlet(outlet))).not.toBe(v1);
    // Order of entries does not matter.
    const snapshot = readOutlet(outlet);
    expect(menuVersionOfInputs(pricingInputsOf({ ...snapshot, items: [...snapshot.items].reverse() })!)).toBe(menuVersion(snapshot));
  });
});

describe('repriceOrder', () => {
  test('an honest order re-prices to the same amounts (with service, PB1 and a manual discount)', async () => {
    const { outlet, day } = await demo();
    const inputs = pricingInputsOf(readOutlet(outlet))!;
    expect(repriceOrder(order(outlet, day), inputs)).toEqual([]);
    expect(repriceOrder(order(outlet, day, MORNING, { rateBp: 1000 }), inputs)).toEqual([]);
  });

  test('a line priced 1 instead of the catalogue price is a price_mismatch with expected vs claimed', async () => {
    const { outlet, day } = await demo();
    const inputs = pricingInputsOf(readOutlet(outlet))!;
    const honest = order(outlet, day);
    const unit = honest.lines[0].unitPrice;
    // A self-consistent forgery: every sum adds up, only the price is wrong.
    const forged: OrderHeader = {
      ...honest,
      lines: [{ ...honest.lines[0], unitPrice: 1 as never, modifiers: [], gross: 2 as never }],
      totals: { ...honest.totals, subtotal: 2 as never, serviceCharge: 0 as never, tax: 0 as never, taxes: [], total: 2 as never },
    };
    const flags = repriceOrder(forged, inputs);
    expect(flags[0]).toEqual({ flag: 'price_mismatch', field: 'total', expected: honest.totals.total, claimed: 2 });
    expect(flags).toContainEqual({ flag: 'price_mismatch', field: 'lines.0.unitPrice', expected: unit, claimed: 1 });
    expect(flags.every((f) => f.flag === 'price_mismatch')).toBe(true);
  });

  test('an order priced offline with the older menu matches that menu, not the new one', async () => {
    const { outlet, day } = await demo();
    const old = pricingInputsOf(readOutlet(outlet))!;
    const header = order(outlet, day);
    const item = readOutlet(outlet).items.find((i) => i.id === 'es-kopi-susu')!;
    putItem(outlet, { ...item, price: item.price + 1000 });
    const current = pricingInputsOf(readOutlet(outlet))!;
    expect(repriceOrder(header, old)).toEqual([]);
    expect(repriceOrder(header, current)[0]).toMatchObject({ flag: 'price_mismatch', field: 'total' });
  });

  test('an item missing from the menu version is named', async () => {
    const { outlet, day } = await demo();
    const inputs = pricingInputsOf(readOutlet(outlet))!;
    const header = order(outlet, day);
    const flags = repriceOrder({ ...header, lines: [{ ...header.lines[0], itemId: 'caviar' }] }, inputs);
    expect(flags).toEqual([
      { flag: 'price_mismatch', field: 'lines.0.itemId', expected: null, claimed: 'caviar', detail: 'item caviar is not in this menu version' },
    ]);
  });
});
