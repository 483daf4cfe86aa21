import type { Kysely } from 'kysely';

// Frozen in time: never import app code here (Kysely migration docs).
//
// An email address was unique across tenants, so an owner adding a user learnt whether that
// address had an account in ANOTHER tenant (409 vs 201). Now it is unique per tenant; sign-in
// asks for the organisation when one address has accounts in two tenants (409 ambiguous_account).
// The index leads with the email: sign-in looks an address up before it knows the tenant.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropConstraint('users_email_key').execute();
  await db.schema.createIndex('users_email_tenant_unique').on('users').columns(['email', 'tenant_id']).unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  // Fails (as it should) once one address has accounts in two tenants.
  await db.schema.dropIndex('users_email_tenant_unique').execute();
  await db.schema.alterTable('users').addUniqueConstraint('users_email_key', ['email']).execute();
}
