/**
 * The y-websocket wire protocol (the stock client's framing, see y-websocket/src/y-websocket.js):
 * each WebSocket message is `varUint messageType` followed by its body.
 *
 * - 0 sync:           `varUint syncType` (0 step 1 = state vector, 1 step 2 = update, 2 update) + `varUint8Array`
 * - 1 awareness:      `varUint8Array` awareness update
 * - 2 auth:           (server → client only; the relay uses close codes instead)
 * - 3 queryAwareness: no body; reply with every awareness state
 */
import * as encoding from 'lib0/encoding';

export const MessageType = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const;
export const SyncType = { step1: 0, step2: 1, update: 2 } as const;

export function encodeSyncStep1(stateVector: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, SyncType.step1);
  encoding.writeVarUint8Array(e, stateVector);
  return encoding.toUint8Array(e);
}

export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, SyncType.step2);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, SyncType.update);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

export function encodeAwareness(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.awareness);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}
