/**
 * Staff of an outlet: /api/outlets/:outlet/staff. The PIN (4–6 digits) is sent once and never
 * returned; the outlet document keeps its hash so terminals check PINs offline.
 */
import { z } from 'zod';
import { STAFF_ROLES, type StaffRole } from '../protocol/roles';
import { entryId } from './ids';

export const pinSchema = z.string().regex(/^\d{4,6}$/, 'must be 4 to 6 digits');
const staffRole = z.enum(STAFF_ROLES);
const staffName = z.string().trim().min(1, 'is required').max(60);

/** `POST /staff`; the id is made up when not given. */
export const staffCreateBody = z.object({ id: entryId.optional(), name: staffName, role: staffRole, pin: pinSchema });
export type StaffCreateBody = z.input<typeof staffCreateBody>;

/** `PATCH /staff/:staffId`: at least one of the three. */
export const staffPatchBody = z
  .object({ name: staffName.optional(), role: staffRole.optional(), pin: pinSchema.optional() })
  .refine((b) => b.name !== undefined || b.role !== undefined || b.pin !== undefined, { message: 'give name, role or pin', path: ['name'] });
export type StaffPatchBody = z.input<typeof staffPatchBody>;

/** A staff member as `GET /staff` lists them (never the PIN or its hash). */
export interface StaffView {
  id: string;
  name: string;
  role: StaffRole;
  createdAt: string;
}
export interface StaffResponse {
  staff: StaffView[];
}
/** `POST /staff` (201) and `PATCH /staff/:staffId`. */
export interface StaffSaved {
  staff: Omit<StaffView, 'createdAt'>;
}
