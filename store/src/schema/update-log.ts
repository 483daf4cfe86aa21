import type { ColumnType, Generated } from 'kysely';

/**
 * Tables written by the sync-server (relay). The update log is also the projector's input.
 * Owned by the relay; see migrations/2026-11-23-1NN-*.ts.
 */
export interface RelayTables {
  update_log: {
    /** Commit order: appenders hold an advisory lock, so ids become visible in order. */
    id: Generated<number>;
    doc_name: string;
    tenant_id: string;
    outlet_id: string;
    /** Business day for day documents, null for the outlet document. */
    business_day: string | null;
    update: Uint8Array;
    /** Device that sent it (token's device id), or 'projector' / 'seed' / 'upstream'. */
    device_id: string;
    /** Which writer instance appended it (relay instance id, 'projector:…'); lets a relay skip its own rows when tailing. */
    origin: string;
    /** Catch-up carrying new content of other devices: their ids, comma-separated (2026-12-02-100-relayed-updates.ts). */
    relayed_for: ColumnType<string | null, string | null | undefined, never>;
    created_at: ColumnType<Date, never, never>;
  };
  doc_snapshots: {
    doc_name: string;
    tenant_id: string;
    outlet_id: string;
    /** Yjs update equal to merging every update_log row of the doc with id <= upto_id. */
    snapshot: Uint8Array;
    upto_id: number;
    updated_at: ColumnType<Date, Date | undefined, Date>;
  };
  /** Revoked token ids (migrations/2026-11-23-101-relay-auth.ts). */
  revoked_tokens: {
    jti: string;
    revoked_at: ColumnType<Date, Date | undefined, Date>;
  };
  /** Which device owns which Yjs client id in a document (attribution; forged ids are refused). */
  device_client_ids: {
    doc_name: string;
    client_id: number;
    tenant_id: string;
    device_id: string;
    /** The device whose catch-up delivered this client's first structs, when not the owner (migration 2026-12-03-800). */
    relayed_by: ColumnType<string | null, string | null | undefined, never>;
    first_seen_at: ColumnType<Date, Date | undefined, never>;
  };
}
