/**
 * Typed accessors over the outlet document (`{tenant}/{outlet}`). Every write is validated
 * with the zod schema first; a bad value throws `InvalidValue` naming the field and nothing
 * is written.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import {
  categorySchema,
  deviceSchema,
  formatZodError,
  itemSchema,
  modifierGroupSchema,
  outletSettingsSchema,
  promotionSchema,
  type Category,
  type Device,
  type Item,
  type ModifierGroup,
  type OutletSettings,
  type Promotion,
} from '../protocol/schemas';
import { STAFF_ROLES } from '../protocol/roles';
import { OUTLET } from './layout';

export const staffRoleSchema = z.enum(STAFF_ROLES);
export const staffMemberSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1),
  role: staffRoleSchema,
  /** `pbkdf2-sha256$iterations$salt$hash` (see pin.ts); lets terminals check PINs offline. */
  pinHash: z.string().optional(),
  active: z.boolean().default(true),
});
export type StaffMember = z.infer<typeof staffMemberSchema>;

export interface OutletSnapshot {
  settings: OutletSettings | null;
  categories: Category[];
  items: Item[];
  modifierGroups: ModifierGroup[];
  promotions: Promotion[];
  devices: Device[];
  staff: StaffMember[];
}

export class InvalidValue extends Error {
  override name = 'InvalidValue';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const first = result.error.issues[0];
    throw new InvalidValue([what, ...(first?.path ?? []).map(String)].join('.'), `${what}: ${formatZodError(result.error)}`);
  }
  return result.data;
}

/** Values of a map that pass their schema; a malformed entry (from a buggy peer) is skipped, not fatal. */
function valuesOf<T>(map: Y.Map<unknown>, schema: z.ZodType<T>): T[] {
  const out: T[] = [];
  for (const value of map.values()) {
    const parsed = schema.safeParse(value);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

const bySortThenName = <T extends { name: string; sort?: number }>(a: T, b: T) => (a.sort ?? 0) - (b.sort ?? 0) || a.name.localeCompare(b.name);

export function readSettings(doc: Y.Doc): OutletSettings | null {
  const map = doc.getMap(OUTLET.settings);
  if (map.size === 0) return null;
  const parsed = outletSettingsSchema.safeParse(map.toJSON());
  return parsed.success ? parsed.data : null;
}

export function readOutlet(doc: Y.Doc): OutletSnapshot {
  return {
    settings: readSettings(doc),
    categories: valuesOf(doc.getMap(OUTLET.categories), categorySchema).sort(bySortThenName),
    items: valuesOf(doc.getMap(OUTLET.items), itemSchema).sort(bySortThenName),
    modifierGroups: valuesOf(doc.getMap(OUTLET.modifierGroups), modifierGroupSchema),
    promotions: valuesOf(doc.getMap(OUTLET.promotions), promotionSchema),
    devices: valuesOf(doc.getMap(OUTLET.devices), deviceSchema),
    staff: valuesOf(doc.getMap(OUTLET.staff), staffMemberSchema),
  };
}

/** Merges `patch` into the settings; the result must be complete and valid. */
export function writeSettings(doc: Y.Doc, patch: Partial<OutletSettings>): OutletSettings {
  const map = doc.getMap(OUTLET.settings);
  const merged = parse(outletSettingsSchema, { ...map.toJSON(), ...patch }, 'settings');
  doc.transact(() => {
    for (const [key, value] of Object.entries(merged)) {
      if (JSON.stringify(map.get(key)) !== JSON.stringify(value)) map.set(key, value);
    }
  });
  return merged;
}

function put<T extends { id: string }>(doc: Y.Doc, mapName: string, schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = parse(schema, value, what);
  const map = doc.getMap(mapName);
  if (JSON.stringify(map.get(parsed.id)) !== JSON.stringify(parsed)) map.set(parsed.id, parsed);
  return parsed;
}

export const putCategory = (doc: Y.Doc, value: Category | z.input<typeof categorySchema>) => put(doc, OUTLET.categories, categorySchema, value, 'category');
export const putItem = (doc: Y.Doc, value: Item | z.input<typeof itemSchema>) => put(doc, OUTLET.items, itemSchema, value, 'item');
export const putModifierGroup = (doc: Y.Doc, value: ModifierGroup | z.input<typeof modifierGroupSchema>) =>
  put(doc, OUTLET.modifierGroups, modifierGroupSchema, value, 'modifierGroup');
export const putPromotion = (doc: Y.Doc, value: Promotion | z.input<typeof promotionSchema>) =>
  put(doc, OUTLET.promotions, promotionSchema, value, 'promotion');
export const putDevice = (doc: Y.Doc, value: Device | z.input<typeof deviceSchema>) => put(doc, OUTLET.devices, deviceSchema, value, 'device');
export const putStaff = (doc: Y.Doc, value: StaffMember | z.input<typeof staffMemberSchema>) => put(doc, OUTLET.staff, staffMemberSchema, value, 'staff');

/** 86 an item (available = false) or bring it back. */
export function setItemAvailable(doc: Y.Doc, itemId: string, available: boolean): Item {
  const current = doc.getMap(OUTLET.items).get(itemId);
  if (current === undefined) throw new InvalidValue('itemId', `unknown item ${JSON.stringify(itemId)}`);
  return putItem(doc, { ...(current as Item), available });
}

export type CatalogKind = 'categories' | 'items' | 'modifierGroups' | 'promotions' | 'devices' | 'staff';

export function removeCatalogEntry(doc: Y.Doc, kind: CatalogKind, id: string): boolean {
  const map = doc.getMap(OUTLET[kind]);
  if (!map.has(id)) return false;
  map.delete(id);
  return true;
}
