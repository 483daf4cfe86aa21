/**
 * What an incoming update would change in a document, decided BEFORE it is applied (a refused
 * update must never touch the document). Pure apart from reading the document.
 */
import * as Y from 'yjs';

export interface UpdateAnalysis {
  /** Client ids with at least one struct the document does not have yet. */
  newStructClients: number[];
  /** True when the delete set deletes something not deleted yet (only computed when asked). */
  hasNewDeletes: boolean;
}

/**
 * Decodes the whole update (throws on a malformed one, so garbage never reaches `applyUpdate`)
 * and compares it with the document's state.
 */
export function analyzeUpdate(doc: Y.Doc, update: Uint8Array, options: { deletes: boolean }): UpdateAnalysis {
  const { structs, ds } = Y.decodeUpdate(update);
  const fresh = new Set<number>();
  for (const struct of structs) {
    if (struct instanceof Y.Skip) continue;
    const { client, clock } = struct.id;
    if (clock + struct.length > Y.getState(doc.store, client)) fresh.add(client);
  }
  let hasNewDeletes = false;
  if (options.deletes) {
    outer: for (const [client, ranges] of ds.clients) {
      for (const range of ranges) {
        if (range.len > 0 && !isRangeDeleted(doc, client, range.clock, range.len)) {
          hasNewDeletes = true;
          break outer;
        }
      }
    }
  }
  return { newStructClients: [...fresh], hasNewDeletes };
}

/** True when every struct in [clock, clock + len) of `client` exists and is deleted. */
export function isRangeDeleted(doc: Y.Doc, client: number, clock: number, len: number): boolean {
  const structs = doc.store.clients.get(client);
  if (!structs || clock + len > Y.getState(doc.store, client)) return false;
  for (let i = Y.findIndexSS(structs, clock); i < structs.length; i++) {
    const s = structs[i];
    if (s.id.clock >= clock + len) break;
    if (!s.deleted) return false;
  }
  return true;
}
