/**
 * Revoked access tokens live in the relay's `revoked_tokens` table (the relay refuses them on
 * connect); the API adds to it and checks it. Queried as the table owner: a token's jti is
 * checked before its tenant is trusted.
 */
import type { Kysely } from 'kysely';
import type { Database, KioskDatabase } from './index';

export async function isRevoked(store: KioskDatabase, jti: string): Promise<boolean> {
  const row = await store.db.selectFrom('revoked_tokens').select('jti').where('jti', '=', jti).executeTakeFirst();
  return row !== undefined;
}

export async function revokeJti(db: Kysely<Database>, jti: string): Promise<void> {
  await db
    .insertInto('revoked_tokens')
    .values({ jti })
    .onConflict((oc) => oc.column('jti').doNothing())
    .execute();
}
