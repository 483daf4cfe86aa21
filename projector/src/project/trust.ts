/**
 * The projector verifies, never trusts (issue 13). Pure: given an order as its document holds
 * it, WHO wrote its header and its number (the devices owning the Yjs client ids of those
 * items), and the outlet's history, it says which number may be adopted and what is wrong.
 *
 * - Numbers: only the numbering authority writes them. A number whose Yjs client belongs to a
 *   device (a client id the relay attributed to a device token) is ignored, unless that device is
 *   a configured trusted writer; so is a number outside 1..1,000,000. Numbers the relay did not
 *   attribute come from the server's own writers (the projector's write-back, a LAN box's
 *   upstream link, a seed) and are candidates — the SQL row's number still wins over them, and a
 *   number already taken that day is refused when the rows are written (`write-rows.ts`).
 * - Prices: the header is priced again with the shared pricing and the menu version it names
 *   (or, without one, the version in force when it was made); a version the outlet never had
 *   is `unknown_menu`.
 * - Attribution: a header written by a device other than the one it names is `device_mismatch`;
 *   a staff id the outlet never had is `unknown_staff`.
 */
import * as Y from 'yjs';
import { ORDER, repriceOrder, type OrderRecord, type TrustFlag } from '@kiosk/shared';
import type { OutletHistory } from '../tail/outlet-history';

/** The highest daily number the projector adopts from a document. */
export const MAX_ORDER_NUMBER = 1_000_000;

/** The device owning a Yjs client, and the device that delivered its first structs in a catch-up when not the owner. */
export interface Writer {
  device: string;
  relayedBy: string | null;
}

/** Who wrote the header and the number; null when no device owns the item's client (a server-side writer). */
export interface Writers {
  header: Writer | null;
  number: Writer | null;
}

export interface TrustInput {
  record: OrderRecord;
  writers: Writers;
  /** Devices whose writes are trusted like the projector's (another numbering authority, a migration tool). */
  trustedWriters: ReadonlySet<string>;
  /** Undefined when the outlet document has no history yet (nothing to price against). */
  history: OutletHistory | undefined;
}

export interface TrustResult {
  flags: TrustFlag[];
  /** The document's number if it may be adopted, else null (the SQL row's number or a new one is used). */
  number: number | null;
}

export function verifyOrderTrust({ record, writers, trustedWriters, history }: TrustInput): TrustResult {
  const flags: TrustFlag[] = [];
  const { header } = record;
  const untrusted = (device: string | null | undefined): device is string => device != null && !trustedWriters.has(device);

  let number = record.number;
  if (number !== null) {
    if (untrusted(writers.number?.device)) {
      flags.push({
        flag: 'number_ignored',
        field: 'number',
        claimed: number,
        writer: writers.number!.device,
        detail: 'written by a device, not the numbering authority',
      });
      number = null;
    } else if (!Number.isInteger(number) || number < 1 || number > MAX_ORDER_NUMBER) {
      flags.push({ flag: 'number_ignored', field: 'number', claimed: number, detail: `outside 1..${MAX_ORDER_NUMBER}` });
      number = null;
    }
  }

  // The header names the device that wrote it — and reached the relay from that device, not in another's catch-up.
  const headerWriter = writers.header;
  if (headerWriter && untrusted(headerWriter.device) && headerWriter.device !== header.deviceId) {
    flags.push({ flag: 'device_mismatch', field: 'deviceId', claimed: header.deviceId, writer: headerWriter.device });
  } else if (headerWriter?.relayedBy && untrusted(headerWriter.relayedBy) && headerWriter.relayedBy !== header.deviceId) {
    flags.push({
      flag: 'device_mismatch',
      field: 'deviceId',
      claimed: header.deviceId,
      writer: headerWriter.relayedBy,
      detail: "delivered in another device's catch-up",
    });
  }

  if (history) {
    if (header.staffId && !history.hadStaff(header.staffId)) flags.push({ flag: 'unknown_staff', field: 'staffId', claimed: header.staffId });
    const named = header.menuVersion;
    const version = named ? history.version(named) : history.inForceAt(header.createdAt);
    if (named && !version) flags.push({ flag: 'unknown_menu', field: 'menuVersion', claimed: named });
    else if (version) flags.push(...repriceOrder(header, version.inputs));
  }
  return { flags, number };
}

/** The device owning the Yjs client that wrote `key` of an order map (null: no device owns it, or the key is absent). */
export function writerOf(orderMap: Y.Map<unknown>, key: (typeof ORDER)[keyof typeof ORDER], owners: ReadonlyMap<number, Writer | null>): Writer | null {
  // Yjs keeps the winning item of each map key in `_map`; its id names the client that wrote it.
  const item = (orderMap as unknown as { _map: Map<string, { id: { client: number }; deleted: boolean }> })._map.get(key);
  if (!item || item.deleted) return null;
  return owners.get(item.id.client) ?? null;
}

/** Yjs client ids of the header and number items of an order map (to look up their owners). */
export function writerClients(orderMap: Y.Map<unknown>): number[] {
  const map = (orderMap as unknown as { _map: Map<string, { id: { client: number } }> })._map;
  const out: number[] = [];
  for (const key of [ORDER.header, ORDER.number]) {
    const item = map.get(key);
    if (item) out.push(item.id.client);
  }
  return out;
}
