/**
 * /api/auth: sign-in with email + password (owners, managers), refresh (rotating), sign-out,
 * staff PIN sign-in on a paired terminal, and who-am-I. Bodies as the zod schemas the routes
 * parse with; responses as the types both ends use.
 */
import { z } from 'zod';
import type { StaffRole, TokenRole, UserRole } from '../protocol/roles';
import { emailSchema, type OutletView } from './outlets';
import { pinSchema } from './staff';

const outletChoice = z.string().min(1).max(63).optional();

export const loginBody = z.object({
  email: emailSchema,
  password: z.string().min(1, 'is required').max(200),
  outlet: outletChoice,
  /** The organisation (tenant id or name), needed only when one email has accounts in two (409 `ambiguous_account`). */
  tenant: z.string().trim().min(1).max(100).optional(),
});
export type LoginBody = z.input<typeof loginBody>;

/**
 * The refresh token travels only in the httpOnly cookie `kiosk_refresh` (Path=/api/auth,
 * SameSite=Strict, Secure under TLS), never in a body: a script on the page cannot read it.
 * A `refreshToken` field in a body is stripped by these schemas and ignored.
 */
export const REFRESH_COOKIE = 'kiosk_refresh';
export const REFRESH_COOKIE_PATH = '/api/auth';

export const refreshBody = z.object({ outlet: outletChoice });
export type RefreshBody = z.input<typeof refreshBody>;

export const logoutBody = z.object({});
export type LogoutBody = z.input<typeof logoutBody>;

export const pinBody = z.object({
  pin: pinSchema,
  staffId: z.string().min(1).max(64).optional(),
});
export type PinBody = z.input<typeof pinBody>;

/** The tokens of a person's sign-in; times are epoch milliseconds. The refresh token itself is in the `kiosk_refresh` cookie only. */
export interface UserSession {
  accessToken: string;
  expiresAt: number;
  refreshExpiresAt: number;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  tenant: string;
}

/** `POST /api/auth/login` and `POST /api/auth/refresh`. `outlet` is the one the access token opens. */
export interface SignInResponse extends UserSession {
  user: SessionUser;
  outlet: string;
  outlets: OutletView[];
}

/** `POST /api/auth/pin`: staff tokens never carry `owner` (an owner on a terminal acts as a manager). */
export interface PinSignInResponse {
  accessToken: string;
  expiresAt: number;
  role: Extract<TokenRole, 'terminal' | 'manager' | 'kitchen'>;
  staff: { id: string; name: string; role: StaffRole };
}

/** `GET /api/auth/me`. */
export interface MeResponse {
  kind: 'user' | 'staff' | 'device';
  id: string;
  name: string;
  role: TokenRole;
  tenant: string;
  outlet: string;
  expiresAt: number;
  outlets: OutletView[];
}
