/**
 * Request guards, in the order routes use them: `authenticate` (401), `loadOutlet` (404 for
 * an outlet the tenant does not have — row-level security hides it), `requireRole` (403).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { verifyToken } from '../../auth/tokens';
import { forbidden, notFound, unauthorized } from './errors';
import type { ApiContext, OutletRow, Principal, TokenRole } from './context';
import { principalOf } from './context';
import { isRevoked } from '@kiosk/store';
import { withTenant } from '@kiosk/store';

const BEARER = /^Bearer\s+(\S+)$/i;

export function authenticate(ctx: ApiContext): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const match = BEARER.exec(req.header('authorization') ?? '');
    if (!match) throw unauthorized();
    let claims: Awaited<ReturnType<typeof verifyToken>>;
    try {
      claims = await verifyToken(ctx.secret, match[1], { now: ctx.now(), boxKeys: ctx.boxKeys });
    } catch {
      throw unauthorized('the access token is invalid or expired; sign in again or refresh it');
    }
    if (await isRevoked(ctx.store, claims.jti)) throw unauthorized('the access token has been revoked');
    const base = { tenant: claims.tenant, outlet: claims.outlet, jti: claims.jti, exp: claims.exp };
    const deviceId = claims.deviceId ?? '';
    let principal: Principal;
    if (deviceId.startsWith('user:')) {
      const userId = deviceId.slice('user:'.length);
      const user = await withTenant(ctx.store, claims.tenant, (trx) =>
        trx.selectFrom('users').select(['email', 'role', 'disabled_at']).where('id', '=', userId).executeTakeFirst(),
      );
      if (!user || user.disabled_at) throw unauthorized('this account no longer exists or is disabled');
      principal = { kind: 'user', userId, role: user.role, name: user.email, ...base };
    } else if (deviceId.startsWith('staff:')) {
      const staffId = deviceId.slice('staff:'.length);
      const staff = await withTenant(ctx.store, claims.tenant, (trx) =>
        trx.selectFrom('staff').select(['name', 'removed_at']).where('outlet_id', '=', claims.outlet).where('id', '=', staffId).executeTakeFirst(),
      );
      if (!staff || staff.removed_at) throw unauthorized('this staff member no longer exists');
      principal = { kind: 'staff', staffId, role: claims.role as TokenRole, name: staff.name, ...base };
    } else {
      principal = { kind: 'device', deviceId, role: claims.role as TokenRole, name: deviceId, ...base };
    }
    res.locals.principal = principal;
    next();
  };
}

/** Owner and manager can do everything a manager can; `owner` routes are owner-only. */
export function requireRole(...roles: Array<'owner' | 'manager' | 'terminal' | 'kitchen'>): RequestHandler {
  return (_req, res, next) => {
    const p = principalOf(res);
    const allowed = roles.includes(p.role as never) || (p.role === 'owner' && roles.includes('manager'));
    if (!allowed) throw forbidden(`this needs the role ${roles.join(' or ')}; you are signed in as ${p.role}`);
    next();
  };
}

/**
 * Loads `:outlet` of the caller's tenant. Another tenant's outlet is invisible (404). A manager
 * may only use the outlets assigned to them, a device or staff token only its own (403).
 */
export function loadOutlet(ctx: ApiContext): RequestHandler {
  return async (req, res, next) => {
    const p = principalOf(res);
    const outletId = String(req.params.outlet ?? '');
    const found = await withTenant(ctx.store, p.tenant, async (trx) => {
      const outlet = await trx.selectFrom('outlets').select(['tenant_id', 'id', 'name', 'time_zone', 'currency']).where('id', '=', outletId).executeTakeFirst();
      if (!outlet) return { outlet: undefined, assigned: false };
      if (p.kind === 'user' && p.role === 'manager') {
        const link = await trx
          .selectFrom('user_outlets')
          .select('outlet_id')
          .where('user_id', '=', p.userId)
          .where('outlet_id', '=', outletId)
          .executeTakeFirst();
        return { outlet, assigned: link !== undefined };
      }
      return { outlet, assigned: p.kind === 'user' || p.outlet === outletId };
    });
    if (!found.outlet) throw notFound(`outlet ${JSON.stringify(outletId)}`);
    if (!found.assigned) throw forbidden(`you have no access to outlet ${JSON.stringify(outletId)}`);
    res.locals.outlet = found.outlet satisfies OutletRow;
    next();
  };
}
