/**
 * Menu and settings: /api/outlets/:outlet/{catalog,settings,categories,items,modifier-groups,promotions}.
 * Every write goes into the outlet document (see outlets/outlet-doc.ts); bodies are the shared zod
 * schemas of the document values, so the back-office can never write what a terminal
 * would refuse.
 */
import { Router, type Request } from 'express';
import type * as Y from 'yjs';
import type { z } from 'zod';
import {
  availabilityBody,
  CATALOG_BODIES,
  entryId,
  putCategory,
  putItem,
  putModifierGroup,
  putPromotion,
  readOutlet,
  removeCatalogEntry,
  settingsPatchBody,
  unreachable,
  writeSettings,
  type CatalogEntryKind,
  type CatalogView,
  type itemSchema,
  type outletSettingsSchema,
  type OutletSnapshot,
  type promotionSchema,
} from '@kiosk/shared';
import { outletOf, principalOf, type ApiContext } from '../http/context';
import { badRequest, conflict, notFound } from '../http/errors';
import { editOutletDoc, readOutletDoc } from '../outlets/outlet-doc';
import { withTenant } from '@kiosk/store';
import { parseInput } from '../http/validate';

/** The outlet document as the back-office shows it: staff without PIN hashes. */
export function publicSnapshot(snapshot: OutletSnapshot): CatalogView {
  return { ...snapshot, staff: snapshot.staff.map(({ id, name, role }) => ({ id, name, role })) };
}

type Kind = CatalogEntryKind;

interface KindSpec {
  path: string;
  label: string;
  schema: z.ZodType;
  /** The shared accessor that validates the value again and writes it into the document. */
  put: (doc: Y.Doc, value: never) => unknown;
  /** Cross-references checked against the current document; throws 400 naming the field. */
  check?: (value: never, snapshot: OutletSnapshot) => void;
  /** Refuses deleting something still in use (409). */
  inUse?: (id: string, snapshot: OutletSnapshot) => string | undefined;
}

const KINDS: Record<Kind, KindSpec> = {
  categories: {
    path: 'categories',
    put: putCategory,
    label: 'category',
    schema: CATALOG_BODIES.categories,
    inUse: (id, s) => s.items.find((i) => i.categoryId === id)?.name,
  },
  items: {
    path: 'items',
    put: putItem,
    label: 'item',
    schema: CATALOG_BODIES.items,
    check: (value: z.output<typeof itemSchema>, s) => {
      if (!s.categories.some((c) => c.id === value.categoryId))
        throw badRequest(`categoryId: no category ${JSON.stringify(value.categoryId)} in this outlet`, 'categoryId');
      value.modifierGroupIds.forEach((g, i) => {
        if (!s.modifierGroups.some((m) => m.id === g))
          throw badRequest(`modifierGroupIds.${i}: no modifier group ${JSON.stringify(g)} in this outlet`, `modifierGroupIds.${i}`);
      });
      const taxes = s.settings?.taxes ?? [];
      value.taxIds?.forEach((t, i) => {
        if (!taxes.some((x) => x.id === t)) throw badRequest(`taxIds.${i}: no tax ${JSON.stringify(t)} in the outlet settings`, `taxIds.${i}`);
      });
    },
  },
  modifierGroups: {
    path: 'modifier-groups',
    put: putModifierGroup,
    label: 'modifier group',
    schema: CATALOG_BODIES.modifierGroups,
    inUse: (id, s) => s.items.find((i) => i.modifierGroupIds.includes(id))?.name,
  },
  promotions: {
    path: 'promotions',
    put: putPromotion,
    label: 'promotion',
    schema: CATALOG_BODIES.promotions,
    check: (value: z.output<typeof promotionSchema>, s) => {
      const scope = value.scope;
      if (scope.kind === 'item') {
        scope.itemIds.forEach((id, i) => {
          if (!s.items.some((x) => x.id === id)) throw badRequest(`scope.itemIds.${i}: no item ${JSON.stringify(id)} in this outlet`, `scope.itemIds.${i}`);
        });
      } else if (scope.kind === 'category') {
        scope.categoryIds.forEach((id, i) => {
          if (!s.categories.some((x) => x.id === id))
            throw badRequest(`scope.categoryIds.${i}: no category ${JSON.stringify(id)} in this outlet`, `scope.categoryIds.${i}`);
        });
      }
    },
  },
};

export function catalogRoutes(ctx: ApiContext): Router {
  const router = Router({ mergeParams: true });

  router.get('/catalog', async (_req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    res.json(publicSnapshot(readOutlet(await readOutletDoc(ctx, p.tenant, outlet.id))));
  });

  router.patch('/settings', async (req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const parsed = parseInput(settingsPatchBody, req.body);
    // Only the keys sent: a schema default must not overwrite a setting nobody touched.
    const sent = new Set(Object.keys(req.body as object));
    const patch = Object.fromEntries(Object.entries(parsed).filter(([k]) => sent.has(k))) as Partial<z.output<typeof outletSettingsSchema>>;
    if (Object.keys(patch).length === 0) throw badRequest('body: give at least one setting to change', 'body');
    if (patch.timeZone !== undefined && !isTimeZone(patch.timeZone))
      throw badRequest(`timeZone: ${JSON.stringify(patch.timeZone)} is not an IANA time zone`, 'timeZone');
    const before = readOutlet(await readOutletDoc(ctx, p.tenant, outlet.id)).settings;
    await editOutletDoc(ctx, p, outlet.id, { action: 'settings.update', details: { before: pick(before, Object.keys(patch)), after: patch } }, (doc) =>
      writeSettings(doc, patch),
    );
    // The outlets row mirrors what reports need without reading the document.
    if (patch.name !== undefined || patch.timeZone !== undefined || patch.currency !== undefined) {
      await withTenant(ctx.store, p.tenant, (trx) =>
        trx
          .updateTable('outlets')
          .set({
            ...(patch.name ? { name: patch.name } : {}),
            ...(patch.timeZone ? { time_zone: patch.timeZone } : {}),
            ...(patch.currency ? { currency: patch.currency } : {}),
          })
          .where('id', '=', outlet.id)
          .execute(),
      );
    }
    res.json({ settings: readOutlet(await readOutletDoc(ctx, p.tenant, outlet.id)).settings });
  });

  for (const kind of Object.keys(KINDS) as Kind[]) {
    const spec = KINDS[kind];

    router.get(`/${spec.path}`, async (_req, res) => {
      const p = principalOf(res);
      const outlet = outletOf(res);
      res.json({ [kind]: readOutlet(await readOutletDoc(ctx, p.tenant, outlet.id))[kind] });
    });

    router.put(`/${spec.path}/:id`, async (req: Request, res) => {
      const p = principalOf(res);
      const outlet = outletOf(res);
      const id = parseInput(entryId, req.params.id, 'id');
      const body = req.body && typeof req.body === 'object' ? { ...req.body, id } : req.body;
      const value = parseInput(spec.schema, body) as never;
      const snapshot = readOutlet(await readOutletDoc(ctx, p.tenant, outlet.id));
      spec.check?.(value, snapshot);
      const before = (snapshot[kind] as Array<{ id: string }>).find((x) => x.id === id) ?? null;
      await editOutletDoc(ctx, p, outlet.id, { action: `catalog.${spec.path}.put`, details: { id, before, after: value } }, (doc) => spec.put(doc, value));
      res.status(before ? 200 : 201).json({ [singular(kind)]: value });
    });

    router.delete(`/${spec.path}/:id`, async (req, res) => {
      const p = principalOf(res);
      const outlet = outletOf(res);
      const id = parseInput(entryId, req.params.id, 'id');
      const snapshot = readOutlet(await readOutletDoc(ctx, p.tenant, outlet.id));
      const before = (snapshot[kind] as Array<{ id: string }>).find((x) => x.id === id);
      if (!before) throw notFound(`${spec.label} ${JSON.stringify(id)}`);
      const user = spec.inUse?.(id, snapshot);
      if (user) throw conflict(`${spec.label} ${JSON.stringify(id)} is still used by ${JSON.stringify(user)}`, 'id');
      await editOutletDoc(ctx, p, outlet.id, { action: `catalog.${spec.path}.delete`, details: { id, before } }, (doc) => {
        removeCatalogEntry(doc, kind, id);
      });
      res.status(204).end();
    });
  }

  router.post('/items/:id/availability', async (req, res) => {
    const p = principalOf(res);
    const outlet = outletOf(res);
    const id = parseInput(entryId, req.params.id, 'id');
    const { available } = parseInput(availabilityBody, req.body);
    const snapshot = readOutlet(await readOutletDoc(ctx, p.tenant, outlet.id));
    const item = snapshot.items.find((i) => i.id === id);
    if (!item) throw notFound(`item ${JSON.stringify(id)}`);
    await editOutletDoc(
      ctx,
      p,
      outlet.id,
      { action: 'catalog.items.availability', details: { id, name: item.name, before: item.available, after: available } },
      (doc) => putItem(doc, { ...item, available }),
    );
    res.json({ item: { ...item, available } });
  });

  return router;
}

function singular(kind: Kind): string {
  switch (kind) {
    case 'categories':
      return 'category';
    case 'items':
      return 'item';
    case 'modifierGroups':
      return 'modifierGroup';
    case 'promotions':
      return 'promotion';
    default:
      return unreachable(kind, 'kind');
  }
}

function pick(value: object | null, keys: string[]): Record<string, unknown> | null {
  if (!value) return null;
  return Object.fromEntries(keys.map((k) => [k, (value as Record<string, unknown>)[k]]));
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
