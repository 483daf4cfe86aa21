/**
 * The API's reads and writes of the outlet document, on the layout of
 * `shared/src/doc/layout.ts` (one Y.Map per kind, plain values keyed by id; settings key by
 * key). Values are validated with the shared zod schemas on the way in (routes) and out
 * (here: an entry that does not parse is skipped rather than trusted).
 */
import type * as Y from 'yjs';
import { z } from 'zod';
import {
  categorySchema,
  deviceSchema,
  itemSchema,
  modifierGroupSchema,
  OUTLET,
  outletSettingsSchema,
  promotionSchema,
  type Category,
  type Device,
  type Item,
  type ModifierGroup,
  type OutletSettings,
  type Promotion,
} from '@kiosk/shared';

export const staffEntrySchema = z.object({ id: z.string().min(1), name: z.string().min(1), role: z.string().min(1), pinHash: z.string().min(1) });
export type StaffEntry = z.infer<typeof staffEntrySchema>;

export interface OutletView {
  settings: OutletSettings | null;
  categories: Category[];
  items: Item[];
  modifierGroups: ModifierGroup[];
  promotions: Promotion[];
  devices: Device[];
  staff: StaffEntry[];
}

function entries<S extends z.ZodType>(doc: Y.Doc, map: string, schema: S): Array<z.output<S>> {
  const out: Array<z.output<S>> = [];
  doc.getMap(map).forEach((value) => {
    const parsed = schema.safeParse(value);
    if (parsed.success) out.push(parsed.data);
  });
  return out.sort((a, b) => String((a as { id: string }).id).localeCompare(String((b as { id: string }).id)));
}

export function readOutletView(doc: Y.Doc): OutletView {
  const raw = doc.getMap(OUTLET.settings).toJSON();
  const settings = Object.keys(raw).length ? outletSettingsSchema.safeParse(raw) : null;
  return {
    settings: settings?.success ? settings.data : null,
    categories: entries(doc, OUTLET.categories, categorySchema),
    items: entries(doc, OUTLET.items, itemSchema),
    modifierGroups: entries(doc, OUTLET.modifierGroups, modifierGroupSchema),
    promotions: entries(doc, OUTLET.promotions, promotionSchema),
    devices: entries(doc, OUTLET.devices, deviceSchema),
    staff: entries(doc, OUTLET.staff, staffEntrySchema),
  };
}

/** Sets the given settings keys (each key is last-writer-wins on its own). */
export function patchSettings(doc: Y.Doc, patch: Partial<OutletSettings>): void {
  const map = doc.getMap(OUTLET.settings);
  doc.transact(() => {
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) map.set(key, value);
  });
}

export type OutletMap = (typeof OUTLET)[Exclude<keyof typeof OUTLET, 'settings'>];

export function putEntry<T extends { id: string }>(doc: Y.Doc, map: OutletMap, value: T): void {
  doc.getMap(map).set(value.id, value);
}

export function removeEntry(doc: Y.Doc, map: OutletMap, id: string): void {
  doc.getMap(map).delete(id);
}

/** Business day of an instant at an outlet: the local date, counted from the day start (e.g. 04:00). */
export function outletBusinessDay(instantMs: number, settings: Pick<OutletSettings, 'timeZone' | 'businessDayStart'>): string {
  const [h, m] = settings.businessDayStart.split(':').map(Number);
  const shifted = instantMs - (h * 60 + m) * 60_000;
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: settings.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(shifted);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}
