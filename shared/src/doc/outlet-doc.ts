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
  // No PIN verifier here (issue 13): the outlet document reaches every device. Entries written
  // before still carry `pinHash`; zod strips it on read and `putStaff` / `scrubPinHashes` drop it.
  active: z.boolean().default(true),
});
export type StaffMember = z.infer<typeof staffMemberSchema>;

/**
 * A staff member's approval public key (Ed25519, base64), keyed by the key itself in
 * `approvalKeys`: a PIN change rotates the pair, and old approvals verify against the key in
 * force at their time (`createdAt` ≤ at < `retiredAt`).
 */
export const approvalKeySchema = z.object({
  staffId: z.string().min(1).max(64),
  publicKey: z.string().min(40).max(64),
  createdAt: z.number().int(),
  retiredAt: z.number().int().optional(),
});
export type ApprovalKey = z.infer<typeof approvalKeySchema>;

export interface OutletSnapshot {
  settings: OutletSettings | null;
  categories: Category[];
  items: Item[];
  modifierGroups: ModifierGroup[];
  promotions: Promotion[];
  devices: Device[];
  staff: StaffMember[];
  approvalKeys: ApprovalKey[];
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
    approvalKeys: valuesOf(doc.getMap(OUTLET.approvalKeys), approvalKeySchema),
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

// --- approvals (issue 13, staff PINs and approvals) ---

/** Adds a staff member's new approval key and retires their others at `now` (a PIN change rotates the pair). */
export function putApprovalKey(doc: Y.Doc, staffId: string, publicKey: string, now: number): ApprovalKey {
  const map = doc.getMap(OUTLET.approvalKeys);
  const key = parse(approvalKeySchema, { staffId, publicKey, createdAt: now }, 'approvalKey');
  doc.transact(() => {
    retireApprovalKeys(doc, staffId, now, publicKey);
    if (!map.has(publicKey)) map.set(publicKey, key);
  });
  return key;
}

/** Retires every key of `staffId` still in force (staff removed, PIN changed), except `keep`. */
export function retireApprovalKeys(doc: Y.Doc, staffId: string, now: number, keep?: string): number {
  const map = doc.getMap(OUTLET.approvalKeys);
  let retired = 0;
  doc.transact(() => {
    for (const [publicKey, value] of map.entries()) {
      const parsed = approvalKeySchema.safeParse(value);
      if (!parsed.success || parsed.data.staffId !== staffId || parsed.data.retiredAt !== undefined || publicKey === keep) continue;
      map.set(publicKey, { ...parsed.data, retiredAt: now });
      retired++;
    }
  });
  return retired;
}

/** Rewrites staff entries that still carry a `pinHash` (documents from before issue 13) without it. Returns how many. */
export function scrubPinHashes(doc: Y.Doc): number {
  const map = doc.getMap(OUTLET.staff);
  let scrubbed = 0;
  doc.transact(() => {
    for (const [id, value] of map.entries()) {
      if (!value || typeof value !== 'object' || !('pinHash' in value)) continue;
      const { pinHash: _dropped, ...rest } = value as Record<string, unknown>;
      map.set(id, rest);
      scrubbed++;
    }
  });
  return scrubbed;
}
