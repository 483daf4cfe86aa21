/**
 * /api/auth — sign-in with email + password (owners, managers), staff PIN on a paired
 * terminal, refresh (rotating), sign-out (revokes), and who-am-I.
 */
import { Router } from 'express';
import { ErrorCode, loginBody, logoutBody, pinBody, refreshBody, type MeResponse, type PinSignInResponse, type SignInResponse } from '@kiosk/shared';
import { writeAudit } from '../http/audit';
import { actorId, clientIp, principalOf, type ApiContext } from '../http/context';
import { ApiError, forbidden, rateLimited, unauthorized } from '../http/errors';
import { beginAll, type Attempt, type StoredLimiter } from './sign-in-limiter';
import { authenticate, requireRole } from '../http/middleware';
import { outletsForUser } from '../outlets/outlets';
import { dummyPasswordHash, verifyPassword } from './passwords';
import { revokeJti } from '@kiosk/store';
import { issueRecorded, recordUserSession, sha256, STAFF_ACCESS_TTL_SECONDS, startUserSession } from './sessions';
import { checkCookieOrigin, clearRefreshCookie, readRefreshCookie, setRefreshCookie } from './refresh-cookie';
import { withTenant } from '@kiosk/store';
import { parseInput } from '../http/validate';
import { verifyStaffPin } from '../staff/pin-verifier';

export function authRoutes(ctx: ApiContext): Router {
  const router = Router();

  router.post('/login', async (req, res) => {
    const body = parseInput(loginBody, req.body);
    const ip = clientIp(req);
    // Per address across accounts (one address trying many accounts), then per account from any
    // address (a botnet trying one account). Both are counted before the password is checked.
    const counted = await beginAll([
      [ctx.limits.signInIp, ip],
      [ctx.limits.signInAccount, body.email.toLowerCase()],
    ]);
    if ('retryAfter' in counted) {
      const who = counted.key === ip ? 'from your address' : `for ${body.email}`;
      throw rateLimited(`too many sign-in attempts ${who}; try again in ${counted.retryAfter} s`, counted.retryAfter);
    }
    const [fromIp, attempt] = counted.attempts as [Attempt, Attempt];
    // Tenant unknown until the account is found: this one lookup runs as the table owner.
    // Emails are unique per tenant (migration 2026-12-03-500), so an address may have accounts
    // in several; `tenant` (id or name) narrows them. The password picks among the rest: only a
    // caller who knows it for two accounts learns that the address is ambiguous (409).
    const candidates = await ctx.store.db
      .selectFrom('users')
      .innerJoin('tenants', 'tenants.tenant_id', 'users.tenant_id')
      .select([
        'users.id',
        'users.tenant_id',
        'users.email',
        'users.name',
        'users.role',
        'users.password_hash',
        'users.disabled_at',
        'tenants.name as tenant_name',
      ])
      .where('users.email', '=', body.email)
      .orderBy('users.tenant_id')
      .execute();
    const wanted = body.tenant?.toLowerCase();
    const inTenant = wanted ? candidates.filter((c) => c.tenant_id.toLowerCase() === wanted || c.tenant_name.toLowerCase() === wanted) : candidates;
    const matching: typeof inTenant = [];
    for (const c of inTenant) if (await verifyPassword(body.password, c.password_hash)) matching.push(c);
    if (inTenant.length === 0) await verifyPassword(body.password, await dummyPasswordHash());
    const usable = matching.filter((c) => !c.disabled_at);
    if (usable.length > 1) {
      // The password was right: both attempts are taken back, nothing is cleared.
      await attempt.ok();
      await fromIp.ok();
      throw new ApiError(ErrorCode.ambiguousAccount, 'this email has accounts in more than one organisation; say which one', 'tenant');
    }
    const user = usable[0] ?? inTenant[0];
    const ok = usable.length === 1;
    if (!user || !ok || user.disabled_at) {
      for (const c of inTenant) {
        await withTenant(ctx.store, c.tenant_id, (trx) =>
          writeAudit(trx, {
            tenant: c.tenant_id,
            outlet: null,
            actor: `user:${c.id}`,
            action: 'auth.sign_in_failed',
            details: { email: c.email, ip: clientIp(req) },
          }),
        );
      }
      throw unauthorized('email or password is wrong');
    }
    // The account proved itself: its own count is cleared; the address only gets this attempt back.
    await attempt.ok({ clearKey: true });
    await fromIp.ok();
    const result = await withTenant(ctx.store, user.tenant_id, async (trx) => {
      const outlets = await outletsForUser(trx, user);
      const outlet = pickOutlet(outlets, body.outlet);
      const started = await startUserSession(ctx, trx, { id: user.id, tenant: user.tenant_id, role: user.role }, outlet);
      await writeAudit(trx, {
        tenant: user.tenant_id,
        outlet: null,
        actor: `user:${user.id}`,
        action: 'auth.sign_in',
        details: { email: user.email, ip: clientIp(req) },
      });
      return {
        started,
        body: {
          ...started.session,
          user: { id: user.id, email: user.email, name: user.name, role: user.role, tenant: user.tenant_id },
          outlet,
          outlets,
        } satisfies SignInResponse,
      };
    });
    await recordUserSession(ctx, user.tenant_id, user.id, result.started);
    setRefreshCookie(req, res, result.started.refreshToken, result.started.session.refreshExpiresAt, ctx.now());
    res.json(result.body);
  });

  router.post('/refresh', async (req, res) => {
    checkCookieOrigin(req, ctx.allowedOrigins);
    // A `refreshToken` in the body is stripped by the schema: only the httpOnly cookie counts.
    const body = parseInput(refreshBody, req.body ?? {});
    const presented = readRefreshCookie(req);
    if (!presented) throw unauthorized('no sign-in cookie (kiosk_refresh); sign in again');
    const hash = sha256(presented);
    // Opaque token, tenant unknown: owner lookup, then everything else under the tenant.
    const row = await ctx.store.db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
    if (!row || row.revoked_at || row.expires_at.getTime() <= ctx.now()) {
      clearRefreshCookie(req, res);
      throw unauthorized('the refresh token is invalid or expired; sign in again');
    }
    const outcome = await withTenant(ctx.store, row.tenant_id, async (trx) => {
      const claimed = await trx
        .updateTable('refresh_tokens')
        .set({ used_at: new Date(ctx.now()) })
        .where('id', '=', row.id)
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (!claimed) {
        // Reuse of a rotated token: someone else holds a copy. Sign the whole family out.
        const family = await trx
          .updateTable('refresh_tokens')
          .set({ revoked_at: new Date(ctx.now()) })
          .where('family_id', '=', row.family_id)
          .returning('access_jti')
          .execute();
        await writeAudit(trx, {
          tenant: row.tenant_id,
          outlet: null,
          actor: `user:${row.user_id}`,
          action: 'auth.refresh_reused',
          details: { family: row.family_id },
        });
        return { kind: 'reused' as const, jtis: family.map((f) => f.access_jti).filter((j): j is string => !!j) };
      }
      const user = await trx.selectFrom('users').select(['id', 'email', 'name', 'role', 'disabled_at']).where('id', '=', row.user_id).executeTakeFirst();
      if (!user || user.disabled_at) return { kind: 'gone' as const };
      const outlets = await outletsForUser(trx, user);
      const outlet = pickOutlet(outlets, body.outlet ?? row.outlet_id);
      const started = await startUserSession(ctx, trx, { id: user.id, tenant: row.tenant_id, role: user.role }, outlet, row.family_id);
      return {
        kind: 'ok' as const,
        started,
        userId: user.id,
        body: {
          ...started.session,
          user: { id: user.id, email: user.email, name: user.name, role: user.role, tenant: row.tenant_id },
          outlet,
          outlets,
        } satisfies SignInResponse,
      };
    });
    if (outcome.kind === 'reused') {
      for (const jti of outcome.jtis) {
        await revokeJti(ctx.store.db, jti);
        ctx.relay.disconnect({ tokenId: jti });
      }
      clearRefreshCookie(req, res);
      throw unauthorized('this refresh token was already used; every session of this sign-in has been revoked, sign in again');
    }
    if (outcome.kind === 'gone') {
      clearRefreshCookie(req, res);
      throw unauthorized('this account no longer exists or is disabled');
    }
    await recordUserSession(ctx, row.tenant_id, outcome.userId, outcome.started);
    setRefreshCookie(req, res, outcome.started.refreshToken, outcome.started.session.refreshExpiresAt, ctx.now());
    res.json(outcome.body);
  });

  router.post('/logout', (req, _res, next) => {
    // Before authentication: a foreign page must learn nothing, not even whether its token is good.
    checkCookieOrigin(req, ctx.allowedOrigins);
    next();
  });
  router.post('/logout', authenticate(ctx), async (req, res) => {
    parseInput(logoutBody, req.body ?? {});
    const p = principalOf(res);
    const jtis = [p.jti];
    const refreshToken = readRefreshCookie(req);
    await withTenant(ctx.store, p.tenant, async (trx) => {
      if (refreshToken && p.kind === 'user') {
        const row = await trx
          .selectFrom('refresh_tokens')
          .select('family_id')
          .where('token_hash', '=', sha256(refreshToken))
          .where('user_id', '=', p.userId)
          .executeTakeFirst();
        if (row) {
          const family = await trx
            .updateTable('refresh_tokens')
            .set({ revoked_at: new Date(ctx.now()) })
            .where('family_id', '=', row.family_id)
            .returning('access_jti')
            .execute();
          for (const f of family) if (f.access_jti) jtis.push(f.access_jti);
        }
      }
      await writeAudit(trx, { tenant: p.tenant, outlet: null, actor: actorId(p), action: 'auth.sign_out', details: {} });
    });
    for (const jti of new Set(jtis)) {
      await revokeJti(ctx.store.db, jti);
      ctx.relay.disconnect({ tokenId: jti });
    }
    clearRefreshCookie(req, res);
    res.status(204).end();
  });

  router.post('/pin', authenticate(ctx), requireRole('terminal'), async (req, res) => {
    const p = principalOf(res);
    if (p.kind !== 'device') throw forbidden('PIN sign-in needs a paired terminal’s device token');
    const body = parseInput(pinBody, req.body);
    // Per terminal, per address, and per staff member when the terminal names who signs in.
    const counted = await beginAll([
      [ctx.limits.pinIp, clientIp(req)],
      [ctx.limits.pinDevice, p.deviceId],
      ...(body.staffId ? [[ctx.limits.pinStaff, `${p.tenant}|${body.staffId}`] as [StoredLimiter, string]] : []),
    ]);
    if ('retryAfter' in counted) throw rateLimited(`too many wrong PINs on this terminal; try again in ${counted.retryAfter} s`, counted.retryAfter);
    const [fromIp, onDevice, forStaff] = counted.attempts as [Attempt, Attempt, Attempt | undefined];
    const staff = await withTenant(ctx.store, p.tenant, async (trx) => {
      let query = trx.selectFrom('staff').select(['id', 'name', 'role', 'pin_hash']).where('outlet_id', '=', p.outlet).where('removed_at', 'is', null);
      if (body.staffId) query = query.where('id', '=', body.staffId);
      const candidates = await query.execute();
      // Old PBKDF2 verifiers are upgraded to argon2id on success (staff/pin-verifier.ts).
      for (const s of candidates) if (await verifyStaffPin(trx, s, body.pin)) return s;
      return undefined;
    });
    if (!staff) throw unauthorized('wrong PIN');
    // Only this attempt is taken back from the terminal and the address: their other failures
    // (guesses at someone else's PIN) stay counted. The proven staff member's own count is cleared.
    await fromIp.ok();
    await onDevice.ok();
    await forStaff?.ok({ clearKey: true });
    // Staff tokens never carry the owner role: an owner on a terminal acts as a manager there.
    const role = staff.role === 'manager' || staff.role === 'owner' ? 'manager' : staff.role === 'kitchen' ? 'kitchen' : 'terminal';
    // Recorded with the terminal that issued it: the token ends when the staff member is removed,
    // their PIN or role changes, or this terminal is revoked (token-ledger.ts).
    const access = await issueRecorded(
      ctx,
      { tenant: p.tenant, outlet: p.outlet, role, deviceId: `staff:${staff.id}`, ttlSeconds: STAFF_ACCESS_TTL_SECONDS },
      { kind: 'staff', staffId: staff.id, issuingDevice: p.deviceId },
    );
    await withTenant(ctx.store, p.tenant, (trx) =>
      writeAudit(trx, {
        tenant: p.tenant,
        outlet: p.outlet,
        actor: `staff:${staff.id}`,
        action: 'auth.pin_sign_in',
        details: { staff: staff.name, device: p.deviceId },
      }),
    );
    res.json({
      accessToken: access.token,
      expiresAt: access.expiresAt,
      role,
      staff: { id: staff.id, name: staff.name, role: staff.role },
    } satisfies PinSignInResponse);
  });

  router.get('/me', authenticate(ctx), async (_req, res) => {
    const p = principalOf(res);
    const outlets = await withTenant(ctx.store, p.tenant, async (trx) => {
      if (p.kind === 'user') return outletsForUser(trx, { id: p.userId, role: p.role });
      const rows = await trx.selectFrom('outlets').select(['id', 'name', 'time_zone', 'currency']).where('id', '=', p.outlet).execute();
      return rows.map((r) => ({ id: r.id, name: r.name, timeZone: r.time_zone, currency: r.currency }));
    });
    res.json({
      kind: p.kind,
      id: actorId(p),
      name: p.name,
      role: p.role,
      tenant: p.tenant,
      outlet: p.outlet,
      expiresAt: p.exp * 1000,
      outlets,
    } satisfies MeResponse);
  });

  return router;
}

function pickOutlet(outlets: Array<{ id: string }>, wanted: string | undefined): string {
  if (wanted) {
    if (!outlets.some((o) => o.id === wanted)) throw forbidden(`you have no access to outlet ${JSON.stringify(wanted)}`);
    return wanted;
  }
  // A token always names an outlet; an owner without one yet gets a placeholder that opens no document.
  return outlets[0]?.id ?? 'none';
}
