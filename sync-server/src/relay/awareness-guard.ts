/**
 * Which presence (awareness) entries of a connection's message the relay keeps — pure, no I/O.
 *
 * y-protocols' `applyAwarenessUpdate` stores a state (and a `meta` entry that is never removed)
 * for ANY client id a message names, so one read-only kitchen token could fill the relay with
 * made-up ids (+88 MB per 480k entries, kept after it left). The relay therefore applies only
 * entries of the client ids the connection owns:
 *
 * - an id becomes the connection's when it announces it (a non-null state of a fresh id) in its
 *   first announcing message — the stock y-websocket client's first awareness message names
 *   exactly its own `doc.clientID` — or when its device has written updates with that id in the
 *   document (`device_client_ids`);
 * - an id is foreign when another connection controls it, another device (or the relay itself)
 *   wrote with it, or it left the document a moment ago (tombstone). Foreign entries are dropped
 *   silently: the stock client re-broadcasts every state it receives, so echoes are normal;
 * - entries of any other id (made up after the first message) are dropped silently too, and a
 *   null state of an id it does not own never creates anything;
 * - claiming beyond the caps (ids per connection / per device in the document / per document), or
 *   a state larger than `maxStateBytes`, is a refusal (`awareness_limit`, close 4429).
 *
 * ```ts
 * const verdict = guardAwareness(update, view, limits);
 * if (verdict.kind === 'limit') refuse(verdict.message);
 * else if (verdict.kept.length > 0) applyAwarenessUpdate(awareness, encodeAwarenessEntries(verdict.kept), origin);
 * ```
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export interface AwarenessLimits {
  maxIdsPerConnection: number;
  maxIdsPerDevice: number;
  maxIdsPerDoc: number;
  maxStateBytes: number;
}

/** One entry of an awareness update; `state` is the UTF-8 of its JSON text (`null` for a removal). */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: Uint8Array;
}

/** What the guard needs to know about the connection and its document. */
export interface AwarenessView {
  /** Ids the connection owns already. */
  readonly owned: ReadonlySet<number>;
  /** True until the connection's first announcing message has been handled. */
  readonly mayAnnounce: boolean;
  /** Ids its device owns in the document (over all its connections). */
  readonly deviceIds: number;
  /** Ids owned in the document (over all connections). */
  readonly docIds: number;
  /** Controlled by another connection, written with by another device or the relay, or just left. */
  isForeign(clientId: number): boolean;
  /** The connection's device has written updates with this id in the document. */
  wroteWith(clientId: number): boolean;
}

export type AwarenessVerdict = { kind: 'ok'; kept: AwarenessEntry[]; claims: number[]; dropped: number } | { kind: 'limit'; message: string };

const NULL_STATE = new TextEncoder().encode('null');

function isNullState(state: Uint8Array): boolean {
  return state.byteLength === 4 && state[0] === NULL_STATE[0] && state[1] === NULL_STATE[1] && state[2] === NULL_STATE[2] && state[3] === NULL_STATE[3];
}

/**
 * Filters an awareness update (the body of a message of type 1). Streams over the entries, so a
 * flood of dropped ids costs no allocation per entry beyond a view of its state; throws on a
 * malformed update or a kept state that is not JSON.
 */
export function guardAwareness(update: Uint8Array, view: AwarenessView, limits: AwarenessLimits): AwarenessVerdict {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const kept: AwarenessEntry[] = [];
  const claims: number[] = [];
  const seen = new Set<number>();
  let dropped = 0;
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const state = decoding.readVarUint8Array(decoder);
    if (seen.has(clientId)) {
      dropped++; // a second entry for one id in one message: y-protocols would apply only one anyway
      continue;
    }
    const owned = view.owned.has(clientId);
    const removal = isNullState(state);
    if (!owned) {
      if (removal || view.isForeign(clientId) || !(view.mayAnnounce || view.wroteWith(clientId))) {
        dropped++;
        continue;
      }
    }
    if (state.byteLength > limits.maxStateBytes) {
      return { kind: 'limit', message: `presence state of ${state.byteLength} bytes exceeds ${limits.maxStateBytes} bytes` };
    }
    JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(state)); // throws: malformed (closes 4400)
    if (!owned) {
      const ids = claims.length + 1;
      if (view.owned.size + ids > limits.maxIdsPerConnection) {
        return { kind: 'limit', message: `more than ${limits.maxIdsPerConnection} presence ids on one connection` };
      }
      if (view.deviceIds + ids > limits.maxIdsPerDevice) {
        return { kind: 'limit', message: `more than ${limits.maxIdsPerDevice} presence ids of one device in this document` };
      }
      if (view.docIds + ids > limits.maxIdsPerDoc) {
        return { kind: 'limit', message: `more than ${limits.maxIdsPerDoc} presence ids in this document` };
      }
      claims.push(clientId);
    }
    seen.add(clientId);
    kept.push({ clientId, clock, state });
  }
  return { kind: 'ok', kept, claims, dropped };
}

/** Encodes entries back into an awareness update (y-protocols' format). */
export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.clientId);
    encoding.writeVarUint(encoder, e.clock);
    encoding.writeVarUint8Array(encoder, e.state);
  }
  return encoding.toUint8Array(encoder);
}
