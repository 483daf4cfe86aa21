/**
 * Tenant isolation per request. Superusers and table owners bypass row-level security, so
 * every tenant-scoped query of the API runs in a transaction that first drops to the
 * NOLOGIN role `kiosk_app` (migration 390) and sets `app.tenant_id`; the policies then hide
 * every other tenant's rows, whatever id a request crafts. Both settings are `local`: they
 * end with the transaction, so a pooled connection never leaks them to the next request.
 *
 * Never call the relay (which appends to the update log through the same store) inside `fn`:
 * on PGlite there is one connection and the transaction holds it.
 */
import { sql, type Transaction } from 'kysely';
import type { Database, KioskDatabase } from './index';

export const APP_ROLE = 'kiosk_app';

export type TenantTransaction = Transaction<Database>;

export async function withTenant<T>(store: KioskDatabase, tenantId: string, fn: (trx: TenantTransaction) => Promise<T>): Promise<T> {
  if (!tenantId) throw new Error('withTenant: empty tenant id');
  return store.db.transaction().execute(async (trx) => {
    await sql`set local role kiosk_app`.execute(trx);
    await sql`select set_config('app.tenant_id', ${tenantId}, true)`.execute(trx);
    return fn(trx);
  });
}
