/**
 * `kiosk start` with TLS, as an operator runs it: the banner names every https address and the
 * box CA's fingerprint, the same port answers https (trusting the CA from the data directory,
 * by the name kiosk-box.test mapped to 127.0.0.1) and plain http for this machine.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startKiosk, type KioskProcess } from './kiosk-process';

const toLoopback = ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
  if (options?.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
}) as unknown as LookupFunction;

describe('kiosk start --tls', () => {
  let kiosk: KioskProcess;
  beforeAll(async () => {
    // Bound to loopback (test traffic stays there); --tls true turns on what 0.0.0.0 turns on by default.
    kiosk = await startKiosk({ args: ['--tls', 'true', '--tls-names', 'kiosk-box.test'] });
  });
  afterAll(async () => {
    await kiosk?.stop();
  });

  test('the banner prints the https URLs and the CA fingerprint; https by name and http on loopback both answer', async () => {
    const caPem = readFileSync(path.join(kiosk.dataDir, 'tls', 'ca.pem'), 'utf8');
    const out = kiosk.output();
    expect(out).toContain(`https://kiosk-box.test:${kiosk.port}/pos`);
    expect(out).toContain(`https://127.0.0.1:${kiosk.port}/pos`);
    expect(out).toContain(new X509Certificate(caPem).fingerprint256);
    expect(kiosk.baseUrl).toBe(`http://127.0.0.1:${kiosk.port}`);

    const plain = await fetch(`${kiosk.baseUrl}/healthz`);
    expect(plain.status).toBe(200);
    const secure = await new Promise<{ status: number; hsts: unknown }>((resolve, reject) => {
      https
        .get({ host: 'kiosk-box.test', port: kiosk.port, path: '/healthz', ca: caPem, lookup: toLoopback, agent: false }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, hsts: res.headers['strict-transport-security'] });
        })
        .on('error', reject);
    });
    expect(secure).toEqual({ status: 200, hsts: 'max-age=31536000' });
  });
});
