/**
 * Opens the store: PostgreSQL when given a postgres:// URL, else embedded PGlite in a data
 * directory (or in memory for tests). Both behind one `KioskDatabase` so every other module
 * is written once.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteThread } from './pglite-thread';
import type { Database } from './schema';

export type DatabaseKind = 'pglite' | 'postgres';

export interface KioskDatabase {
  readonly kind: DatabaseKind;
  readonly db: Kysely<Database>;
  /** Human-readable location for logs (never includes a password). */
  readonly description: string;
  /** Subscribes to NOTIFY on `channel`. Resolves to an unsubscribe function. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** postgres://… → PostgreSQL. Otherwise PGlite. */
  url?: string;
  /** PGlite data directory; omitted → in memory. */
  dataDir?: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
}

// Type OIDs: int8 → number (ids and counts stay far below 2^53), date → 'YYYY-MM-DD' string
// (a business day is a label, not an instant; a JS Date would shift it by the server's zone).
const INT8 = 20;
const DATE = 1082;
const NUMERIC = 1700;

export async function connectDatabase(options: ConnectOptions = {}): Promise<KioskDatabase> {
  if (options.url && /^postgres(ql)?:\/\//.test(options.url)) return connectPostgres(options.url, options.poolSize ?? 10);
  return connectPGlite(options.dataDir);
}

/**
 * PGlite's data directory belongs to one process: two processes opening it would corrupt it.
 * A lock file holding the owner's pid refuses the second one with a clear message; a lock
 * left by a dead process (kill -9) is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, 'kiosk.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockFile, 'utf8'));
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new Error(`data directory ${dataDir} is in use by process ${owner}; stop it first or use the running server's API`);
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`could not lock data directory ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function connectPGlite(dataDir: string | undefined): Promise<KioskDatabase> {
  const unlock = dataDir ? lockDataDir(dataDir) : () => {};
  // On a worker thread (pglite-thread.ts): PGlite's WASM runs synchronously on its caller, and
  // the relay's event loop must not stall for it. Same parsers (INT8, DATE, NUMERIC) as PostgreSQL.
  let pglite: PGliteThread;
  try {
    pglite = await PGliteThread.create(dataDir);
  } catch (error) {
    unlock();
    throw error;
  }
  // Kysely 0.29 ships a PGlite dialect (one connection, serialized), so we need none of our own.
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return {
    kind: 'pglite',
    db,
    description: dataDir ? `PGlite at ${dataDir}` : 'PGlite in memory',
    async listen(channel, onNotify) {
      const unsubscribe = await pglite.listen(channel, onNotify);
      return async () => {
        await unsubscribe();
      };
    },
    async close() {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
      unlock();
    },
  };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}

async function connectPostgres(url: string, poolSize: number): Promise<KioskDatabase> {
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') => {
      if (oid === INT8) return (v: string) => Number(v);
      if (oid === DATE) return (v: string) => v;
      if (oid === NUMERIC) return (v: string) => Number(v);
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  // A pool error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const listeners = new Set<pg.Client>();
  return {
    kind: 'postgres',
    db,
    description: `PostgreSQL ${redact(url)}`,
    async listen(channel, onNotify) {
      const client = new pg.Client({ connectionString: url, types });
      client.on('error', () => {});
      await client.connect();
      client.on('notification', (msg) => {
        if (msg.channel === channel) onNotify(msg.payload ?? '');
      });
      await client.query(`listen ${pg.escapeIdentifier(channel)}`);
      listeners.add(client);
      return async () => {
        listeners.delete(client);
        await client.end().catch(() => {});
      };
    },
    async close() {
      await Promise.all([...listeners].map((c) => c.end().catch(() => {})));
      await db.destroy();
    },
  };
}
