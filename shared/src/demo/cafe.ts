/**
 * The demo outlet: a small Indonesian café (tenant `demo`, outlet `main`). Deterministic ids
 * and idempotent: a second call writes nothing.
 */
import * as Y from 'yjs';
import type { z } from 'zod';
import type { categorySchema, deviceSchema, itemSchema, modifierGroupSchema, OutletSettings, promotionSchema } from '../protocol/schemas';
import { OUTLET } from '../doc/layout';
import { putApprovalKey, putCategory, putDevice, putItem, putModifierGroup, putPromotion, putStaff, writeSettings } from '../doc/outlet-doc';
import { generateStaffKeyPair, sealStaffKey, type KdfCost } from '../domain/staff-keys';
import { putStaffKeyEnvelope } from '../doc/staff-keys-doc';

export const DEMO = { tenant: 'demo', outlet: 'main' } as const;

export const DEMO_SETTINGS: OutletSettings = {
  name: 'Kopi Kiosk Demo',
  currency: 'IDR',
  locale: 'id-ID',
  timeZone: 'Asia/Jakarta',
  businessDayStart: '04:00',
  taxes: [{ id: 'pb1', name: 'PB1', rateBp: 1000, inclusive: false }],
  serviceCharge: { rateBp: 500, taxable: true },
  manualDiscountLimitBp: 1000,
  kitchenWarnSeconds: 300,
  kitchenLateSeconds: 600,
};

const categories: z.input<typeof categorySchema>[] = [
  { id: 'kopi', name: 'Kopi', sort: 1 },
  { id: 'non-kopi', name: 'Non-Kopi', sort: 2 },
  { id: 'makanan', name: 'Makanan', sort: 3 },
  { id: 'camilan', name: 'Camilan', sort: 4 },
];

const opt = (id: string, name: string, priceDelta = 0) => ({ id, name, priceDelta });
const modifierGroups: z.input<typeof modifierGroupSchema>[] = [
  { id: 'ukuran', name: 'Ukuran', required: true, min: 1, max: 1, options: [opt('regular', 'Regular'), opt('large', 'Large', 5000)] },
  { id: 'gula', name: 'Gula', required: true, min: 1, max: 1, options: [opt('normal', 'Normal'), opt('less', 'Less sugar'), opt('none', 'No sugar')] },
  { id: 'es', name: 'Es', required: false, min: 0, max: 1, options: [opt('normal-ice', 'Normal ice'), opt('less-ice', 'Less ice')] },
  { id: 'tambahan', name: 'Tambahan', required: false, min: 0, max: 2, options: [opt('extra-shot', 'Extra shot', 6000), opt('oat-milk', 'Oat milk', 8000)] },
  { id: 'pedas', name: 'Level Pedas', required: true, min: 1, max: 1, options: [0, 1, 2, 3, 4, 5].map((n) => opt(`level-${n}`, `Level ${n}`)) },
  { id: 'telur', name: 'Telur', required: false, min: 0, max: 1, options: [opt('ceplok', 'Telur ceplok', 5000)] },
];

const drink = (id: string, name: string, price: number, categoryId: string, groups: string[], sort: number, available = true) => ({
  id,
  categoryId,
  name,
  price,
  available,
  station: 'bar',
  modifierGroupIds: groups,
  sort,
});
const food = (id: string, name: string, price: number, categoryId: string, groups: string[], sort: number, available = true) => ({
  id,
  categoryId,
  name,
  price,
  available,
  station: 'kitchen',
  modifierGroupIds: groups,
  sort,
});

const items: z.input<typeof itemSchema>[] = [
  drink('es-kopi-susu', 'Es Kopi Susu', 25000, 'kopi', ['ukuran', 'gula', 'es', 'tambahan'], 1),
  drink('kopi-tubruk', 'Kopi Tubruk', 15000, 'kopi', ['gula'], 2),
  drink('americano', 'Americano', 22000, 'kopi', ['ukuran', 'es', 'tambahan'], 3),
  drink('cappuccino', 'Cappuccino', 28000, 'kopi', ['ukuran', 'gula', 'tambahan'], 4),
  drink('teh-tarik', 'Teh Tarik', 18000, 'non-kopi', ['ukuran', 'gula', 'es'], 1),
  drink('es-teh-manis', 'Es Teh Manis', 8000, 'non-kopi', ['gula', 'es'], 2),
  drink('matcha-latte', 'Matcha Latte', 30000, 'non-kopi', ['ukuran', 'gula', 'tambahan'], 3, false),
  food('nasi-goreng', 'Nasi Goreng Spesial', 38000, 'makanan', ['pedas', 'telur'], 1),
  food('mie-goreng', 'Mie Goreng', 32000, 'makanan', ['pedas', 'telur'], 2),
  food('ayam-geprek', 'Ayam Geprek', 35000, 'makanan', ['pedas'], 3),
  food('nasi-uduk', 'Nasi Uduk', 27000, 'makanan', ['telur'], 4),
  food('pisang-goreng', 'Pisang Goreng', 15000, 'camilan', [], 1),
  food('roti-bakar', 'Roti Bakar', 20000, 'camilan', [], 2),
  food('kentang-goreng', 'Kentang Goreng', 22000, 'camilan', [], 3),
];

const promotions: z.input<typeof promotionSchema>[] = [
  {
    id: 'happy-hour',
    name: 'Happy Hour Kopi 20%',
    active: true,
    scope: { kind: 'category', categoryIds: ['kopi'] },
    window: { days: [], from: '14:00', to: '16:00' },
    benefit: { kind: 'percent', rateBp: 2000 },
  },
  {
    id: 'pisang-b2g1',
    name: 'Pisang Goreng beli 2 gratis 1',
    active: true,
    scope: { kind: 'item', itemIds: ['pisang-goreng'] },
    benefit: { kind: 'buy_x_get_y', buy: 2, get: 1 },
  },
];

const devices: z.input<typeof deviceSchema>[] = [
  { id: 'T1', name: 'Kasir 1', kind: 'terminal', code: 'A', stations: [] },
  { id: 'T2', name: 'Kasir 2', kind: 'terminal', code: 'B', stations: [] },
  { id: 'K1', name: 'Dapur', kind: 'kitchen', code: 'K', stations: ['kitchen'] },
  { id: 'K2', name: 'Bar', kind: 'kitchen', code: 'R', stations: ['bar'] },
];

export const DEMO_STAFF_PINS = [
  { id: 'staff-sari', name: 'Sari', role: 'cashier' as const, pin: '1234' },
  { id: 'staff-budi', name: 'Budi', role: 'manager' as const, pin: '9999' },
];

/**
 * Writes the demo outlet into `doc` unless it is already there. With `staffKeys` (the outlet's
 * staff-keys document) each new demo staff member also gets an approval key pair: the public key
 * in `doc`, the private key sealed under their PIN in `staffKeys` (`kdf` lowers the cost for tests).
 */
export async function seedDemoOutlet(doc: Y.Doc, opts: { staffKeys?: Y.Doc; kdf?: KdfCost; now?: number } = {}): Promise<void> {
  const staffMap = doc.getMap(OUTLET.staff);
  const missingStaff = DEMO_STAFF_PINS.filter((s) => !staffMap.has(s.id));
  const now = opts.now ?? 0;
  const keys = opts.staffKeys
    ? await Promise.all(
        missingStaff.map(async (s) => {
          const pair = generateStaffKeyPair();
          return { pair, envelope: await sealStaffKey(s.id, s.pin, pair, { now, cost: opts.kdf }) };
        }),
      )
    : [];
  if (opts.staffKeys) {
    const target = opts.staffKeys;
    target.transact(() => keys.forEach((k) => putStaffKeyEnvelope(target, k.envelope)));
  }
  doc.transact(() => {
    if (doc.getMap(OUTLET.settings).size === 0) writeSettings(doc, DEMO_SETTINGS);
    const has = (map: string, id: string) => doc.getMap(map).has(id);
    for (const c of categories) if (!has(OUTLET.categories, c.id)) putCategory(doc, c);
    for (const g of modifierGroups) if (!has(OUTLET.modifierGroups, g.id)) putModifierGroup(doc, g);
    for (const i of items) if (!has(OUTLET.items, i.id)) putItem(doc, i);
    for (const p of promotions) if (!has(OUTLET.promotions, p.id)) putPromotion(doc, p);
    for (const d of devices) if (!has(OUTLET.devices, d.id)) putDevice(doc, d);
    missingStaff.forEach((s) => putStaff(doc, { id: s.id, name: s.name, role: s.role }));
    keys.forEach((k, i) => putApprovalKey(doc, missingStaff[i].id, k.pair.publicKey, now));
  });
}
