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

/** Who wrote the header and the number: the owning device of each item's Yjs client, null when no device owns it. */
export interface Writers {
  header: string | null;
  number: string | null;
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
  const untrusted = (writer: string | null): writer is string => writer !== null && !trustedWriters.has(writer);

  let number = record.number;
  if (number !== null) {
    if (untrusted(writers.number)) {
      flags.push({
        flag: 'number_ignored',
        field: 'number',
        claimed: number,
        writer: writers.number,
        detail: 'written by a device, not the numbering authority',
      });
      number = null;
    } else if (!Number.isInteger(number) || number < 1 || number > MAX_ORDER_NUMBER) {
      flags.push({ flag: 'number_ignored', field: 'number', claimed: number, detail: `outside 1..${MAX_ORDER_NUMBER}` });
      number = null;
    }
  }

  if (untrusted(writers.header) && writers.header !== header.deviceId) {
    flags.push({ flag: 'device_mismatch', field: 'deviceId', claimed: header.deviceId, writer: writers.header });
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
export function writerOf(orderMap: Y.Map<unknown>, key: (typeof ORDER)[keyof typeof ORDER], owners: ReadonlyMap<number, string | null>): string | null {
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
