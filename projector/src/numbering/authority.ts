/**
 * The projector's side of the numbering authority (issue 14; the record and its rule are in
 * `@kiosk/shared` domain/numbering-authority.ts). A projector knows who it is (`identity`:
 * `cloud`, or `box:<device>` on a LAN box) and, per outlet, reads the record from the outlet
 * document it already holds — keeping only entries written by a server (the cloud API, a
 * projector's release, relayed by a box): an entry whose Yjs client the relay attributed to a
 * device (a manager's browser, a tampered terminal) is ignored, as numbers written by devices are.
 *
 * What follows from it, per outlet day (`NumberingGate`): null — not ours to number (rows are
 * still written, numbers adopted from the authority's write-back); a number n — ours, once this
 * projector's own counter for that day has reached n (it has seen every number the previous
 * authority gave).
 */
import * as Y from 'yjs';
import { mayNumber, mustRelease, numberingEntrySchema, numberingState, OUTLET, type NumberingAuthority, type NumberingState } from '@kiosk/shared';
import type { KioskDatabase } from '@kiosk/store';
import type { CachedOutlet } from '../tail/doc-cache';

/** The relay's claim on its own Yjs client (`Relay.transactDoc`). */
const SERVER_WRITER = 'server';

/** Per outlet day: null = not ours; n = ours once our counter for the day has reached n. */
export type NumberingGate = (key: { tenant_id: string; outlet_id: string; business_day: string }) => number | null;

/** Pure: the gate of one outlet's state for a projector. */
export function gateOf(state: NumberingState, identity: NumberingAuthority): (day: string) => number | null {
  if (!mayNumber(state, identity, '', Number.MAX_SAFE_INTEGER)) return () => null;
  return (day) => state.lastNumbers[day] ?? 0;
}

/** Values of a Y.Array with the Yjs client that inserted each. */
function entriesWithClients(array: Y.Array<unknown>): { client: number; value: unknown }[] {
  const out: { client: number; value: unknown }[] = [];
  // Walk the items: each knows the client that wrote it (a push of several values is one item).
  let item = (array as unknown as { _start: Y.Item | null })._start;
  while (item) {
    if (!item.deleted && item.countable) for (const value of item.content.getContent()) out.push({ client: item.id.client, value });
    item = item.right;
  }
  return out;
}

export class OutletNumbering {
  private readonly states = new Map<string, { uptoId: number; state: NumberingState }>();

  constructor(
    private readonly store: KioskDatabase,
    readonly identity: NumberingAuthority,
  ) {}

  /** The outlet's numbering state from server-written entries (cached per outlet document version). */
  async stateOf(outlet: CachedOutlet): Promise<NumberingState> {
    const cached = this.states.get(outlet.name);
    if (cached && cached.uptoId === outlet.uptoId) return cached.state;
    const entries = entriesWithClients(outlet.doc.getArray(OUTLET.numbering));
    const clients = [...new Set(entries.map((e) => e.client))];
    const owned =
      clients.length === 0
        ? new Set<number>()
        : new Set(
            (
              await this.store.db
                .selectFrom('device_client_ids')
                .select('client_id')
                .where('doc_name', '=', outlet.name)
                .where('client_id', 'in', clients)
                // The relay claims its own client id as 'server' (its API's edits): that one is ours.
                .where('device_id', '<>', SERVER_WRITER)
                .execute()
            ).map((r) => Number(r.client_id)),
          );
    const state = numberingState(entries.filter((e) => !owned.has(e.client) && numberingEntrySchema.safeParse(e.value).success).map((e) => e.value));
    this.states.set(outlet.name, { uptoId: outlet.uptoId, state });
    return state;
  }

  mustRelease(state: NumberingState): boolean {
    return mustRelease(state, this.identity);
  }

  /** Drops the cached state of one outlet document (after writing into it). */
  forget(outletDocName: string): void {
    this.states.delete(outletDocName);
  }

  clear(): void {
    this.states.clear();
  }
}
