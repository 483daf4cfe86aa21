/**
 * Who numbers the outlet's orders (issue 14): GET shows the authority, its hand-overs and the
 * boxes it could move to; POST (owner) moves it — to the cloud when a box is retired, or to
 * another paired box — as an audited entry of the outlet document's numbering record
 * (`@kiosk/shared` domain/numbering-authority.ts). The move never renumbers anything: the new
 * authority starts once the old one released its last numbers, or at once with `force` when the
 * old box is gone for good (it can then never release; its token is revoked with it).
 */
import { Router } from 'express';
import {
  appendNumberingEntry,
  boxAuthority,
  boxOfAuthority,
  CLOUD_AUTHORITY,
  handOverTo,
  numberingArray,
  numberingEntrySchema,
  numberingMoveBody,
  numberingState,
  outletDocName,
  readNumbering,
  type NumberingAuthority,
  type NumberingHandOverView,
  type NumberingPartyView,
  type NumberingView,
  type ReleaseEntry,
} from '@kiosk/shared';
import { withTenant } from '@kiosk/store';
import { writeAudit } from '../http/audit';
import { actorId, outletOf, principalOf, type ApiContext } from '../http/context';
import { badRequest, conflict } from '../http/errors';
import { requireRole } from '../http/middleware';
import { parseInput } from '../http/validate';

const BOX_KIND = 'box';

/** Pure: the view of a numbering record, with box names from the devices table. */
export function numberingView(raw: readonly unknown[], boxNames: ReadonlyMap<string, string>, activeBoxes: readonly string[]): NumberingView {
  const party = (authority: NumberingAuthority): NumberingPartyView => {
    const box = boxOfAuthority(authority);
    return box === null ? { kind: 'cloud', boxId: null, name: null } : { kind: 'box', boxId: box, name: boxNames.get(box) ?? null };
  };
  const entries = raw.flatMap((value) => {
    const parsed = numberingEntrySchema.safeParse(value);
    return parsed.success ? [parsed.data] : [];
  });
  const releases = new Map<number, ReleaseEntry>();
  for (const e of entries) if (e.kind === 'release') releases.set(e.epoch, e);
  const state = numberingState(raw);
  const history: NumberingHandOverView[] = entries
    .filter((e) => e.kind === 'handover')
    .sort((a, b) => a.epoch - b.epoch)
    .map((h) => {
      const release = releases.get(h.epoch);
      return {
        epoch: h.epoch,
        from: party(h.from),
        to: party(h.authority),
        at: h.at,
        reason: h.reason,
        force: h.force,
        releasedAt: release && release.authority === h.from ? release.at : null,
      };
    });
  return { current: party(state.authority), waitingForRelease: !state.released, history, boxes: activeBoxes.map((id) => party(boxAuthority(id))) };
}

async function boxesOf(ctx: ApiContext, tenant: string, outlet: string) {
  const rows = await withTenant(ctx.store, tenant, (trx) =>
    trx.selectFrom('devices').select(['id', 'name', 'kind', 'revoked_at']).where('outlet_id', '=', outlet).execute(),
  );
  return rows.filter((r) => String(r.kind) === BOX_KIND);
}

export function numberingRoutes(ctx: ApiContext): Router {
  const router = Router({ mergeParams: true });

  router.get('/numbering', async (_req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const boxes = await boxesOf(ctx, p.tenant, outlet.id);
    const doc = await ctx.relay.getDoc(outletDocName(p.tenant, outlet.id));
    res.json(
      numberingView(
        numberingArray(doc).toArray(),
        new Map(boxes.map((b) => [b.id, b.name])),
        boxes.filter((b) => !b.revoked_at).map((b) => b.id),
      ) satisfies NumberingView,
    );
  });

  router.post('/numbering', requireRole('owner'), async (req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const body = parseInput(numberingMoveBody, req.body);
    const docName = outletDocName(p.tenant, outlet.id);
    let to: NumberingAuthority = CLOUD_AUTHORITY;
    if (body.to !== 'cloud') {
      const box = (await boxesOf(ctx, p.tenant, outlet.id)).find((b) => b.id === (body.to as { box: string }).box);
      if (!box || box.revoked_at) throw badRequest('this box is not a paired box of this outlet; pair it first', 'to');
      to = boxAuthority(box.id);
    }
    const current = readNumbering(await ctx.relay.getDoc(docName));
    if (current.authority === to) throw conflict('the outlet is already numbered there', 'to');
    const entry = handOverTo(current, {
      to,
      at: new Date(ctx.now()).toISOString(),
      by: actorId(p),
      reason: to === CLOUD_AUTHORITY ? 'box_retired' : boxOfAuthority(current.authority) ? 'box_replaced' : 'moved',
      force: body.force,
    });
    await withTenant(ctx.store, p.tenant, (trx) =>
      writeAudit(trx, {
        tenant: p.tenant,
        outlet: outlet.id,
        actor: actorId(p),
        action: 'numbering.handed_over',
        details: { epoch: entry.epoch, from: entry.from, to: entry.authority, reason: entry.reason, force: entry.force },
      }),
    );
    await ctx.relay.transactDoc(docName, { deviceId: actorId(p) }, (doc) => appendNumberingEntry(doc, entry));
    const boxes = await boxesOf(ctx, p.tenant, outlet.id);
    const doc = await ctx.relay.getDoc(docName);
    res.json(
      numberingView(
        numberingArray(doc).toArray(),
        new Map(boxes.map((b) => [b.id, b.name])),
        boxes.filter((b) => !b.revoked_at).map((b) => b.id),
      ) satisfies NumberingView,
    );
  });

  return router;
}
