/**
 * The pure part of an outlet restore: replay the outlet document's log into restore points,
 * compute the document at a point, and bring a live document to that state with the smallest
 * edit (so the relay broadcasts a small update and every device converges on it).
 *
 * The log is the history: rows are never deleted (compaction only adds a snapshot), so the
 * state after row N is exactly "apply every row with id ≤ N". The restore is a NEW update on top;
 * nothing is rewritten, and the restore itself is a point one can restore away from.
 *
 * What a restore touches, and why not more:
 * - settings, categories, items, modifier groups, promotions: made equal to the point's.
 * - staff: only the name, role and active flag of members who exist now AND then. A member
 *   removed since is not brought back and one added since is not removed: staff are also rows
 *   of the `staff` table that sign-in and tokens check, and a PIN verifier from history must
 *   never come back (the member's PIN may have been changed because it leaked). The current
 *   PIN verifiers are not in the outlet document at all (staff table, staff-keys document).
 * - devices: never (pairing and revocation are security state).
 */
import * as Y from 'yjs';
import { OUTLET, RESTORE_SECTIONS, type RestoreChange, type RestorePoint, type RestoreSection, type UnknownWriter } from '@kiosk/shared';

/**
 * Marks the log rows a restore wrote (`user:…#restore`): a restore is always a point of its own,
 * never merged with the same person's edits just before it (whose net change it would cancel).
 */
export const RESTORE_SUFFIX = '#restore';

export interface OutletLogRow {
  id: number;
  update: Uint8Array;
  deviceId: string;
  createdAt: Date;
}

type Entries = Record<string, unknown>;
type SectionState = Record<RestoreSection | 'devices', Entries>;

const ALL_SECTIONS = [...RESTORE_SECTIONS, 'devices'] as const;

/** Plain JSON of every section (values are plain objects in the outlet document). */
export function sectionsOf(doc: Y.Doc): SectionState {
  const out = {} as SectionState;
  for (const s of ALL_SECTIONS) out[s] = doc.getMap(OUTLET[s]).toJSON();
  return out;
}

// An entry without a name gets an empty label, never its id (clients say "unnamed").
const labelOf = (section: RestoreSection | 'devices', key: string, value: unknown): string =>
  section === 'settings' ? key : typeof (value as { name?: unknown })?.name === 'string' ? (value as { name: string }).name : '';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Entries that differ between two states, labelled by name. `to` is the state after. */
export function diffSections(from: SectionState, to: SectionState, sections: readonly (RestoreSection | 'devices')[] = ALL_SECTIONS): RestoreChange[] {
  const out: RestoreChange[] = [];
  for (const section of sections) {
    const a = from[section] ?? {};
    const b = to[section] ?? {};
    for (const key of Object.keys(b)) {
      if (!(key in a)) out.push({ section, label: labelOf(section, key, b[key]), change: 'added' });
      else if (!same(a[key], b[key])) out.push({ section, label: labelOf(section, key, b[key]), change: 'changed' });
    }
    for (const key of Object.keys(a)) if (!(key in b)) out.push({ section, label: labelOf(section, key, a[key]), change: 'removed' });
  }
  return out;
}

export interface PointsOptions {
  /** A new point starts when the writer changes or after this long without a row (default 2 minutes). */
  gapMs?: number;
  /** Newest points returned (default 100). */
  limit?: number;
  /** Name of the writer of a row (`user:…`, `staff:…`, a device id) — never shown as an id. */
  nameOf: (deviceId: string) => { by: string; byUnknown?: UnknownWriter };
}

/** Replays the log (ids ascending) and groups it into restore points, newest first. */
export function restorePoints(rows: readonly OutletLogRow[], options: PointsOptions): RestorePoint[] {
  const gapMs = options.gapMs ?? 120_000;
  const doc = new Y.Doc();
  const points: RestorePoint[] = [];
  let before = sectionsOf(doc);
  let group: OutletLogRow[] = [];
  const close = () => {
    if (group.length === 0) return;
    const after = sectionsOf(doc);
    const changes = diffSections(before, after);
    const last = group[group.length - 1];
    points.push({
      pointId: last.id,
      at: last.createdAt.toISOString(),
      ...options.nameOf(last.deviceId),
      restore: last.deviceId.endsWith(RESTORE_SUFFIX),
      updates: group.length,
      changes: changes.slice(0, 20),
      more: Math.max(0, changes.length - 20),
    });
    before = after;
    group = [];
  };
  for (const row of rows) {
    const prev = group[group.length - 1];
    if (prev && (prev.deviceId !== row.deviceId || row.createdAt.getTime() - prev.createdAt.getTime() > gapMs)) close();
    Y.applyUpdate(doc, row.update);
    group.push(row);
  }
  close();
  doc.destroy();
  return points.reverse().slice(0, options.limit ?? 100);
}

/** The document after row `pointId`: every row with id ≤ pointId, applied in order. */
export function stateAt(rows: readonly OutletLogRow[], pointId: number): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const row of rows) if (row.id <= pointId) Y.applyUpdate(doc, row.update);
  });
  return doc;
}

/**
 * Edits `doc` (call inside the relay's transaction) so its restorable sections equal `target`'s,
 * within the limits in the module comment. Returns what changed (empty: nothing to write).
 */
export function applyRestore(doc: Y.Doc, target: SectionState): RestoreChange[] {
  const current = sectionsOf(doc);
  const goal = { ...current } as SectionState;
  for (const s of RESTORE_SECTIONS) if (s !== 'staff') goal[s] = target[s] ?? {};
  goal.staff = {};
  for (const [id, now] of Object.entries(current.staff)) {
    const then = target.staff?.[id] as { name?: unknown; role?: unknown; active?: unknown } | undefined;
    goal.staff[id] = then ? { ...(now as object), name: then.name, role: then.role, active: then.active ?? true } : now;
  }
  const changes = diffSections(current, goal, RESTORE_SECTIONS);
  if (changes.length === 0) return changes;
  doc.transact(() => {
    for (const s of RESTORE_SECTIONS) {
      const map = doc.getMap(OUTLET[s]);
      const want = goal[s];
      for (const key of [...map.keys()]) if (!(key in want)) map.delete(key);
      for (const [key, value] of Object.entries(want)) if (!same(map.get(key), value)) map.set(key, value);
    }
  });
  return changes;
}

/** Staff members whose name or role the restore changed (for the `staff` table). */
export function restoredStaff(target: SectionState, changes: readonly RestoreChange[], doc: Y.Doc): { id: string; name: string; role: string }[] {
  if (!changes.some((c) => c.section === 'staff')) return [];
  const staff = doc.getMap(OUTLET.staff).toJSON() as Record<string, { name: string; role: string }>;
  return Object.entries(staff)
    .filter(([id]) => target.staff?.[id] !== undefined)
    .map(([id, s]) => ({ id, name: s.name, role: s.role }));
}
