/**
 * The box commands as an operator types them (real `kiosk` processes): `kiosk box pair` against a
 * cloud (wrong usage, unreachable cloud, then a real box code), `kiosk pairing-code` with no flags
 * and the cloud gone (the box's own database), and `kiosk start` picking up box.json by itself.
 */
import { spawn } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { connectDatabase, migrateToLatest } from '@kiosk/store';
import { seedDemo } from '@kiosk/cli';
import { startApiServer } from '@kiosk/sync-server/testing';
import { makeDataDir, REPO_ROOT, runKiosk, startKiosk } from './kiosk-process';

/** `runKiosk` without blocking this process (the cloud it talks to runs here). */
function runKioskAsync(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'kiosk.js'), ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

test('kiosk box pair, then pairing-code offline, then start runs as the box', async () => {
  const usage = runKiosk(['box', 'pair', '--code', 'ABCDEF']);
  expect(usage.status).toBe(2);
  expect(usage.stderr).toMatch(/kiosk box pair: invalid --cloud: is required/);
  expect(runKiosk(['box', 'unpair']).stderr).toMatch(/kiosk box: unknown subcommand "unpair"/);

  const dataDir = makeDataDir();
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = { KIOSK_DATA_DIR: dataDir, DATABASE_URL: '' };
  const port = await closedPort();
  const unreachable = await runKioskAsync(['box', 'pair', '--cloud', `http://127.0.0.1:${port}`, '--code', 'ABCDEF'], env);
  expect(unreachable.status).toBe(1);
  expect(unreachable.stderr).toContain(`cannot reach the cloud at http://127.0.0.1:${port}/api (ECONNREFUSED)`);

  const cloudDir = makeDataDir();
  cleanups.push(() => rmSync(cloudDir, { recursive: true, force: true }));
  const cloudStore = await connectDatabase({ dataDir: cloudDir });
  cleanups.push(() => cloudStore.close());
  await migrateToLatest(cloudStore.db);
  await seedDemo(cloudStore);
  const cloud = await startApiServer({ store: cloudStore });
  let cloudOpen = true;
  cleanups.push(async () => {
    if (cloudOpen) await cloud.close();
  });
  const owner = (await cloud.call('POST', '/api/auth/login', { body: { email: 'owner@demo.kiosk', password: 'demo1234' } })).body.accessToken;
  const wrong = await runKioskAsync(['box', 'pair', '--cloud', cloud.url, '--code', 'ZZZZZZ'], env);
  expect(wrong.status).toBe(1);
  expect(wrong.stderr).toMatch(/the cloud refused the code: this pairing code is wrong, expired or already used/);

  const code = (await cloud.call('POST', '/api/outlets/main/pairing-codes', { token: owner, body: { kind: 'box' } })).body.code;
  const paired = await runKioskAsync(['box', 'pair', '--cloud', cloud.url, '--code', code, '--name', 'Shop box'], env);
  expect(paired.stderr).toBe('');
  expect(paired.status).toBe(0);
  expect(paired.stdout).toMatch(/paired as the LAN box "Shop box" of outlet 'main'/);
  expect(statSync(path.join(dataDir, 'box.json')).mode & 0o777).toBe(0o600);

  // the internet is gone: the box still hands out device codes for its outlet
  await cloud.close();
  cloudOpen = false;
  const deviceCode = await runKioskAsync(['pairing-code'], env);
  expect(deviceCode.stderr).toBe('');
  expect(deviceCode.stdout.trim()).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);

  const box = await startKiosk({ dataDir, args: ['--tls', 'false'] });
  cleanups.push(async () => void (await box.stop()));
  expect(box.output()).toMatch(/LAN box "Shop box" of demo\/main, upstream ws:\/\/127\.0\.0\.1:\d+\/sync/);
  expect(box.output()).not.toMatch(/seeded the demo/);
  const ready = await (await fetch(`${box.baseUrl}/readyz`)).json();
  expect(ready.upstream.total).toBeGreaterThanOrEqual(1);
});
