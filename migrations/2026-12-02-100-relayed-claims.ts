import type { Kysely } from 'kysely';

// Frozen in time: never import app code here (Kysely migration docs).
export async function up(db: Kysely<any>): Promise<void> {
  // A client id first seen in another device's catch-up (sync step 2): the content names its
  // writer (device_id), but it reached the server through `relayed_by`. Legitimate after a relay
  // lost updates it had already broadcast; also what a device forging another's orders looks
  // like — so the projector flags orders written under such a client id.
  await db.schema.alterTable('device_client_ids').addColumn('relayed_by', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('device_client_ids').dropColumn('relayed_by').execute();
}
