/**
 * The demo tenant's back-office rows (called by `kiosk seed-demo` after the outlet document
 * is seeded). The outlet's name, zone and currency and the staff (ids, names, roles) are taken
 * from the outlet document when it exists, so the `staff` table and the document agree; without
 * a document the demo staff below are used. PIN verifiers (argon2id) live only in the `staff`
 * table: the demo PIN for a demo id, else a random 6-digit PIN to set in the back-office. Idempotent: existing
 * rows are left as they are, so a second run changes nothing and a changed password is
 * not reset.
 */
import { randomInt } from 'node:crypto';
import * as Y from 'yjs';
import { hashPin, outletDocName, readOutlet, type StaffRole } from '@kiosk/shared';
import { readDocument, type KioskDatabase } from '@kiosk/store';
import { hashPassword } from './auth/passwords';

/** The demo staff (shared demo outlet): Sari, cashier, PIN 1234; Budi, manager, PIN 9999. */
export const DEMO_STAFF = [
  { id: 'staff-sari', name: 'Sari', role: 'cashier', pin: '1234' },
  { id: 'staff-budi', name: 'Budi', role: 'manager', pin: '9999' },
] as const;

/** Emails are `owner@{emailDomain}` and `manager@{emailDomain}` (default `demo.kiosk`). */
export const DEMO_USERS = [
  { key: 'owner', name: 'Demo Owner', role: 'owner', password: 'demo1234' },
  { key: 'manager', name: 'Demo Manager', role: 'manager', password: 'demo1234' },
] as const;

/** The outlet document as stored in the update log (snapshot + later rows), or null; a row that does not apply throws (`LoadError`). */
async function storedOutletDoc(store: KioskDatabase, docName: string): Promise<Y.Doc | null> {
  const loaded = await readDocument(store, docName, { onBadRow: 'throw' });
  if (loaded.snapshotUpTo === null && loaded.rows === 0) {
    loaded.doc.destroy();
    return null;
  }
  return loaded.doc;
}

export async function seedOfficeDemo(
  store: KioskDatabase,
  options: { tenant: string; outlet: string; outletName?: string; timeZone?: string; currency?: string; emailDomain?: string },
): Promise<void> {
  const { tenant, outlet } = options;
  const db = store.db;
  const doc = await storedOutletDoc(store, outletDocName(tenant, outlet));
  const snapshot = doc ? readOutlet(doc) : null;
  doc?.destroy();
  const settings = snapshot?.settings ?? null;

  await db
    .insertInto('tenants')
    .values({ tenant_id: tenant, name: tenant === 'demo' ? 'Demo' : tenant })
    .onConflict((oc) => oc.column('tenant_id').doNothing())
    .execute();
  await db
    .insertInto('outlets')
    .values({
      tenant_id: tenant,
      id: outlet,
      name: options.outletName ?? settings?.name ?? 'Demo Café',
      time_zone: options.timeZone ?? settings?.timeZone ?? 'Asia/Jakarta',
      currency: options.currency ?? settings?.currency ?? 'IDR',
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'id']).doNothing())
    .execute();
  for (const u of DEMO_USERS) {
    const email = `${u.key}@${options.emailDomain ?? 'demo.kiosk'}`;
    const exists = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    if (exists) continue;
    const id = `${tenant}-${u.key}`;
    await db
      .insertInto('users')
      .values({ id, tenant_id: tenant, email, name: u.name, role: u.role, password_hash: await hashPassword(u.password) })
      .execute();
    if (u.role === 'manager') await db.insertInto('user_outlets').values({ tenant_id: tenant, user_id: id, outlet_id: outlet }).execute();
  }
  const staff: Array<{ id: string; name: string; role: StaffRole; pinHash: string }> = snapshot?.staff.length
    ? await Promise.all(
        snapshot.staff.map(async (s) => ({
          id: s.id,
          name: s.name,
          role: s.role as StaffRole,
          pinHash: await hashPin(DEMO_STAFF.find((d) => d.id === s.id)?.pin ?? String(randomInt(0, 1_000_000)).padStart(6, '0')),
        })),
      )
    : await Promise.all(DEMO_STAFF.map(async (s) => ({ id: s.id, name: s.name, role: s.role, pinHash: await hashPin(s.pin) })));
  for (const s of staff) {
    const exists = await db
      .selectFrom('staff')
      .select('id')
      .where('tenant_id', '=', tenant)
      .where('outlet_id', '=', outlet)
      .where('id', '=', s.id)
      .executeTakeFirst();
    if (exists) continue;
    await db.insertInto('staff').values({ tenant_id: tenant, outlet_id: outlet, id: s.id, name: s.name, role: s.role, pin_hash: s.pinHash }).execute();
  }
}
