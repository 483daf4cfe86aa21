/**
 * The roles of the system, each declared once. Everything else (zod schemas, checks, screens)
 * derives from these lists.
 *
 * - Token roles: who holds a relay/API token. `terminal` and `kitchen` are paired devices;
 *   `manager` and `owner` are back-office sessions; `projector` is the server-side worker
 *   (every outlet of its tenant); `box` is a LAN box relaying ONE outlet to the cloud.
 * - Staff roles: the people on an outlet's staff list (PIN sign-in on a device).
 * - User roles: back-office accounts (email + password).
 * - Device kinds: what a paired device is.
 */
export const TOKEN_ROLES = ['terminal', 'kitchen', 'manager', 'owner', 'projector', 'box'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

export const STAFF_ROLES = ['cashier', 'manager', 'owner', 'kitchen'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const USER_ROLES = ['owner', 'manager'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const DEVICE_KINDS = ['terminal', 'kitchen'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/**
 * What a `devices` row is: a paired device (terminal, kitchen display) or a LAN box (issue 14).
 * A box relays the whole outlet and numbers its orders; it never takes orders itself, so it is
 * not a `DeviceKind` and never appears in the outlet document's `devices` map.
 */
export const PAIRED_KINDS = ['terminal', 'kitchen', 'box'] as const;
export type PairedKind = (typeof PAIRED_KINDS)[number];

/** What a pairing code pairs: a terminal or kitchen display (`device`), or a LAN box (`box`, owner only). */
export const PAIRING_CODE_KINDS = ['device', 'box'] as const;
export type PairingCodeKind = (typeof PAIRING_CODE_KINDS)[number];
