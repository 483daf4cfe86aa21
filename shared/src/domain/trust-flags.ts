/**
 * The one home of trust-flag names: what the projector found when it verified an order instead
 * of trusting it. Stored in `orders.trust_flags` (jsonb array of `TrustFlag`), shown in the
 * back-office by name (client/src/routes/office/flag-text.ts), never as raw ids.
 *
 * To add a flag (another check, e.g. `approval_unverified`): add its name to `TRUST_FLAG_NAMES`
 * and its text in flag-text.ts — nothing else has to change.
 */
export const TRUST_FLAG_NAMES = [
  /** A number found in the document was not adopted (untrusted writer, out of range, above the day's count, or taken). */
  'number_ignored',
  /** Re-pricing with the menu version the order names (or the one in force) gives other amounts. */
  'price_mismatch',
  /** The header names a menu version the outlet document never had. */
  'unknown_menu',
  /** The header names a device other than the one whose update wrote it. */
  'device_mismatch',
  /** The header's staff id is not a staff member of the outlet. */
  'unknown_staff',
  /** An approval that cannot be verified (added by the approvals work). */
  'approval_unverified',
] as const;

export type TrustFlagName = (typeof TRUST_FLAG_NAMES)[number];

/** One finding. `expected`/`claimed` carry the numbers (minor units, or an order number). */
export interface TrustFlag {
  flag: TrustFlagName;
  /** What was checked, e.g. `total`, `lines.0.unitPrice`, `number`, `deviceId`. */
  field?: string;
  expected?: number | string | null;
  claimed?: number | string | null;
  /** Device id that wrote the header or number (shown by name). */
  writer?: string;
  /** Short English detail for logs (the back-office shows the localised flag name). */
  detail?: string;
}

const NAMES: ReadonlySet<string> = new Set(TRUST_FLAG_NAMES);
export const isTrustFlagName = (name: unknown): name is TrustFlagName => typeof name === 'string' && NAMES.has(name);

/** Reads a stored `trust_flags` value defensively (unknown names are kept out). */
export function readTrustFlags(value: unknown): TrustFlag[] {
  if (!Array.isArray(value)) return [];
  return value.filter((f): f is TrustFlag => typeof f === 'object' && f !== null && isTrustFlagName((f as { flag?: unknown }).flag));
}
