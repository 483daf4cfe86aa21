import type { Kysely, Transaction } from 'kysely';
import type { Database } from '@kiosk/store';

/**
 * Any Kysely handle: the API passes its tenant transaction (row-level security applies),
 * maintenance code may pass the plain database.
 */
export type ReportDb = Kysely<Database> | Transaction<Database>;
