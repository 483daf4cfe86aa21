/**
 * The demo tenant's back-office rows (called by `kiosk seed-demo` after the outlet document
 * is seeded). Idempotent: existing rows are left as they are, so a second run changes
 * nothing and a changed password is not reset.
 */
import { hashPin } from '@kiosk/shared';
import type { KioskDatabase } from '@kiosk/projector/db';
import { hashPassword } from './passwords';

/** The demo staff, matching the shared demo outlet document (`seedDemoOutlet`). */
export const DEMO_STAFF = [
  { id: 'staff-sari', name: 'Sari', role: 'cashier', pin: '1234' },
  { id: 'staff-budi', name: 'Budi', role: 'manager', pin: '9999' },
] as const;

/** Emails are `owner@{emailDomain}` and `manager@{emailDomain}` (default `demo.kiosk`). */
export const DEMO_USERS = [
  { key: 'owner', name: 'Demo Owner', role: 'owner', password: 'demo1234' },
  { key: 'manager', name: 'Demo Manager', role: 'manager', password: 'demo1234' },
] as const;

export async function seedOfficeDemo(
  store: KioskDatabase,
  options: { tenant: string; outlet: string; outletName?: string; timeZone?: string; currency?: string; emailDomain?: string },
): Promise<void> {
  const { tenant, outlet } = options;
  const db = store.db;
  await db.insertInto('tenants').values({ tenant_id: tenant, name: 'Demo' }).onConflict((oc) => oc.column('tenant_id').doNothing()).execute();
  await db
    .insertInto('outlets')
    .values({ tenant_id: tenant, id: outlet, name: options.outletName ?? 'Demo Café', time_zone: options.timeZone ?? 'Asia/Jakarta', currency: options.currency ?? 'IDR' })
    .onConflict((oc) => oc.columns(['tenant_id', 'id']).doNothing())
    .execute();
  for (const u of DEMO_USERS) {
    const email = `${u.key}@${options.emailDomain ?? 'demo.kiosk'}`;
    const exists = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    if (exists) continue;
    const id = `${tenant}-${u.key}`;
    await db.insertInto('users').values({ id, tenant_id: tenant, email, name: u.name, role: u.role, password_hash: await hashPassword(u.password) }).execute();
    if (u.role === 'manager') await db.insertInto('user_outlets').values({ tenant_id: tenant, user_id: id, outlet_id: outlet }).execute();
  }
  for (const s of DEMO_STAFF) {
    const exists = await db.selectFrom('staff').select('id').where('outlet_id', '=', outlet).where('tenant_id', '=', tenant).where('id', '=', s.id).executeTakeFirst();
    if (exists) continue;
    await db.insertInto('staff').values({ tenant_id: tenant, outlet_id: outlet, id: s.id, name: s.name, role: s.role, pin_hash: await hashPin(s.pin) }).execute();
  }
}
