/**
 * Menu and settings: /api/outlets/:outlet/{catalog,settings,categories,items,modifier-groups,promotions}.
 * The bodies are the document's own zod schemas (protocol/schemas.ts), so the back-office can
 * never write what a terminal would refuse; the `id` of a PUT comes from the path.
 */
import { z } from 'zod';
import { categorySchema, itemSchema, modifierGroupSchema, outletSettingsSchema, promotionSchema } from '../protocol/schemas';
import type { CatalogKind, OutletSnapshot, StaffMember } from '../doc/outlet-doc';

/** The body of `PUT /<kind>/:id` per catalog kind. */
export const CATALOG_BODIES = {
  categories: categorySchema,
  items: itemSchema,
  modifierGroups: modifierGroupSchema,
  promotions: promotionSchema,
} as const satisfies Partial<Record<CatalogKind, z.ZodType>>;
export type CatalogEntryKind = keyof typeof CATALOG_BODIES;

/** `PATCH /settings`: any subset of the settings, nothing else. */
export const settingsPatchBody = z.object(outletSettingsSchema.shape).partial().strict();
export type SettingsPatchBody = z.input<typeof settingsPatchBody>;

/** `POST /items/:id/availability` (86 an item). */
export const availabilityBody = z.object({ available: z.boolean() });
export type AvailabilityBody = z.input<typeof availabilityBody>;

/** `GET /catalog`: the outlet document as the back-office shows it, staff without PIN hashes. */
export type CatalogView = Omit<OutletSnapshot, 'staff'> & { staff: Array<Pick<StaffMember, 'id' | 'name' | 'role'>> };
