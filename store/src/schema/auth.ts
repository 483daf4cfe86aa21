import type { ColumnType } from 'kysely';

/**
 * Tables of sign-in limits and token lifetimes (migrations/2026-12-03-600-auth-limits-and-tokens.ts).
 * Owned by the back-office's auth section (sync-server/src/office/auth); read and written as the
 * table owner, before any tenant is trusted, so they have no row-level security.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** bigint epoch milliseconds: node-postgres and PGlite hand bigint back as a string. */
type EpochMs = ColumnType<string, number | string, number | string>;

export interface AuthTables {
  auth_attempts: {
    key: string;
    window_start: EpochMs;
    count: number;
    expires_at: EpochMs;
  };
  issued_tokens: {
    jti: string;
    tenant_id: string;
    kind: 'device' | 'staff' | 'user';
    /** The device id, `staff:<id>` or `user:<id>` the token names. */
    subject: string;
    /** A staff token: the terminal whose device token signed the staff member in. */
    issuing_device: string | null;
    staff_id: string | null;
    issued_at: Timestamp;
    expires_at: Timestamp;
    ended_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
    reason: string | null;
  };
  device_renewal_keys: {
    key_hash: string;
    device_id: string;
    tenant_id: string;
    created_at: ColumnType<Date, never, never>;
  };
}
