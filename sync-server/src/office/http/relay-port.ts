import type * as Y from 'yjs';
import type { BoxKeyResolver } from '../../auth/tokens';

/**
 * What the API needs from the relay, and no more: server-side edits of documents (persisted
 * and broadcast to connected devices), reading a document, and cutting connections of a
 * revoked device or token. `startSyncServer` passes its relay; tests may pass any object
 * with these three methods.
 */
export interface RelayPort {
  transactDoc(docName: string, actor: { deviceId: string }, fn: (doc: Y.Doc) => void): Promise<void>;
  getDoc(docName: string): Promise<Y.Doc>;
  /** Closes matching connections at once; returns how many were closed. */
  disconnect(target: { deviceId?: string; tokenId?: string; signedBy?: string }): number;
  /** The relay's box-key resolver (the API verifies box-signed tokens with the same one); optional for test doubles. */
  readonly boxKeys?: BoxKeyResolver;
  /** Drops the relay's cached answer for a box key (after revoking the box). */
  forgetBoxKey?(kid: string): void;
}
