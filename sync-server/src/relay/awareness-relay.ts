/**
 * Presence (awareness) of the relay's documents: what a connection may publish
 * (`awareness-guard.ts`), who owns which id, and the clean-up when a connection leaves.
 *
 * When a connection leaves, its states are removed from the document's awareness, the removal
 * is broadcast (`origins.ts` fan-out), and its ids are deleted from y-protocols'
 * `awareness.meta` as well: `removeAwarenessStates` keeps a meta entry (clock, time) per id
 * forever, which is what leaked. A short tombstone per id (bounded) stands in for it, so a
 * late echo of a state that just left is not taken for a fresh announcement.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import { encodeAwarenessEntries, guardAwareness, type AwarenessLimits } from './awareness-guard';
import { Refusal } from './refusal';
import type { DocPeer, SharedDoc } from './shared-doc';

/** How long an id that left stays foreign (y-protocols' own outdated timeout). */
const TOMBSTONE_MS = awarenessProtocol.outdatedTimeout;
/** At most this many tombstones per document (oldest dropped first). */
const MAX_TOMBSTONES = 1024;

interface DocPresence {
  /** Presence id → the connection that owns it. */
  readonly ownerOf: Map<number, DocPeer>;
  /** Device id → ids its connections own. */
  readonly perDevice: Map<string, number>;
  /** Id → until when it counts as foreign (it just left). Insertion order = age. */
  readonly tombstones: Map<number, number>;
  /** Connections that have made their first announcement. */
  readonly announced: WeakSet<DocPeer>;
}

export interface AwarenessRelayDeps {
  limits: AwarenessLimits;
  now(): number;
}

export class AwarenessRelay {
  private readonly docs = new WeakMap<SharedDoc, DocPresence>();
  /** Entries dropped (foreign, echoes, made up) since start: for tests and metrics. */
  droppedEntries = 0;

  constructor(private readonly deps: AwarenessRelayDeps) {}

  private presence(shared: SharedDoc): DocPresence {
    let p = this.docs.get(shared);
    if (!p) {
      p = { ownerOf: new Map(), perDevice: new Map(), tombstones: new Map(), announced: new WeakSet() };
      this.docs.set(shared, p);
    }
    return p;
  }

  /** An awareness message of an attached connection (`origin`: its transaction origin); throws a `Refusal` over a cap. */
  receive(peer: DocPeer, shared: SharedDoc, update: Uint8Array, origin: unknown): void {
    const owned = shared.peers.get(peer);
    if (!owned) return;
    const p = this.presence(shared);
    const now = this.deps.now();
    const verdict = guardAwareness(
      update,
      {
        owned,
        mayAnnounce: !p.announced.has(peer),
        deviceIds: p.perDevice.get(peer.deviceId) ?? 0,
        docIds: p.ownerOf.size,
        isForeign: (id) => {
          if (id === shared.awareness.clientID || p.ownerOf.has(id)) return true;
          const owner = shared.owners.get(id);
          if (owner !== undefined && owner !== peer.deviceId) return true;
          const until = p.tombstones.get(id);
          return until !== undefined && until > now;
        },
        wroteWith: (id) => shared.owners.get(id) === peer.deviceId,
      },
      this.deps.limits,
    );
    if (verdict.kind === 'limit') throw new Refusal('awareness_limit', verdict.message);
    this.droppedEntries += verdict.dropped;
    for (const id of verdict.claims) {
      owned.add(id);
      p.ownerOf.set(id, peer);
      p.tombstones.delete(id);
      p.perDevice.set(peer.deviceId, (p.perDevice.get(peer.deviceId) ?? 0) + 1);
    }
    if (verdict.claims.length > 0) p.announced.add(peer);
    if (verdict.kept.length > 0) awarenessProtocol.applyAwarenessUpdate(shared.awareness, encodeAwarenessEntries(verdict.kept), origin);
  }

  /**
   * A connection left: its states are removed and the removal broadcast (the fan-out encodes it
   * while the meta entries still exist), then its ids leave `awareness.meta`.
   */
  leave(peer: DocPeer, shared: SharedDoc): void {
    const owned = shared.peers.get(peer);
    if (!owned || owned.size === 0) return;
    const p = this.presence(shared);
    const ids = [...owned];
    awarenessProtocol.removeAwarenessStates(shared.awareness, ids, null);
    const until = this.deps.now() + TOMBSTONE_MS;
    for (const id of ids) {
      shared.awareness.meta.delete(id);
      p.ownerOf.delete(id);
      p.tombstones.delete(id);
      p.tombstones.set(id, until);
    }
    owned.clear();
    const left = (p.perDevice.get(peer.deviceId) ?? 0) - ids.length;
    if (left > 0) p.perDevice.set(peer.deviceId, left);
    else p.perDevice.delete(peer.deviceId);
    for (const [id, expires] of p.tombstones) {
      if (p.tombstones.size <= MAX_TOMBSTONES && expires > this.deps.now()) break;
      p.tombstones.delete(id);
    }
  }

  /** Presence entries held for a document (states, meta entries, owned ids, tombstones). */
  sizes(shared: SharedDoc): { states: number; meta: number; owned: number; tombstones: number } {
    const p = this.docs.get(shared);
    return { states: shared.awareness.states.size, meta: shared.awareness.meta.size, owned: p?.ownerOf.size ?? 0, tombstones: p?.tombstones.size ?? 0 };
  }
}
