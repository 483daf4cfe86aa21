import type { Transaction } from 'kysely';
import type { OutletView, UserRole } from '@kiosk/shared';
import type { Database } from '@kiosk/store';

/** Outlets a user may use: every outlet of the tenant for an owner, the assigned ones for a manager. */
export async function outletsForUser(trx: Transaction<Database>, user: { id: string; role: UserRole }): Promise<OutletView[]> {
  let query = trx.selectFrom('outlets').select(['id', 'name', 'time_zone', 'currency']).orderBy('id');
  if (user.role === 'manager') {
    query = query.where('id', 'in', trx.selectFrom('user_outlets').select('outlet_id').where('user_id', '=', user.id));
  }
  const rows = await query.execute();
  return rows.map((r) => ({ id: r.id, name: r.name, timeZone: r.time_zone, currency: r.currency }));
}
