/**
 * The API's reads and writes of the outlet document, through the shared accessors
 * (`shared/src/doc/outlet-doc.ts`): every write is validated there again, and a value the
 * shared schema refuses surfaces as `InvalidValue` (mapped to 400 by the error handler).
 */
import type * as Y from 'yjs';
import {
  businessDayOf,
  OUTLET,
  putCategory,
  putDevice,
  putItem,
  putModifierGroup,
  putPromotion,
  putStaff,
  readOutlet,
  removeCatalogEntry,
  writeSettings,
  type CatalogKind,
  type OutletSettings,
  type OutletSnapshot,
} from '@kiosk/shared';

export type OutletView = OutletSnapshot;
export type OutletMap = (typeof OUTLET)[CatalogKind];

export function readOutletView(doc: Y.Doc): OutletView {
  return readOutlet(doc);
}

/** Merges the given settings keys; the merged settings must be complete and valid. */
export function patchSettings(doc: Y.Doc, patch: Partial<OutletSettings>): void {
  writeSettings(doc, patch);
}

const PUT: Record<CatalogKind, (doc: Y.Doc, value: never) => unknown> = {
  categories: putCategory,
  items: putItem,
  modifierGroups: putModifierGroup,
  promotions: putPromotion,
  devices: putDevice,
  staff: putStaff,
};

function kindOf(map: OutletMap): CatalogKind {
  const kind = (Object.keys(OUTLET) as Array<keyof typeof OUTLET>).find((k) => OUTLET[k] === map);
  if (!kind || kind === 'settings') throw new Error(`not a catalog map: ${map}`);
  return kind;
}

export function putEntry<T extends { id: string }>(doc: Y.Doc, map: OutletMap, value: T): void {
  PUT[kindOf(map)](doc, value as never);
}

export function removeEntry(doc: Y.Doc, map: OutletMap, id: string): void {
  removeCatalogEntry(doc, kindOf(map), id);
}

/** Business day of an instant at an outlet (its time zone and day start). */
export function outletBusinessDay(instantMs: number, settings: OutletSettings): string {
  return businessDayOf(instantMs, settings);
}
