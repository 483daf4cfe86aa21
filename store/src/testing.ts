/**
 * Test databases: PGlite always, and PostgreSQL too when `KIOSK_TEST_DATABASE_URL` or
 * `DATABASE_URL` names a server. Each `open()` gives a fresh, migrated database (a new
 * PostgreSQL database per call, dropped on close) so test files never see each other's rows.
 *
 * ```ts
 * describe.each(testDatabaseTargets())('update log on $name', (target) => {
 *   let store: KioskDatabase;
 *   beforeEach(async () => { store = await target.open(); });
 *   afterEach(() => store.close());
 * });
 * ```
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connectDatabase, type KioskDatabase } from './connect';
import { migrateToLatest } from './migrate';

export interface TestDatabaseTarget {
  name: 'pglite' | 'postgres';
  /** Fresh migrated database; `close()` also drops it (PostgreSQL). */
  open(options?: { migrate?: boolean }): Promise<KioskDatabase & { url?: string }>;
}

export function testPostgresUrl(): string | undefined {
  const url = process.env.KIOSK_TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  return url && /^postgres(ql)?:\/\//.test(url) ? url : undefined;
}

export function testDatabaseTargets(): TestDatabaseTarget[] {
  const targets: TestDatabaseTarget[] = [
    {
      name: 'pglite',
      async open(options) {
        const store = await connectDatabase({});
        if (options?.migrate !== false) await migrateToLatest(store.db);
        return store;
      },
    },
  ];
  const adminUrl = testPostgresUrl();
  if (adminUrl) {
    targets.push({
      name: 'postgres',
      async open(options) {
        const dbName = `kiosk_t_${randomBytes(6).toString('hex')}`;
        const admin = new pg.Client({ connectionString: adminUrl });
        await admin.connect();
        await admin.query(`create database ${dbName}`);
        await admin.end();
        const url = new URL(adminUrl);
        url.pathname = `/${dbName}`;
        const store = await connectDatabase({ url: url.toString(), poolSize: 5 });
        if (options?.migrate !== false) await migrateToLatest(store.db);
        return {
          ...store,
          url: url.toString(),
          async close() {
            await store.close();
            const dropper = new pg.Client({ connectionString: adminUrl });
            await dropper.connect();
            await dropper.query(`drop database if exists ${dbName} with (force)`);
            await dropper.end();
          },
        };
      },
    });
  }
  return targets;
}
