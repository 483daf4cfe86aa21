/**
 * The shop network for real (issue 14), in Chromium with real TLS and no localhost shortcut:
 * the box is opened as `https://kiosk-box.test:<port>` (Chromium maps the name to 127.0.0.1, so
 * traffic stays on loopback), and its CA is trusted the way a tablet trusts it — imported into
 * the profile's certificate store with Debian's `certutil` — never by ignoring certificate
 * errors. A terminal and a kitchen display pair, the cashier signs in by PIN, the network goes,
 * the terminal reloads from its service worker and rings up orders, the network returns, and
 * every order is numbered. The same page on `http://kiosk-box.test` says why it cannot work.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startKiosk, type KioskProcess } from '../kiosk-process';
import {
  api,
  CHROMIUM,
  CHROMIUM_ARGS,
  CHROMIUM_MISSING,
  CONTEXT_OPTIONS,
  ensureClientBuilt,
  SCREENSHOTS,
  expectTouchTargets,
  signIn,
  ticketLabels,
  waitForServiceWorker,
} from './browser';

const NAME = 'kiosk-box.test';
const CERTUTIL = '/usr/bin/certutil';

/** A HOME whose NSS database (what Chromium on Linux reads) trusts the box CA, as a device that installed it. */
function profileTrusting(caPem: string): string {
  const home = mkdtempSync(path.join(tmpdir(), 'kiosk-nss-'));
  const db = path.join(home, '.pki', 'nssdb');
  mkdirSync(db, { recursive: true });
  const ca = path.join(home, 'box-ca.pem');
  writeFileSync(ca, caPem);
  const run = (args: string[]) => {
    const r = spawnSync(CERTUTIL, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`certutil ${args.join(' ')} failed: ${r.stderr}`);
  };
  run(['-N', '-d', `sql:${db}`, '--empty-password']);
  run(['-A', '-d', `sql:${db}`, '-n', 'Kiosk box CA', '-t', 'C,,', '-i', ca]);
  return home;
}

async function pairAt(context: BrowserContext, origin: string, kiosk: KioskProcess, owner: string, kind: 'terminal' | 'kitchen', name: string): Promise<Page> {
  const { code } = await api<{ code: string }>(kiosk, 'POST', '/api/outlets/main/pairing-codes', owner);
  const page = await context.newPage();
  await page.goto(`${origin}/setup`);
  await page.getByLabel('Pairing code').fill(code);
  await page.getByLabel('Device name').fill(name);
  await page.getByRole('radio', { name: kind === 'kitchen' ? 'Kitchen display' : 'POS terminal' }).check();
  if (kind === 'kitchen') await page.getByLabel('Stations').fill('');
  await page.getByRole('button', { name: 'Pair device' }).click();
  await page.waitForURL(kind === 'kitchen' ? '**/kitchen' : '**/pos');
  // An insecure origin gets no service worker at all (the point of the banner).
  if (origin.startsWith('https:')) await waitForServiceWorker(page);
  return page;
}

async function ringUp(page: Page, item: string): Promise<void> {
  await page
    .getByRole('region', { name: 'Menu' })
    .getByRole('button', { name: `Add ${item}`, exact: true })
    .click();
  await page.getByRole('button', { name: /^Charge / }).click();
  const payment = page.getByRole('dialog', { name: 'Payment' });
  await payment.getByRole('radio', { name: 'Card' }).click();
  await payment.getByRole('button', { name: 'Add Card payment' }).click();
  await payment.getByRole('button', { name: 'Complete order' }).click();
  await page.getByRole('article', { name: 'Receipt' }).waitFor();
  await page.getByRole('button', { name: 'New order' }).click();
}

describe('browser: the shop network over HTTPS with the box CA', () => {
  test('chromium and certutil are installed', () => {
    expect(existsSync(CHROMIUM), CHROMIUM_MISSING).toBe(true);
    expect(existsSync(CERTUTIL), 'certutil (Debian libnss3-tools) is missing: npm test installs it in its pretest step').toBe(true);
  });

  let kiosk: KioskProcess;
  let browser: Browser;
  let home: string;
  let owner: string;
  let https: string;
  let http: string;

  beforeAll(async () => {
    ensureClientBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    // `--trust-proxy loopback`: a context sending `X-Forwarded-For` stands in for a tablet on the
    // shop network (a documentation-range address in a header; the traffic stays on loopback).
    kiosk = await startKiosk({ args: ['--tls', 'true', '--tls-names', NAME, '--trust-proxy', 'loopback'] });
    const port = new URL(kiosk.baseUrl).port;
    https = `https://${NAME}:${port}`;
    http = `http://${NAME}:${port}`;
    home = profileTrusting(readFileSync(path.join(kiosk.dataDir, 'tls', 'ca.pem'), 'utf8'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${NAME} 127.0.0.1`],
      env: { ...process.env, HOME: home },
      headless: true,
    });
    owner = (await api<{ accessToken: string }>(kiosk, 'POST', '/api/auth/login', undefined, { email: 'owner@demo.kiosk', password: 'demo1234' })).accessToken;
  });

  afterAll(async () => {
    await browser?.close();
    await kiosk?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  test('pair a terminal and a kitchen display on https://kiosk-box.test, sign in by PIN, go offline, reload, ring up, come back: every order numbered', async () => {
    const terminalContext = await browser.newContext(CONTEXT_OPTIONS);
    const kitchenContext = await browser.newContext(CONTEXT_OPTIONS);
    const pos = await pairAt(terminalContext, https, kiosk, owner, 'terminal', 'Kasir Depan');
    const kitchen = await pairAt(kitchenContext, https, kiosk, owner, 'kitchen', 'Dapur');
    expect(await pos.evaluate(() => window.isSecureContext && typeof crypto.subtle?.importKey === 'function')).toBe(true);
    expect(await pos.getByTestId('insecure-origin-banner').count()).toBe(0);
    // No box paired: the top bar says the cloud gives the numbers (this one server is the cloud).
    expect(await pos.getByTestId('numbering-note').getAttribute('data-authority')).toBe('cloud');
    await signIn(pos, '1234');

    await terminalContext.setOffline(true);
    await pos.reload(); // served by the service worker: no network, no "no internet" page
    await pos.getByRole('region', { name: 'Current order' }).waitFor();
    for (const item of ['Roti Bakar', 'Kentang Goreng', 'Pisang Goreng']) await ringUp(pos, item);
    await pos.screenshot({ path: path.join(SCREENSHOTS, 'shop-https-offline.png') });
    await terminalContext.setOffline(false);

    await expect
      .poll(
        async () =>
          (await ticketLabels(kitchen))
            .map((l) => Number(/#(\d+)/.exec(l)?.[1] ?? NaN))
            .filter(Number.isInteger)
            .sort((a, b) => a - b),
        { timeout: 30_000 },
      )
      .toEqual([1, 2, 3]);
    await kitchen.screenshot({ path: path.join(SCREENSHOTS, 'shop-https-kitchen.png') });
  });

  test('the same app on http://kiosk-box.test shows the insecure-address banner, and the PIN pad says why it cannot sign in', async () => {
    const context = await browser.newContext(CONTEXT_OPTIONS);
    const page = await pairAt(context, http, kiosk, owner, 'terminal', 'Kasir Lama');
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
    const banner = page.getByTestId('insecure-origin-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/not secure/i);
    expect(await banner.getByRole('link').first().getAttribute('href')).toBe(`${https}/pos`);
    // The PIN pad says why it cannot sign in, instead of doing nothing.
    const pad = page.getByTestId('pin-unavailable');
    await pad.waitFor();
    expect(await pad.textContent()).toMatch(/PIN sign-in cannot work on this address/);
    expect(await page.getByRole('button', { name: 'Sign in' }).isDisabled()).toBe(true);
    expect(await page.getByTestId('insecure-origin-banner').count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'shop-http-banner.png') });
  });

  test('a tablet on plain HTTP gets the certificate how-to at /setup (Bahasa Indonesia, download, fingerprint) and is sent to https for the app', async () => {
    const tablet = await browser.newContext({ ...CONTEXT_OPTIONS, extraHTTPHeaders: { 'X-Forwarded-For': '192.0.2.50' } });
    const page = await tablet.newPage();
    await page.goto(`${http}/setup`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    const text = (await page.textContent('body')) ?? '';
    expect(text).toContain('Unduh sertifikat');
    const fingerprint = spawnSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', path.join(kiosk.dataDir, 'tls', 'ca.pem')], {
      encoding: 'utf8',
    });
    expect(text).toContain(fingerprint.stdout.split('=')[1].trim());
    // The download itself (type, bytes) is checked in sync-server/src/tls/tls.int-test.ts.
    expect(
      await page
        .getByRole('link', { name: /Unduh sertifikat/ })
        .first()
        .getAttribute('href'),
    ).toMatch(/\/setup\/ca\.crt$/);
    await expectTouchTargets(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'shop-setup-howto.png'), fullPage: true });
    // Anything else over plain HTTP goes to the secure address, which this profile trusts.
    await page.goto(`${http}/pos`);
    expect(page.url()).toBe(`${https}/pos`);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
  });
});
