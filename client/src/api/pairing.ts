/**
 * Pairing (`POST /api/pair`, see sync-server/src/office/README.md): a new device trades a
 * pairing code from the back-office for its long-lived device token. The server URL is the
 * one typed on `/setup`, so this call may go to another origin than the page's.
 */
import { ApiError, type DeviceTokenBody, type DeviceTokenResponse, type ErrorBody, type PairBody, type PairResponse } from '@kiosk/shared';

export async function pairDevice(input: { serverUrl: string } & Required<PairBody>): Promise<PairResponse> {
  const body: PairBody = { code: input.code.trim(), name: input.name.trim(), kind: input.kind, stations: input.kind === 'kitchen' ? input.stations : [] };
  const response = await fetch(new URL('/api/pair', input.serverUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json().catch(() => ({}))) as Partial<PairResponse> & { error?: Partial<ErrorBody['error']> };
  if (!response.ok || !answer.token)
    throw new ApiError(response.status, answer.error?.code ?? 'http_error', answer.error?.message ?? `HTTP ${response.status}`, answer.error?.field);
  return answer as PairResponse;
}

/**
 * Trades the device's renewal key for a fresh short-lived device token (`POST /api/device-token`,
 * no live token needed). Throws `ApiError`: `renewal_key_invalid` or `device_revoked` mean
 * renewing again is pointless (pair the device again); anything else may be retried later.
 */
export async function renewDeviceToken(serverUrl: string, renewalKey: string, fetchImpl: typeof fetch = fetch): Promise<DeviceTokenResponse> {
  const response = await fetchImpl(new URL('/api/device-token', serverUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ renewalKey } satisfies DeviceTokenBody),
  });
  const answer = (await response.json().catch(() => ({}))) as Partial<DeviceTokenResponse> & { error?: Partial<ErrorBody['error']> };
  if (!response.ok || !answer.token)
    throw new ApiError(response.status, answer.error?.code ?? 'http_error', answer.error?.message ?? `HTTP ${response.status}`, answer.error?.field);
  return answer as DeviceTokenResponse;
}
