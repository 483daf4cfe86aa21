/**
 * Who is calling, and which outlet a request is about. Access tokens are the relay's (jose
 * HS256, `signToken`/`verifyToken`); the API tells people from devices by the token's
 * `deviceId`: `user:<id>` for owners/managers signed in with email + password,
 * `staff:<id>` for staff signed in with a PIN on a terminal, else a paired device's id.
 */
import type { Request, Response } from 'express';
import { unreachable, type TokenRole, type UserRole } from '@kiosk/shared';
import type { KioskDatabase } from '@kiosk/store';
import type { RelayPort } from './relay-port';
import type { LimitRules, Limiters } from '../auth/sign-in-limiter';
import type { BoxKeyResolver } from '../../auth/tokens';

export type { TokenRole };

export type Principal =
  | { kind: 'user'; userId: string; role: UserRole; tenant: string; outlet: string; jti: string; exp: number; name: string }
  | { kind: 'staff'; staffId: string; role: TokenRole; tenant: string; outlet: string; jti: string; exp: number; name: string }
  | { kind: 'device'; deviceId: string; role: TokenRole; tenant: string; outlet: string; jti: string; exp: number; name: string };

/** The id written as actor into the audit log and as the editor of document changes. */
export function actorId(p: Principal): string {
  switch (p.kind) {
    case 'user':
      return `user:${p.userId}`;
    case 'staff':
      return `staff:${p.staffId}`;
    case 'device':
      return p.deviceId;
    default:
      return unreachable(p, 'principal');
  }
}

export interface OutletRow {
  tenant_id: string;
  id: string;
  name: string;
  time_zone: string;
  currency: string;
}

export interface ApiDeps {
  /** On a LAN box: the cloud relay it forwards to (wss://…/sync). Devices paired here are told both (`relays` in the pair answer). */
  upstreamRelay?: string;
  store: KioskDatabase;
  /** Token signing secret shared with the relay. */
  secret: string | Uint8Array;
  relay: RelayPort;
  /** Injected clock (tests); default Date.now. */
  now?: () => number;
  /** Logger for unexpected errors; default console.error. */
  log?: (message: string, error?: unknown) => void;
  /** Sign-in throttles (stored in `auth_attempts`); defaults in `DEFAULT_LIMIT_RULES`. */
  limits?: Partial<LimitRules>;
  /**
   * Origins besides the server's own that may use the refresh cookie (`/api/auth/refresh`,
   * `/api/auth/logout`) and get credentialed CORS answers, e.g. `https://office.example.com`.
   */
  allowedOrigins?: readonly string[];
  /**
   * Keys of LAN boxes, for box-signed device tokens (auth/tokens.ts). Default: the relay's
   * (`relay.boxKeys`), else a `box_keys` lookup cached 5 s (auth/box-keys.ts).
   */
  boxKeys?: BoxKeyResolver;
}

export interface ApiContext {
  store: KioskDatabase;
  secret: string | Uint8Array;
  relay: RelayPort;
  now: () => number;
  log: (message: string, error?: unknown) => void;
  limits: Limiters;
  allowedOrigins: readonly string[];
  boxKeys: BoxKeyResolver;
  upstreamRelay?: string;
  /** Forgets a cached box key everywhere in this process (after revoking the box). */
  forgetBoxKey(kid: string): void;
}

export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new Error('route needs authenticate() before it');
  return p;
}

export function outletOf(res: Response): OutletRow {
  const o = res.locals.outlet as OutletRow | undefined;
  if (!o) throw new Error('route needs loadOutlet() before it');
  return o;
}

export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
