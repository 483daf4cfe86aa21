/**
 * Who made a change (the Yjs transaction origin, hocuspocus `TransactionOrigin`) and the
 * fan-out that follows it: the document's `update` event encodes the message once and sends it
 * to every peer but the sender, then queues the update for the log as the origin's device.
 *
 * The origins are one tagged union. They are built once and reused (a connection carries its
 * own `origin` object, the tail uses `TAIL_ORIGIN`), so the hot path allocates nothing for them:
 * `Y.applyUpdate(doc, update, conn.origin)`.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import { encodeAwareness, encodeUpdate, unreachable } from '@kiosk/shared';
import type { UpdateSource } from '../metrics/metrics';
import type { PersistQueue } from './persist-queue';
import type { DocPeer, SharedDoc } from './shared-doc';

export type RelayOrigin =
  /** A device's update on its socket: persisted as the connection's device. */
  | { readonly source: 'device'; readonly conn: DocPeer }
  /** A server-side edit (`transactDoc`): persisted as the actor's device id. */
  | { readonly source: 'server'; readonly deviceId: string }
  /** Rows applied from the log tail: broadcast, never written again. */
  | { readonly source: 'tail' }
  /** An upstream link (LAN box): persisted as device 'upstream'. */
  | { readonly source: 'upstream' };

export type DeviceOrigin = Extract<RelayOrigin, { source: 'device' }>;
export type UpstreamOrigin = Extract<RelayOrigin, { source: 'upstream' }>;

export const TAIL_ORIGIN: RelayOrigin = Object.freeze({ source: 'tail' });

/** A transaction origin as the relay reads it: one of its own, or null (anything else). */
export function relayOrigin(origin: unknown): RelayOrigin | null {
  if (typeof origin !== 'object' || origin === null) return null;
  const source = (origin as { source?: unknown }).source;
  return source === 'device' || source === 'server' || source === 'tail' || source === 'upstream' ? (origin as RelayOrigin) : null;
}

/** The connection an origin came from (the peer not to echo to), or null. */
function senderOf(origin: RelayOrigin | null): DocPeer | null {
  return origin?.source === 'device' ? origin.conn : null;
}

export interface FanOutDeps {
  readonly instanceId: string;
  readonly queue: Pick<PersistQueue<unknown>, 'push'>;
  /** `kiosk_relay_updates_total` by source, label children bound once. */
  readonly updates: Record<UpdateSource, { inc(): void }>;
}

/** Subscribes the fan-out to a freshly loaded document (once per load). */
export function fanOut(shared: SharedDoc, deps: FanOutDeps): void {
  shared.doc.on('update', (update: Uint8Array, origin: unknown) => onDocUpdate(shared, update, origin, deps));
  shared.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) =>
    onAwareness(shared, added, updated, removed, origin),
  );
}

function onDocUpdate(shared: SharedDoc, update: Uint8Array, rawOrigin: unknown, deps: FanOutDeps): void {
  const origin = relayOrigin(rawOrigin);
  const sender = senderOf(origin);
  const message = encodeUpdate(update);
  for (const peer of shared.peers.keys()) {
    if (peer !== sender) peer.sendUpdate(message, update);
  }
  let deviceId: string;
  let source: UpdateSource;
  if (origin === null) {
    // Not one of ours (an edit made on `getDoc`'s document): the server's.
    deviceId = 'server';
    source = 'server';
  } else {
    switch (origin.source) {
      case 'tail':
        deps.updates.tail.inc();
        return; // already in the log
      case 'device':
        deviceId = origin.conn.deviceId;
        source = 'device';
        break;
      case 'server':
        deviceId = origin.deviceId;
        source = 'server';
        break;
      case 'upstream':
        deviceId = 'upstream';
        source = 'upstream';
        break;
      default:
        unreachable(origin, 'transaction origin');
    }
  }
  deps.updates[source].inc();
  shared.unpersisted++;
  const relayedFor = origin?.source === 'device' ? origin.conn.relayedFor : null;
  const seq = deps.queue.push({ docName: shared.name.name, update, deviceId, origin: deps.instanceId, ...(relayedFor ? { relayedFor } : {}) });
  if (sender) sender.lastWriteSeq = seq;
}

function onAwareness(shared: SharedDoc, added: number[], updated: number[], removed: number[], rawOrigin: unknown): void {
  const changed = added.concat(updated, removed);
  // Which ids a peer controls is kept by awareness-relay.ts (it applies only those).
  const sender = senderOf(relayOrigin(rawOrigin));
  const message = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(shared.awareness, changed));
  for (const peer of shared.peers.keys()) {
    if (peer !== sender) peer.send(message);
  }
}
