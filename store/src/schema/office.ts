import type { ColumnType, Generated } from 'kysely';
import type { DeviceKind, PairedKind, PairingCodeKind, StaffRole, UserRole } from '@kiosk/shared';

/**
 * Tables of the back-office (users, staff, devices, pairing codes, tokens, Z reports,
 * cash drawer, audit log). Owned by the back-office API; see migrations/2026-11-23-3xx-*.ts.
 * Every table has `tenant_id` and row-level security (migration 390).
 */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** jsonb: written as a JSON string (same on PGlite and node-postgres), read back parsed. */
type Json<T> = ColumnType<T, string, string>;

export type { UserRole };
export type { StaffRole };
export type { DeviceKind, PairedKind, PairingCodeKind };
export type CashDrawerKind = 'float' | 'cash_in' | 'cash_out' | 'count';

export interface OfficeTables {
  tenants: { tenant_id: string; name: string; created_at: CreatedAt };
  outlets: { tenant_id: string; id: string; name: string; time_zone: string; currency: string; created_at: CreatedAt };
  users: {
    id: string;
    tenant_id: string;
    /** Lower-cased, unique across tenants. */
    email: string;
    name: string;
    role: UserRole;
    /** `scrypt$N$r$p$salt$hash`. */
    password_hash: string;
    created_at: CreatedAt;
    disabled_at: NullableTimestamp;
  };
  user_outlets: { tenant_id: string; user_id: string; outlet_id: string };
  staff: {
    tenant_id: string;
    outlet_id: string;
    id: string;
    name: string;
    role: StaffRole;
    pin_hash: string;
    created_at: CreatedAt;
    removed_at: NullableTimestamp;
  };
  devices: {
    id: string;
    tenant_id: string;
    outlet_id: string;
    name: string;
    /** `box`: a LAN box (migration 2026-12-04-100); never in the outlet document. */
    kind: PairedKind;
    code: string;
    stations: Json<string[]>;
    token_jti: string | null;
    created_by: string;
    created_at: CreatedAt;
    revoked_at: NullableTimestamp;
    revoked_by: string | null;
    /** The box that paired this device on its own (learned through `POST /api/box/devices`). */
    paired_by_box: ColumnType<string | null, string | null | undefined, string | null>;
  };
  /** A LAN box's token-signing key (HS256, JWT kid `box:<box_device_id>`); `revoked_at` ends it. */
  box_keys: {
    box_device_id: string;
    tenant_id: string;
    outlet_id: string;
    key: string;
    created_at: CreatedAt;
    revoked_at: NullableTimestamp;
  };
  pairing_codes: {
    code_hash: string;
    tenant_id: string;
    outlet_id: string;
    created_by: string;
    created_at: CreatedAt;
    expires_at: Timestamp;
    used_at: NullableTimestamp;
    device_id: string | null;
    kind: ColumnType<PairingCodeKind, PairingCodeKind | undefined, PairingCodeKind>;
  };
  refresh_tokens: {
    id: string;
    tenant_id: string;
    user_id: string;
    family_id: string;
    token_hash: string;
    outlet_id: string;
    access_jti: string | null;
    created_at: CreatedAt;
    expires_at: Timestamp;
    used_at: NullableTimestamp;
    revoked_at: NullableTimestamp;
  };
  z_reports: {
    tenant_id: string;
    outlet_id: string;
    business_day: string;
    figures: Json<unknown>;
    closed_by: string;
    closed_at: CreatedAt;
  };
  z_report_orders: {
    tenant_id: string;
    outlet_id: string;
    order_id: string;
    order_day: string;
    report_day: string;
    late: boolean;
  };
  cash_drawer_events: {
    id: Generated<number>;
    tenant_id: string;
    outlet_id: string;
    business_day: string;
    kind: CashDrawerKind;
    amount: number;
    note: string | null;
    actor: string;
    at: CreatedAt;
  };
  audit_log: {
    id: Generated<number>;
    tenant_id: string;
    outlet_id: string | null;
    actor: string;
    action: string;
    details: Json<Record<string, unknown>>;
    at: CreatedAt;
  };
}
