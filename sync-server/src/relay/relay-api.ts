/**
 * The relay as other parts use it (the back-office API through its `RelayPort`, the CLI, the
 * LAN-box link): the contract, apart from `RelayCore` (relay.ts), which implements it.
 */
import type * as Y from 'yjs';
import type { BoxKeyResolver } from '../auth/tokens';

/** Who makes a server-side edit (recorded as update_log.device_id). */
export interface Actor {
  deviceId: string;
}

/** The relay as other parts (the back-office API, the CLI) use it. */
export interface Relay {
  /** Id written to update_log.origin by this relay; the tail skips rows with it. */
  readonly instanceId: string;
  /**
   * Server-side edit: runs `fn` in one Yjs transaction on the live document, broadcasts it and
   * resolves once it is written to the update log.
   *
   * ```ts
   * await relay.transactDoc('demo/main', { deviceId: 'office:owner@demo' }, (doc) => putItem(doc, item));
   * ```
   */
  transactDoc(docName: string, actor: Actor, fn: (doc: Y.Doc) => void): Promise<void>;
  /** The live document (loaded if needed). Read it; edit it only through `transactDoc`. */
  getDoc(docName: string): Promise<Y.Doc>;
  /**
   * Closes every live connection of a device and/or token, or of every token a box signed
   * (`signedBy: boxKeyId(id)`) (4401). Returns how many were closed.
   */
  disconnect(target: { deviceId?: string; tokenId?: string; signedBy?: string }): number;
  /** How this relay finds the keys of box-signed tokens (`boxKeys` option, else a cached `box_keys` lookup); the API verifies with the same. */
  readonly boxKeys: BoxKeyResolver;
  /** Drops a cached box key (after revoking the box) so the next check reads it again. */
  forgetBoxKey(kid: string): void;
  /** Resolves once everything accepted so far is written to the update log. */
  flush(): Promise<void>;
  stats(): { connections: number; loadedDocs: number; queuedUpdates: number };
}
