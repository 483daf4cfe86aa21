/** The outlet document's numbering record (see `domain/numbering-authority.ts` for the rule). */
import type * as Y from 'yjs';
import { numberingState, type NumberingEntry, type NumberingState } from '../domain/numbering-authority';
import { OUTLET } from './layout';

export function numberingArray(outletDoc: Y.Doc): Y.Array<NumberingEntry> {
  return outletDoc.getArray(OUTLET.numbering) as Y.Array<NumberingEntry>;
}

/** Who numbers the outlet now (the cloud when nothing is recorded). */
export function readNumbering(outletDoc: Y.Doc): NumberingState {
  return numberingState(numberingArray(outletDoc).toArray());
}

export function appendNumberingEntry(outletDoc: Y.Doc, entry: NumberingEntry): void {
  numberingArray(outletDoc).push([entry]);
}
