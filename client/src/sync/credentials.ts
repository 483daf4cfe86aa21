/**
 * Device credentials, kept in localStorage after pairing: the device starts offline from
 * then on with no further question. One device = one browser profile.
 */
import type { DeviceKind, PairResponse } from '@kiosk/shared';
import type { KnownRelay, Relay } from './relay-link';

export type { DeviceKind };

/**
 * What pairing answered (token, device, outlet, short code for provisional references `B-017`, …)
 * and where. `renewalKey` and `expiresAt` are absent for devices paired before token renewal
 * existed: their (long) token keeps working until it ends, then the device is paired again.
 * The renewal key is kept here, with the rest of the pairing data (localStorage of the device's
 * own browser profile): it is what lets the device start and renew offline-first, and it only
 * ever goes to `POST /api/device-token`.
 */
export interface DeviceCredentials extends Omit<PairResponse, 'renewalKey' | 'expiresAt' | 'relays'> {
  serverUrl: string;
  /**
   * The relays this device may sync through (sync WebSocket bases, `wss://host/sync`; an
   * http(s) base is accepted too), as pairing answered them: typically the shop box and the
   * cloud. Absent (paired before this existed, or a server that does not say): the server
   * paired with, `serverUrl`, alone. See `relaysOf`.
   */
  relays?: Relay[];
  renewalKey?: string;
  /** Epoch ms when `token` expires (server clock). */
  expiresAt?: number;
}

const KEY = 'kiosk.device';

export function loadCredentials(storage: Pick<Storage, 'getItem'> = localStorage): DeviceCredentials | null {
  const raw = storage.getItem(KEY);
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<DeviceCredentials>;
    if (typeof value.token !== 'string' || typeof value.serverUrl !== 'string' || typeof value.tenant !== 'string' || typeof value.outlet !== 'string')
      return null;
    const relays = Array.isArray(value.relays) ? value.relays.filter(isRelay) : undefined;
    return { stations: [], code: 'A', name: '', deviceId: '', kind: 'terminal', ...value, relays } as DeviceCredentials;
  } catch {
    return null;
  }
}

export function saveCredentials(credentials: DeviceCredentials, storage: Pick<Storage, 'setItem'> = localStorage): void {
  storage.setItem(KEY, JSON.stringify(credentials));
}

export function clearCredentials(storage: Pick<Storage, 'removeItem'> = localStorage): void {
  storage.removeItem(KEY);
}

/** `http://host:8080` → `ws://host:8080/sync` (https → wss). */
export function syncUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/sync`;
  url.search = '';
  return url.toString().replace(/\/+$/, '');
}

function isRelay(value: unknown): value is Relay {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, url } = value as Partial<Relay>;
  if ((kind !== 'box' && kind !== 'cloud') || typeof url !== 'string') return false;
  try {
    return ['ws:', 'wss:', 'http:', 'https:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** A relay's URL as documents connect to it: `ws(s)://host/sync` (an http(s) base gets `/sync`). */
export function relaySyncUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return syncUrl(url);
  parsed.search = '';
  return parsed.toString().replace(/\/+$/, '');
}

/**
 * The relays of these credentials, each URL normalised (`relaySyncUrl`), without duplicates.
 * The server paired with is always among them: when the stored list does not name it, it is
 * added with a guessed kind ('cloud' for the choice; the status bar asks its `/readyz`).
 */
export function relaysOf(credentials: Pick<DeviceCredentials, 'serverUrl' | 'relays'>): KnownRelay[] {
  const out: KnownRelay[] = [];
  for (const relay of credentials.relays ?? []) {
    if (!isRelay(relay)) continue;
    const url = relaySyncUrl(relay.url);
    if (!out.some((r) => r.url === url)) out.push({ kind: relay.kind, url });
  }
  const own = syncUrl(credentials.serverUrl);
  if (!out.some((r) => r.url === own)) out.push({ kind: 'cloud', url: own, guessed: true });
  return out;
}
