/**
 * Devices: pairing codes, pairing (`POST /api/pair`, unauthenticated), and the outlet's list
 * with rename and revoke (/api/outlets/:outlet/{pairing-codes,devices}).
 */
import { z } from 'zod';
import { DEVICE_KINDS, type DeviceKind } from '../protocol/roles';
import { entryId } from './ids';

const stations = z.array(entryId).max(20);
const deviceName = z.string().trim();

/** `POST /api/pair`: a new device trades a pairing code for its device token. */
export const pairBody = z.object({
  code: z.string().min(4, 'is required').max(20),
  name: deviceName.min(1, 'is required').max(60),
  kind: z.enum(DEVICE_KINDS),
  stations: stations.optional(),
});
export type PairBody = z.input<typeof pairBody>;

/**
 * 201 of `POST /api/pair`; `code` is the device's short code for provisional references.
 * `token` lives one day (`expiresAt`, epoch ms); the device keeps `renewalKey` with its pairing
 * data and trades it for a fresh token at `POST /api/device-token` before that.
 */
export interface PairResponse {
  token: string;
  expiresAt: number;
  renewalKey: string;
  deviceId: string;
  tenant: string;
  outlet: string;
  code: string;
  kind: DeviceKind;
  name: string;
  stations: string[];
  /** Optional: the relays the device may sync through (sync WebSocket bases), e.g. the shop box and the cloud; absent = the server paired with. */
  relays?: Array<{ kind: 'box' | 'cloud'; url: string }>;
}

/** 201 of `POST /pairing-codes`: 6 characters, single use; `expiresAt` in epoch ms. */
export interface PairingCodeResponse {
  code: string;
  expiresAt: number;
}

/** `PATCH /devices/:deviceId`: at least one of the two. */
export const devicePatchBody = z
  .object({ name: deviceName.min(1, 'must not be empty').max(60).optional(), stations: stations.optional() })
  .refine((b) => b.name !== undefined || b.stations !== undefined, { message: 'give name or stations', path: ['name'] });
export type DevicePatchBody = z.input<typeof devicePatchBody>;

export interface DeviceView {
  id: string;
  name: string;
  kind: DeviceKind;
  code: string;
  stations: string[];
  createdAt: string | null;
  revokedAt: string | null;
  /** false for devices only in the outlet document (seeded), which have no token here. */
  paired: boolean;
}
export interface DevicesResponse {
  devices: DeviceView[];
}
export interface DeviceUpdated {
  device: Pick<DeviceView, 'id' | 'name' | 'kind' | 'code' | 'stations' | 'revokedAt'>;
}
export interface DeviceRevoked {
  device: Pick<DeviceView, 'id' | 'name' | 'code' | 'revokedAt'>;
  /** Connections closed at once. */
  disconnected: number;
}

/**
 * `POST /api/device-token` (public, rate-limited per address): a paired device renews its
 * short-lived token with the renewal key it got at pairing; no live token is needed. A wrong
 * key is 401 `renewal_key_invalid` (`field: "renewalKey"`), a revoked device 401 `device_revoked`.
 */
export const deviceTokenBody = z.object({
  renewalKey: z.string().min(20, 'is required').max(100),
});
export type DeviceTokenBody = z.input<typeof deviceTokenBody>;

export interface DeviceTokenResponse {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
  deviceId: string;
}
