import type { Kysely } from 'kysely';

// Frozen in time: never import app code here (Kysely migration docs).
export async function up(db: Kysely<any>): Promise<void> {
  // A row from a device's catch-up (sync step 2) that carries new content of OTHER devices:
  // their ids, comma-separated. Legitimate after a relay lost updates it had already broadcast;
  // also what a device forging another's writes looks like — so the projector flags the orders
  // such a row touches.
  await db.schema.alterTable('update_log').addColumn('relayed_for', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('update_log').dropColumn('relayed_for').execute();
}
