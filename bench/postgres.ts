/** A PostgreSQL server for the benchmarks: each benchmark gets a database of its own, dropped after. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface PostgresServer {
  url: string;
  display: string;
  version: string;
  createDatabase(purpose: string): Promise<{ url: string; drop(): Promise<void> }>;
  close(): Promise<void>;
}

export async function postgresServer(): Promise<PostgresServer | undefined> {
  const url = process.env.KIOSK_BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const version = String((await admin.query('show server_version')).rows[0].server_version);
  const display = url.replace(/\/\/[^@]*@/, '//');
  return {
    url,
    display,
    version: `PostgreSQL ${version}`,
    async createDatabase(purpose) {
      const name = `kiosk_bench_${purpose.replace(/\W/g, '_')}_${randomBytes(3).toString('hex')}`;
      await admin.query(`create database ${name}`);
      const dbUrl = new URL(url);
      dbUrl.pathname = `/${name}`;
      return {
        url: dbUrl.toString(),
        drop: async () => {
          await admin.query(`drop database if exists ${name} with (force)`);
        },
      };
    },
    close: () => admin.end(),
  };
}
