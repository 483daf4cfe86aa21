/**
 * Device credentials, kept in localStorage after pairing: the device starts offline from
 * then on with no further question. One device = one browser profile.
 */
import type { DeviceKind, PairResponse } from '@kiosk/shared';

export type { DeviceKind };

/** What pairing answered (token, device, outlet, short code for provisional references `B-017`, …) and where. */
export interface DeviceCredentials extends PairResponse {
  serverUrl: string;
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
