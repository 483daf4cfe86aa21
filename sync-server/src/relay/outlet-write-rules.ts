/**
 * The outlet document's write rule (issue 14): its `numbering` record — who numbers the outlet's
 * orders — is written by servers only (the cloud API's hand-overs, projectors' releases, relayed
 * by a LAN box). A device that writes to it (a manager's browser, a tampered terminal) is refused
 * where the update enters, so no replica — the cloud's or a box's — ever holds a forged entry.
 *
 * How: the update is applied to a throw-away copy of the document and the copy says whether the
 * record changed. Outlet documents are small and devices write them rarely (menu edits come
 * through the API), so the copy costs nothing on the hot path (day documents).
 */
import * as Y from 'yjs';
import { OUTLET } from '@kiosk/shared';

/** True when applying `update` to `doc` would add or delete entries of the numbering record. */
export function touchesNumbering(doc: Y.Doc, update: Uint8Array): boolean {
  const probe = new Y.Doc({ gc: false });
  try {
    Y.applyUpdate(probe, Y.encodeStateAsUpdate(doc));
    const record = probe.getArray(OUTLET.numbering);
    let touched = false;
    probe.on('afterTransaction', (tr: Y.Transaction) => {
      for (const type of tr.changed.keys()) if ((type as unknown) === record) touched = true;
    });
    Y.applyUpdate(probe, update);
    return touched;
  } finally {
    probe.destroy();
  }
}
