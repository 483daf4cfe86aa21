/**
 * Tables of the back-office (users, staff, devices, pairing codes, tokens, Z reports,
 * cash drawer, audit log). Owned by the back-office API; see migrations/2026-11-23-3xx-*.ts.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface OfficeTables {}
