/**
 * `menuVersion`: a SHA-256 over a canonical encoding of everything pricing depends on (item
 * prices, categories and taxes, modifier deltas, promotions, currency, time zone, taxes and
 * service charge) — and nothing else, so renaming an item or 86'ing it does not make a new
 * version. The register stamps it into the order header when it prices the order; the
 * projector re-prices the order against the inputs of that version (from the outlet
 * document's history), so an order priced offline with an older menu is checked against the
 * menu it was priced with, not today's.
 *
 * Pure JS (@noble/hashes): the same function runs on the register (browser) and the server.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { OutletSnapshot } from '../doc/outlet-doc';
import type { Item, ModifierGroup, Promotion } from '../protocol/schemas';
import type { PricingSettings } from './pricing';

/** The pricing-relevant part of an outlet snapshot. */
export interface PricingInputs {
  items: Pick<Item, 'id' | 'categoryId' | 'price' | 'taxIds' | 'modifierGroupIds'>[];
  modifierGroups: { id: string; options: { id: string; priceDelta: number }[] }[];
  promotions: Promotion[];
  settings: PricingSettings;
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Null when the outlet has no settings yet (nothing can be priced). */
export function pricingInputsOf(snapshot: Pick<OutletSnapshot, 'settings' | 'items' | 'modifierGroups' | 'promotions'>): PricingInputs | null {
  const s = snapshot.settings;
  if (!s) return null;
  return {
    items: snapshot.items
      .map((i) => ({
        id: i.id,
        categoryId: i.categoryId,
        price: i.price,
        ...(i.taxIds ? { taxIds: [...i.taxIds].sort() } : {}),
        modifierGroupIds: [...i.modifierGroupIds].sort(),
      }))
      .sort(byId),
    modifierGroups: snapshot.modifierGroups
      .map((g: ModifierGroup) => ({ id: g.id, options: g.options.map((o) => ({ id: o.id, priceDelta: o.priceDelta })).sort(byId) }))
      .sort(byId),
    promotions: [...snapshot.promotions].sort(byId),
    settings: { currency: s.currency, timeZone: s.timeZone, taxes: [...s.taxes].sort(byId), serviceCharge: s.serviceCharge },
  };
}

/** JSON with object keys sorted and `undefined` left out: equal inputs → equal bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** `m1-` + the first 32 hex digits (128 bits) of SHA-256 of the canonical pricing inputs. */
export function menuVersionOfInputs(inputs: PricingInputs): string {
  return `m1-${bytesToHex(sha256(utf8ToBytes(canonicalJson(inputs)))).slice(0, 32)}`;
}

/** The menu version of an outlet snapshot (null without settings). */
export function menuVersion(snapshot: Pick<OutletSnapshot, 'settings' | 'items' | 'modifierGroups' | 'promotions'>): string | null {
  const inputs = pricingInputsOf(snapshot);
  return inputs ? menuVersionOfInputs(inputs) : null;
}
