/**
 * The audit trail: who changed what in an outlet document, sign-ins, device and staff
 * changes, day closes. Written in the caller's tenant transaction; actions are dotted
 * names (`catalog.item.put`, `auth.sign_in`) so the UI can filter by prefix.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '@kiosk/store';

export interface AuditEntry {
  tenant: string;
  outlet: string | null;
  actor: string;
  action: string;
  details?: Record<string, unknown>;
}

export async function writeAudit(trx: Transaction<Database> | Kysely<Database>, entry: AuditEntry): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values({ tenant_id: entry.tenant, outlet_id: entry.outlet, actor: entry.actor, action: entry.action, details: JSON.stringify(entry.details ?? {}) })
    .execute();
}
