/**
 * Outlets and back-office users: /api/outlets (list; owners create) and /api/users (owners).
 * The outlet list is also part of every sign-in response (auth.ts).
 */
import { z } from 'zod';
import { USER_ROLES, type UserRole } from '../protocol/roles';
import { currencySchema } from '../protocol/schemas';

/** An outlet as the lists show it (`GET /api/outlets`, sign-in, `/auth/me`). */
export interface OutletView {
  id: string;
  name: string;
  timeZone: string;
  currency: string;
}

export const outletSlug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be a lowercase slug (a-z, 0-9, _ or -)');
export const emailSchema = z.string().trim().toLowerCase().email('must be an email address').max(254);

/** `POST /api/outlets`; `timeZone` is checked as an IANA zone by the route. */
export const outletBody = z.object({
  id: outletSlug,
  name: z.string().trim().min(1, 'is required').max(80),
  timeZone: z.string().min(1, 'is required'),
  currency: currencySchema,
  locale: z.string().min(2).default('id-ID'),
});
export type OutletBody = z.input<typeof outletBody>;

/** `POST /api/users`. */
export const userBody = z.object({
  email: emailSchema,
  name: z.string().trim().min(1, 'is required').max(80),
  password: z.string().min(8, 'must be at least 8 characters').max(200),
  role: z.enum(USER_ROLES),
  outlets: z.array(outletSlug).default([]),
});
export type UserBody = z.input<typeof userBody>;

export interface OutletsResponse {
  outlets: OutletView[];
}
export interface OutletCreated {
  outlet: OutletView;
}

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  outlets: string[];
  createdAt: string;
  disabledAt: string | null;
}
export interface UsersResponse {
  users: UserView[];
}
export interface UserCreated {
  user: Pick<UserView, 'id' | 'email' | 'name' | 'role' | 'outlets'>;
}
