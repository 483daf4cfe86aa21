/**
 * Restoring an outlet document (menu, staff, settings) to a point in time:
 * `GET /api/outlets/:outlet/restore-points` and `POST /api/outlets/:outlet/restore` (owners only).
 * A restore point is a group of the outlet document's log rows written by one person close
 * together in time; restoring to it writes the difference as a NEW update (history is kept).
 */
import { z } from 'zod';

/** Parts of the outlet document a restore brings back. Devices never: pairing and revocation are security state. */
export const RESTORE_SECTIONS = ['settings', 'categories', 'items', 'modifierGroups', 'promotions', 'staff'] as const;
export type RestoreSection = (typeof RESTORE_SECTIONS)[number];

/** One entry that differs: an item by its name, a setting by its key. */
export interface RestoreChange {
  section: RestoreSection | 'devices';
  /**
   * What people call it (item, category, staff member's name); for settings, the setting's key
   * (`keyof OutletSettings`), which clients translate. Empty when the entry has no name.
   */
  label: string;
  change: 'added' | 'removed' | 'changed';
}

/** Writers without a name: an account removed since, the setup (`kiosk` CLI, demo seed), the system itself. */
export const UNKNOWN_WRITERS = ['removed_account', 'setup', 'system'] as const;
export type UnknownWriter = (typeof UNKNOWN_WRITERS)[number];

export interface RestorePoint {
  /** The last log row of the group: restoring brings the document to its state after this row. */
  pointId: number;
  /** ISO time of that row. */
  at: string;
  /** Who wrote the group (a person's or device's name, never an id; English words when `byUnknown`). */
  by: string;
  /** Set when the writer has no name to show: clients show their own words for it. */
  byUnknown?: UnknownWriter;
  /** The group is a restore (written by `POST /restore`). */
  restore: boolean;
  /** Number of log rows in the group. */
  updates: number;
  /** What the group changed (at most 20 listed; `more` counts the rest). */
  changes: RestoreChange[];
  more: number;
}

export interface RestorePointsResponse {
  /** Newest first. */
  points: RestorePoint[];
}

export const restoreBody = z.object({ pointId: z.number().int().positive() });
export type RestoreBody = z.input<typeof restoreBody>;

export interface RestoreResult {
  pointId: number;
  at: string;
  /** What the restore changed in the current document (empty: it already was like that). */
  changes: RestoreChange[];
}
