/**
 * What a connection may write, decided before an update touches the document (tldraw
 * `filterPush`); a refused update is never applied, broadcast or logged.
 *
 * - A read-only connection (kitchen/terminal on the outlet document) whose message would
 *   change anything is closed with 4403. Messages that change nothing (the sync step 2 every
 *   client sends back) are accepted.
 * - Client ids: a LIVE update (sync type 2, a device's own edit) that writes with a client id
 *   owned by another device is refused (close 1013 so the stock client resyncs later) and
 *   unowned ids are claimed for the sender. Catch-up messages (sync step 2) may carry structs
 *   of other devices that the sender received through a relay (e.g. written before a relay
 *   crash and not yet stored); they are accepted without claiming, since refusing them would
 *   lose nothing but block the sender's own catch-up.
 * - The outlet document's numbering record is the server's (`outlet-write-rules.ts`).
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { checkDayUpdate, isWritableDay, outletDocName, writableDays, WriteRuleViolation, type DayWindowOptions } from '@kiosk/shared';
import type { Connection } from './connection';
import type { OutletFacts } from './outlet-facts';
import type { PersistQueue } from './persist-queue';
import { Refusal } from './refusal';
import type { SharedDoc } from './shared-doc';
import { analyzeUpdate } from './update-check';
import { touchesNumbering } from './outlet-write-rules';

export interface WriteGuardDeps {
  queue: Pick<PersistQueue<unknown>, 'lastSeq' | 'pushClaim'>;
  /** Facts of the outlet of a day document (cached; `ensure`d when a writer joined). */
  outletFacts(outletDocName: string): OutletFacts | undefined;
  dayWindow: DayWindowOptions;
  now(): number;
  log(message: string): void;
}

/** Without outlet settings the window is computed on UTC, widened by the largest offsets (−12 h … +14 h). */
const FALLBACK_SETTINGS = { timeZone: 'UTC', businessDayStart: '00:00' };
const FALLBACK_SKEW_MS = 14 * 3_600_000;

export class WriteGuard {
  private readonly queue: WriteGuardDeps['queue'];

  constructor(private readonly deps: WriteGuardDeps) {
    this.queue = deps.queue;
  }

  /** Checks and applies an update (sync step 2 or a live update); throws a `Refusal`. */
  receiveUpdate(conn: Connection, shared: SharedDoc, update: Uint8Array, live: boolean): void {
    const deviceId = conn.deviceId;
    if (conn.mode === 'read') {
      const analysis = analyzeUpdate(shared.doc, update, { deletes: true });
      if (analysis.newStructClients.length > 0 || analysis.hasNewDeletes) {
        throw new Refusal('read_only', `read-only: role ${conn.claims?.role ?? '?'} cannot write ${shared.name.name}`);
      }
      return; // changes nothing: the usual sync step 2 reply of a reader
    }
    if (shared.name.kind === 'day') {
      this.receiveDayUpdate(conn, shared, update, live);
      return;
    }
    if (shared.name.kind === 'outlet' && !conn.trusted && touchesNumbering(shared.doc, update)) {
      throw new Refusal('write_rule', `the numbering record of ${shared.name.name} is written by the server only`);
    }
    // Fast path (the hot one: a device's own edit): an update of exactly one client id that
    // this device already owns needs no struct-level check; skip the full decode. A malformed
    // one still fails inside applyUpdate and closes the connection (4400).
    const single = live ? singleClientOf(update) : null;
    if (single !== null && shared.owners.get(single) === deviceId) {
      this.apply(conn, shared, update, []);
      return;
    }
    const analysis = analyzeUpdate(shared.doc, update, { deletes: false });
    const toClaim: number[] = [];
    if (live && !conn.trusted) {
      for (const client of analysis.newStructClients) {
        const owner = shared.owners.get(client);
        if (owner === undefined) toClaim.push(client);
        else if (owner !== deviceId) {
          throw new Refusal('foreign_client_id', `update writes with client id ${client} of another device; refused`);
        }
      }
    }
    this.apply(conn, shared, update, toClaim);
  }

  /**
   * Day documents: the write rules (`day-write-rules.ts`) and the writable window, checked on
   * every update — live or catch-up, from a device or a trusted relay — before it is applied.
   */
  private receiveDayUpdate(conn: Connection, shared: SharedDoc, update: Uint8Array, live: boolean): void {
    const name = shared.name;
    if (name.kind !== 'day') return;
    const facts = this.deps.outletFacts(outletDocName(name.tenant, name.outlet));
    const ctx = {
      day: name.day,
      senderDeviceId: conn.deviceId,
      senderRole: conn.claims?.role ?? 'unknown',
      live,
      trusted: conn.trusted,
      ownerOf: (client: number) => shared.owners.get(client),
      staffIds: facts && facts.staffIds.size > 0 ? facts.staffIds : undefined,
      deviceIds: facts && facts.deviceIds.size > 0 ? facts.deviceIds : undefined,
    };
    let verdict;
    try {
      verdict = checkDayUpdate(shared.doc, update, ctx);
    } catch (error) {
      if (!(error instanceof WriteRuleViolation)) throw error;
      throw new Refusal(error.kind, error.message);
    }
    if (verdict.changes) {
      const settings = facts?.settings ?? FALLBACK_SETTINGS;
      const window = writableDays(this.deps.now(), settings, {
        graceDays: this.deps.dayWindow.graceDays,
        clockSkewMs: facts?.settings ? this.deps.dayWindow.clockSkewMs : FALLBACK_SKEW_MS,
      });
      if (!isWritableDay(name.day, window)) {
        throw new Refusal('day_closed', `business day ${name.day} is not writable (writable: ${window.earliest} to ${window.latest})`);
      }
    }
    for (const [client, device] of verdict.relayed) {
      this.deps.log(`device ${conn.deviceId} relayed content of device ${device} (client id ${client}) in its catch-up of ${name.name}`);
    }
    conn.relayedFor = verdict.relayed.size > 0 ? [...new Set(verdict.relayed.values())].sort() : null;
    try {
      this.apply(conn, shared, update, [], verdict.claims);
    } finally {
      conn.relayedFor = null;
    }
  }

  private apply(conn: Connection, shared: SharedDoc, update: Uint8Array, toClaim: number[], attributed?: ReadonlyMap<number, string>): void {
    const deviceId = conn.deviceId;
    const seqBefore = conn.lastWriteSeq;
    // The document's 'update' event (origins.ts) broadcasts and queues it, synchronously.
    Y.applyUpdate(shared.doc, update, conn.origin);
    if (conn.lastWriteSeq === seqBefore && shared.unpersisted > 0) {
      // It sent what the relay holds but has not stored yet (delivered by another path):
      // acknowledge it when the queue reaches the log, or the client waits forever.
      conn.lastWriteSeq = this.queue.lastSeq;
    }
    for (const clientId of toClaim) {
      shared.owners.set(clientId, deviceId);
      this.queue.pushClaim({ docName: shared.name.name, clientId, deviceId });
    }
    for (const [clientId, owner] of attributed ?? []) {
      if (shared.owners.has(clientId)) continue;
      shared.owners.set(clientId, owner);
      // Content of another device delivered in this one's catch-up: recorded, so the projector can flag it.
      this.queue.pushClaim({ docName: shared.name.name, clientId, deviceId: owner, ...(owner !== deviceId ? { relayedBy: deviceId } : {}) });
    }
  }
}

/** The client id of an update that carries structs of exactly one client, else null. */
export function singleClientOf(update: Uint8Array): number | null {
  try {
    const decoder = decoding.createDecoder(update);
    if (decoding.readVarUint(decoder) !== 1) return null; // number of clients (v1 update format)
    decoding.readVarUint(decoder); // number of structs
    return decoding.readVarUint(decoder);
  } catch {
    return null;
  }
}
