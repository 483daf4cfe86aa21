/**
 * Incoming messages (hocuspocus `MessageReceiver`): every message gets its own exact buffer,
 * is checked for size and frame type, waits while its connection is admitted, is counted
 * against the device's rate, and is dispatched on the y-websocket message type. Anything
 * malformed closes the connection with 4400; nothing malformed reaches `Y.applyUpdate`'s
 * broadcast (updates go through the write guard first).
 */
import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import { encodeAwareness, MessageType, SyncType } from '@kiosk/shared';
import type { MessageCounters } from '../metrics/metrics';
import type { AwarenessRelay } from './awareness-relay';
import type { Connection } from './connection';
import type { DeviceLimits } from './device-limits';
import { Refusal } from './refusal';
import type { WriteGuard } from './write-guard';

export interface MessageHandlerDeps {
  maxMessageBytes: number;
  devices: DeviceLimits;
  writeGuard: WriteGuard;
  /** Presence: only the ids a connection owns, within caps (awareness-relay.ts). */
  presence: AwarenessRelay;
  /** `kiosk_relay_messages_total` by type, label children bound once. */
  messages: MessageCounters;
  refuse(conn: Connection, refusal: Refusal): void;
}

export class MessageHandler {
  constructor(private readonly deps: MessageHandlerDeps) {}

  /** A WebSocket message as `ws` delivers it. */
  onRawMessage(conn: Connection, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (conn.closed) return;
    const { maxMessageBytes, refuse } = this.deps;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
    // lib0's readVarUint8Array trusts the declared length and views `arr.buffer` directly: a
    // message that is a view into a larger (pooled) buffer would let a lying length read
    // neighbouring bytes. Give every message its own exact buffer.
    const message =
      bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength ? new Uint8Array(bytes.buffer) : Uint8Array.prototype.slice.call(bytes);
    if (message.byteLength > maxMessageBytes) {
      refuse(conn, new Refusal('too_large', `message of ${message.byteLength} bytes exceeds the limit of ${maxMessageBytes} bytes`));
      return;
    }
    if (!isBinary) {
      refuse(conn, new Refusal('bad_request', 'text frames are not part of the protocol; send binary y-websocket messages'));
      return;
    }
    if (conn.admitting) {
      // Still authenticating/loading: keep a bounded backlog (the client sends step 1 + awareness).
      if (!conn.hold(message)) refuse(conn, new Refusal('rate_limited', 'too many messages (or bytes) before the document was ready'));
      return;
    }
    this.onMessage(conn, message);
  }

  /** A message of an attached connection (also the backlog, once attached). */
  onMessage(conn: Connection, message: Uint8Array): void {
    const shared = conn.shared;
    if (!shared || !conn.claims) return;
    const { devices, messages, refuse } = this.deps;
    if (!devices.takeMessage(conn.claims)) {
      refuse(conn, new Refusal('rate_limited', `device ${conn.claims.deviceId} exceeds ${devices.limits.rateLimit.refillPerSecond} messages/s`));
      return;
    }
    try {
      const decoder = decoding.createDecoder(message);
      const type = decoding.readVarUint(decoder);
      switch (type) {
        case MessageType.sync: {
          const syncType = decoding.readVarUint(decoder);
          if (syncType === SyncType.step1) {
            messages.sync_step1.inc();
            conn.replyToStep1(decoding.readVarUint8Array(decoder));
          } else if (syncType === SyncType.step2 || syncType === SyncType.update) {
            messages[syncType === SyncType.update ? 'sync_update' : 'sync_step2'].inc();
            this.deps.writeGuard.receiveUpdate(conn, shared, decoding.readVarUint8Array(decoder), syncType === SyncType.update);
          } else {
            throw new Refusal('bad_request', `unknown sync message type ${syncType}`);
          }
          break;
        }
        case MessageType.awareness: {
          messages.awareness.inc();
          this.deps.presence.receive(conn, shared, decoding.readVarUint8Array(decoder), conn.origin);
          break;
        }
        case MessageType.queryAwareness: {
          messages.query_awareness.inc();
          const states = shared.awareness.getStates();
          conn.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(shared.awareness, [...states.keys()])));
          break;
        }
        default:
          throw new Refusal('bad_request', `unknown message type ${type}`);
      }
    } catch (error) {
      if (error instanceof Refusal) refuse(conn, error);
      else refuse(conn, new Refusal('bad_request', `malformed message: ${error instanceof Error ? error.message : String(error)}`));
    }
  }
}
