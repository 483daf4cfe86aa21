/**
 * `kiosk serve` against a PostgreSQL database that refuses connections at boot
 * (ALLOW_CONNECTIONS false — a database of this test's own, created and dropped here): it logs
 * each attempt and keeps waiting; once the database accepts connections it migrates, listens
 * and /readyz is ok. With a short --db-retry-seconds it gives up with a non-zero exit.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import pg from 'pg';
import { eventually } from '@kiosk/shared/testing';
import { testPostgresUrl } from '@kiosk/store/testing';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// This test is about PostgreSQL (an embedded PGlite is never "down at boot"); common.md's server by default.
const ADMIN_URL = testPostgresUrl() ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

function startServe(databaseUrl: string, dataDir: string, retrySeconds: number) {
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'bin', 'kiosk.js'), 'serve', '--port', '0', '--host', '127.0.0.1', '--demo', 'false', '--db-retry-seconds', String(retrySeconds)],
    { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: databaseUrl, KIOSK_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe('kiosk waits for the database at boot (PostgreSQL)', () => {
  const dbName = `kiosk_retry_${randomBytes(5).toString('hex')}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'kiosk-retry-'));
    await admin(`create database ${dbName} allow_connections false`);
  });
  afterAll(async () => {
    await admin(`drop database if exists ${dbName} with (force)`);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('logs each attempt, then serves once connections are allowed; /readyz ok', async () => {
    const kiosk = startServe(url.toString(), dataDir, 120);
    try {
      await eventually(() => expect(kiosk.output()).toMatch(/database not reachable \(attempt 3: .*not currently accepting connections.*retrying in/), {
        timeoutMs: 60_000,
      });
      expect(kiosk.child.exitCode).toBeNull();
      expect(kiosk.output()).not.toMatch(/listening on/);
      await admin(`alter database ${dbName} allow_connections true`);
      let base = '';
      await eventually(
        () => {
          const match = /listening on (http:\/\/[^\s]+)/.exec(kiosk.output());
          expect(match, kiosk.output()).not.toBeNull();
          base = match![1];
        },
        { timeoutMs: 90_000 },
      );
      expect(kiosk.output()).toMatch(/database reachable after \d+ attempts/);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', database: true, migrations: true });
      // Each logged wait is at most 5 s.
      const waits = [...kiosk.output().matchAll(/retrying in (\d+\.\d+) s/g)].map((m) => Number(m[1]));
      expect(waits.length).toBeGreaterThanOrEqual(3);
      expect(Math.max(...waits)).toBeLessThanOrEqual(5);
      expect(waits.slice(0, 3)).toEqual([0.25, 0.5, 1]);
    } finally {
      kiosk.child.kill('SIGTERM');
      await kiosk.exited;
    }
  });

  test('gives up after --db-retry-seconds with a non-zero exit and the reason', async () => {
    await admin(`alter database ${dbName} allow_connections false`);
    const kiosk = startServe(url.toString(), dataDir, 1);
    const code = await kiosk.exited;
    expect(code).not.toBe(0);
    expect(kiosk.output()).toMatch(/giving up after 1 s \(--db-retry-seconds\)/);
  });
});
