/**
 * What an outlet document has ever said that the projector's checks need: every menu version
 * it had (the pricing inputs behind each `menuVersion` hash, and when the server first saw it)
 * and every staff id it ever listed. Built by replaying the outlet document's log row by row
 * from the start — log rows are never deleted (a snapshot only makes loads fast), so the history
 * is complete — and extended as new rows arrive.
 *
 * Why the whole history and not today's menu: a terminal that priced an order offline with the
 * menu of last night is honest; its header names that menu version and is checked against it.
 * A version the outlet never had is `unknown_menu`. A staff member removed since is still a
 * staff member the outlet had (`unknown_staff` is for ids it never had).
 */
import * as Y from 'yjs';
import { menuVersionOfInputs, OUTLET, pricingInputsOf, readOutlet, type PricingInputs } from '@kiosk/shared';
import type { KioskDatabase } from '@kiosk/store';

export interface MenuVersion {
  version: string;
  inputs: PricingInputs;
  /** Server time (ms) of the log row after which this version was first in force. */
  since: number;
}

export interface OutletHistoryRow {
  id: number;
  update: Uint8Array;
  createdAt: number;
}

/** Maps whose change can change the menu version or the staff list. */
const WATCHED = [OUTLET.settings, OUTLET.items, OUTLET.modifierGroups, OUTLET.promotions, OUTLET.staff] as const;

export class OutletHistory {
  private readonly doc = new Y.Doc();
  private readonly byVersion = new Map<string, MenuVersion>();
  /** In order of `since`. */
  private readonly timeline: MenuVersion[] = [];
  private readonly staff = new Set<string>();
  private readonly watched: Set<Y.AbstractType<unknown>>;
  /** Highest log id replayed. */
  uptoId = 0;

  constructor() {
    this.watched = new Set(WATCHED.map((name) => this.doc.getMap(name) as Y.AbstractType<unknown>));
  }

  /** Replays rows (ids ascending; rows already replayed are skipped). A row that does not apply is skipped (the projector records it). */
  advance(rows: readonly OutletHistoryRow[]): void {
    for (const row of rows) {
      if (row.id <= this.uptoId) continue;
      this.uptoId = row.id;
      let relevant = false;
      const onAfter = (tr: Y.Transaction) => {
        // Values of the watched maps are plain JSON, so a change to one shows as a change of the map itself.
        for (const type of tr.changed.keys()) if (this.watched.has(type as Y.AbstractType<unknown>)) relevant = true;
      };
      this.doc.on('afterTransaction', onAfter);
      try {
        Y.applyUpdate(this.doc, row.update);
      } catch {
        continue;
      } finally {
        this.doc.off('afterTransaction', onAfter);
      }
      if (relevant || this.timeline.length === 0) this.record(row.createdAt);
    }
  }

  private record(at: number): void {
    const snapshot = readOutlet(this.doc);
    for (const member of snapshot.staff) this.staff.add(member.id);
    const inputs = pricingInputsOf(snapshot);
    if (!inputs) return;
    const version = menuVersionOfInputs(inputs);
    const last = this.timeline[this.timeline.length - 1];
    if (last?.version === version) return;
    const entry: MenuVersion = { version, inputs, since: at };
    if (!this.byVersion.has(version)) this.byVersion.set(version, entry);
    this.timeline.push(entry);
  }

  /** The inputs of a version the outlet had, else undefined. */
  version(version: string): MenuVersion | undefined {
    return this.byVersion.get(version);
  }

  /** The version in force at `at` (server clock): the last one that started at or before it, else the first. */
  inForceAt(at: number): MenuVersion | undefined {
    let found = this.timeline[0];
    for (const v of this.timeline) {
      if (v.since > at) break;
      found = v;
    }
    return found;
  }

  hadStaff(staffId: string): boolean {
    return this.staff.has(staffId);
  }

  get versions(): number {
    return this.byVersion.size;
  }

  destroy(): void {
    this.doc.destroy();
  }
}

/** Reads the outlet document's log rows after `afterId`, oldest first. */
export async function readOutletRows(store: KioskDatabase, docName: string, afterId = 0): Promise<OutletHistoryRow[]> {
  const rows = await store.db
    .selectFrom('update_log')
    .select(['id', 'update', 'created_at'])
    .where('doc_name', '=', docName)
    .where('id', '>', afterId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: Number(r.id), update: r.update, createdAt: new Date(r.created_at).getTime() }));
}

/** Outlet histories by outlet document name, loaded on first use and kept up to date by the projector. */
export class OutletHistories {
  private readonly histories = new Map<string, OutletHistory>();

  constructor(private readonly store: KioskDatabase) {}

  /** The history up to the end of the log (reads only rows it has not replayed). */
  async get(docName: string): Promise<OutletHistory> {
    let history = this.histories.get(docName);
    if (!history) this.histories.set(docName, (history = new OutletHistory()));
    history.advance(await readOutletRows(this.store, docName, history.uptoId));
    return history;
  }

  clear(): void {
    for (const h of this.histories.values()) h.destroy();
    this.histories.clear();
  }
}
