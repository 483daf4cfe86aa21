/**
 * Outlets and back-office users of a tenant: /api/outlets (list; owners create),
 * /api/users (owners only).
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { outletBody, userBody, writeSettings, type OutletCreated, type OutletsResponse, type UserCreated, type UsersResponse } from '@kiosk/shared';
import { writeAudit } from '../http/audit';
import { actorId, principalOf, type ApiContext } from '../http/context';
import { badRequest, conflict, notFound } from '../http/errors';
import { editOutletDoc } from './outlet-doc';
import { outletsForUser } from './outlets';
import { hashPassword } from '../auth/passwords';
import { requireRole } from '../http/middleware';
import { revokeJti } from '@kiosk/store';
import { endTokens } from '../auth/token-ledger';
import { withTenant } from '@kiosk/store';
import { parseInput } from '../http/validate';
import { isTimeZone } from '../catalog/routes';
import { loadOutlet } from '../http/middleware';
import { listRestorePoints, restoreOutlet } from './restore';

export function peopleRoutes(ctx: ApiContext): Router {
  const router = Router();

  router.get('/outlets', async (_req, res) => {
    const p = principalOf(res);
    const outlets = await withTenant(ctx.store, p.tenant, async (trx) => {
      if (p.kind === 'user') return outletsForUser(trx, { id: p.userId, role: p.role });
      const rows = await trx.selectFrom('outlets').select(['id', 'name', 'time_zone', 'currency']).where('id', '=', p.outlet).execute();
      return rows.map((r) => ({ id: r.id, name: r.name, timeZone: r.time_zone, currency: r.currency }));
    });
    res.json({ outlets } satisfies OutletsResponse);
  });

  router.post('/outlets', requireRole('owner'), async (req, res) => {
    const p = principalOf(res);
    const body = parseInput(outletBody, req.body);
    if (!isTimeZone(body.timeZone)) throw badRequest(`timeZone: ${JSON.stringify(body.timeZone)} is not an IANA time zone`, 'timeZone');
    await withTenant(ctx.store, p.tenant, async (trx) => {
      const exists = await trx.selectFrom('outlets').select('id').where('id', '=', body.id).executeTakeFirst();
      if (exists) throw conflict(`id: outlet ${JSON.stringify(body.id)} already exists`, 'id');
      await trx
        .insertInto('outlets')
        .values({ tenant_id: p.tenant, id: body.id, name: body.name, time_zone: body.timeZone, currency: body.currency })
        .execute();
    });
    await editOutletDoc(ctx, p, body.id, { action: 'outlet.create', details: { id: body.id, name: body.name } }, (doc) =>
      writeSettings(doc, {
        name: body.name,
        currency: body.currency,
        locale: body.locale,
        timeZone: body.timeZone,
        businessDayStart: '04:00',
        taxes: [],
        serviceCharge: null,
        manualDiscountLimitBp: 1000,
        kitchenWarnSeconds: 300,
        kitchenLateSeconds: 600,
      }),
    );
    res.status(201).json({ outlet: { id: body.id, name: body.name, timeZone: body.timeZone, currency: body.currency } } satisfies OutletCreated);
  });

  router.get('/users', requireRole('owner'), async (_req, res) => {
    const p = principalOf(res);
    const users = await withTenant(ctx.store, p.tenant, async (trx) => {
      const rows = await trx.selectFrom('users').select(['id', 'email', 'name', 'role', 'created_at', 'disabled_at']).orderBy('email').execute();
      const links = await trx.selectFrom('user_outlets').select(['user_id', 'outlet_id']).execute();
      return rows.map((r) => ({
        id: r.id,
        email: r.email,
        name: r.name,
        role: r.role,
        outlets: links.filter((l) => l.user_id === r.id).map((l) => l.outlet_id),
        createdAt: r.created_at.toISOString(),
        disabledAt: r.disabled_at?.toISOString() ?? null,
      }));
    });
    res.json({ users } satisfies UsersResponse);
  });

  router.post('/users', requireRole('owner'), async (req, res) => {
    const p = principalOf(res);
    const body = parseInput(userBody, req.body);
    const id = randomUUID();
    const passwordHash = await hashPassword(body.password);
    // Emails are unique per tenant (migration 2026-12-03-500): the check sees only the caller's
    // tenant (row-level security), so whether the address has an account elsewhere never shows.
    // The unique index on (email, tenant_id) settles a race between two owners of one tenant.
    await withTenant(ctx.store, p.tenant, async (trx) => {
      const taken = await trx.selectFrom('users').select('id').where('email', '=', body.email).executeTakeFirst();
      if (taken) throw conflict('email: this email address is already used by an account of your organisation', 'email');
      const outlets = await trx.selectFrom('outlets').select('id').execute();
      body.outlets.forEach((o, i) => {
        if (!outlets.some((x) => x.id === o)) throw badRequest(`outlets.${i}: no outlet ${JSON.stringify(o)}`, `outlets.${i}`);
      });
      await trx
        .insertInto('users')
        .values({ id, tenant_id: p.tenant, email: body.email, name: body.name, role: body.role, password_hash: passwordHash })
        .execute()
        .catch((error: unknown) => {
          if ((error as { code?: string }).code === '23505')
            throw conflict('email: this email address is already used by an account of your organisation', 'email');
          throw error;
        });
      if (body.outlets.length)
        await trx
          .insertInto('user_outlets')
          .values(body.outlets.map((o) => ({ tenant_id: p.tenant, user_id: id, outlet_id: o })))
          .execute();
      await writeAudit(trx, {
        tenant: p.tenant,
        outlet: null,
        actor: actorId(p),
        action: 'user.create',
        details: { id, email: body.email, role: body.role, outlets: body.outlets },
      });
    });
    res.status(201).json({ user: { id, email: body.email, name: body.name, role: body.role, outlets: body.outlets } } satisfies UserCreated);
  });

  router.delete('/users/:userId', requireRole('owner'), async (req, res) => {
    const p = principalOf(res);
    const userId = String(req.params.userId);
    if (p.kind === 'user' && p.userId === userId) throw conflict('you cannot disable your own account', 'userId');
    const jtis = await withTenant(ctx.store, p.tenant, async (trx) => {
      const user = await trx
        .updateTable('users')
        .set({ disabled_at: new Date(ctx.now()) })
        .where('id', '=', userId)
        .where('disabled_at', 'is', null)
        .returning(['id', 'email'])
        .executeTakeFirst();
      if (!user) throw notFound(`user ${JSON.stringify(userId)}`);
      const tokens = await trx
        .updateTable('refresh_tokens')
        .set({ revoked_at: new Date(ctx.now()) })
        .where('user_id', '=', userId)
        .returning('access_jti')
        .execute();
      await writeAudit(trx, { tenant: p.tenant, outlet: null, actor: actorId(p), action: 'user.disable', details: { id: userId, email: user.email } });
      return tokens.map((t) => t.access_jti).filter((j): j is string => !!j);
    });
    for (const jti of jtis) {
      await revokeJti(ctx.store.db, jti);
      ctx.relay.disconnect({ tokenId: jti });
    }
    await endTokens(ctx, { tenant: p.tenant, subject: `user:${userId}` }, 'user_disabled');
    res.status(204).end();
  });

  // Recovery: restore the outlet document to a point in time (owners only; another tenant's outlet is 404 first).
  router.get('/outlets/:outlet/restore-points', loadOutlet(ctx), requireRole('owner'), listRestorePoints(ctx));
  router.post('/outlets/:outlet/restore', loadOutlet(ctx), requireRole('owner'), restoreOutlet(ctx));

  return router;
}
