/**
 * Device credentials, kept in localStorage after pairing: the device starts offline from
 * then on with no further question. One device = one browser profile.
 */
import type { DeviceKind, PairResponse } from '@kiosk/shared';

export type { DeviceKind };

/**
 * What pairing answered (token, device, outlet, short code for provisional references `B-017`, …)
 * and where. `renewalKey` and `expiresAt` are absent for devices paired before token renewal
 * existed: their (long) token keeps working until it ends, then the device is paired again.
 * The renewal key is kept here, with the rest of the pairing data (localStorage of the device's
 * own browser profile): it is what lets the device start and renew offline-first, and it only
 * ever goes to `POST /api/device-token`.
 */
export interface DeviceCredentials extends Omit<PairResponse, 'renewalKey' | 'expiresAt'> {
  serverUrl: string;
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
    return { stations: [], code: 'A', name: '', deviceId: '', kind: 'terminal', ...value } as DeviceCredentials;
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
