/**
 * Devices: pairing codes, pairing (`POST /api/pair`, unauthenticated), and the outlet's list
 * with rename and revoke (/api/outlets/:outlet/{pairing-codes,devices}); LAN boxes (issue 14):
 * box pairing codes, `POST /api/pair` with `kind: 'box'`, and `POST /api/box/devices`.
 */
import { z } from 'zod';
import { DEVICE_KINDS, PAIRED_KINDS, PAIRING_CODE_KINDS, type DeviceKind, type PairedKind } from '../protocol/roles';
import { entryId } from './ids';

const stations = z.array(entryId).max(20);
const deviceName = z.string().trim();

/**
 * `POST /api/pair`: a new device trades a pairing code for its device token. `kind: 'box'`
 * pairs a LAN box and needs a box pairing code (answered with a `BoxPairResponse`); a box code
 * never pairs a terminal or kitchen display, and a device code never pairs a box.
 */
export const pairBody = z.object({
  code: z.string().min(4, 'is required').max(20),
  name: deviceName.min(1, 'is required').max(60),
  kind: z.enum(PAIRED_KINDS),
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

/**
 * `POST /pairing-codes` (optional body): `kind` defaults to `device` (a terminal or kitchen
 * display, role manager); a `box` code pairs the outlet's LAN box and needs role owner (the box
 * is a trusted relay of the whole outlet and becomes its numbering authority).
 */
export const pairingCodeBody = z.object({ kind: z.enum(PAIRING_CODE_KINDS).default('device') }).strict();
export type PairingCodeBody = z.input<typeof pairingCodeBody>;

/** 201 of `POST /pairing-codes`: 6 characters, single use; `expiresAt` in epoch ms. */
export interface PairingCodeResponse {
  code: string;
  expiresAt: number;
  kind: 'device' | 'box';
}

/**
 * What a box needs to create its local tenant and outlet rows. `name`, `timeZone` and
 * `currency` come from the `outlets` table; `businessDayStart` and `locale` from the outlet
 * document's settings (null while the outlet has none yet).
 */
export interface BoxOutletInfo {
  name: string;
  timeZone: string;
  currency: string;
  businessDayStart: string | null;
  locale: string | null;
}

/**
 * 201 of `POST /api/pair` with `kind: 'box'`. `token` is the box's upstream token (role `box`,
 * one day; renewed with `renewalKey` at `POST /api/device-token` like any device). `boxKey`
 * (32 random bytes, base64url; given once) signs the device tokens the box issues itself: HS256
 * with protected header `kid: "box:<deviceId>"`; the cloud accepts those for terminal and
 * kitchen roles of this outlet only, until the box is revoked. `code` is the box's row code
 * (`BOX1`, …), not a provisional-reference prefix: a box takes no orders.
 */
export interface BoxPairResponse extends Omit<PairResponse, 'kind' | 'stations'> {
  kind: 'box';
  stations: [];
  boxKey: string;
  outletInfo: BoxOutletInfo;
}

/** One device a box paired on its own (while offline), as `POST /api/box/devices` takes it. */
export const boxDeviceBody = z.object({
  id: z.string().uuid('must be a UUID'),
  name: deviceName.min(1, 'is required').max(60),
  kind: z.enum(DEVICE_KINDS),
  code: z.string().regex(/^[A-Z0-9]{1,3}$/, 'must be 1–3 capital letters or digits'),
  stations: stations.default([]),
  createdAt: z.string().datetime({ offset: true, message: 'must be an ISO date-time' }),
  revokedAt: z.string().datetime({ offset: true, message: 'must be an ISO date-time' }).nullable(),
});
/**
 * `POST /api/box/devices` (Bearer: the box's own token, role `box`): the devices the box
 * paired while the cloud was out of reach, upserted into the cloud's device list of the box's
 * outlet. Idempotent: send the whole list again after every reconnect.
 */
export const boxDevicesBody = z.object({ devices: z.array(boxDeviceBody).max(500) });
export type BoxDevicesBody = z.input<typeof boxDevicesBody>;

/** 200 of `POST /api/box/devices`: ids by what happened to them (`unchanged`: already as sent, or not the box's to change). */
export interface BoxDevicesResponse {
  created: string[];
  updated: string[];
  unchanged: string[];
}

/** `PATCH /devices/:deviceId`: at least one of the two. */
export const devicePatchBody = z
  .object({ name: deviceName.min(1, 'must not be empty').max(60).optional(), stations: stations.optional() })
  .refine((b) => b.name !== undefined || b.stations !== undefined, { message: 'give name or stations', path: ['name'] });
export type DevicePatchBody = z.input<typeof devicePatchBody>;

export interface DeviceView {
  id: string;
  name: string;
  /** `box`: the outlet's LAN box (never in the outlet document). */
  kind: PairedKind;
  code: string;
  stations: string[];
  createdAt: string | null;
  revokedAt: string | null;
  /** false for devices only in the outlet document (seeded), which have no token here. */
  paired: boolean;
  /** The name of the LAN box that paired this device (learned through `POST /api/box/devices`), else null. */
  pairedByBox: string | null;
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
