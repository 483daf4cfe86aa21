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
