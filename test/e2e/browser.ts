/**
 * Shared setup of the browser tests: Debian's Chromium through playwright-core, the real
 * `kiosk start` (PGlite, demo outlet) in a child process, devices paired through `/setup`
 * with pairing codes from the back-office API.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { eventually } from '@kiosk/shared/testing';
import { REPO_ROOT, startKiosk, type KioskProcess } from '../kiosk-process';

/** Debian's Chromium (`scripts/ensure-chromium.mjs`, npm test's pretest, installs it); KIOSK_CHROMIUM overrides the path. */
export const CHROMIUM = process.env.KIOSK_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'screenshots');
export const CHROMIUM_MISSING = `Debian's Chromium is missing at ${CHROMIUM}: install it (apt-get install -y chromium). The browser tests CANNOT run without it — this is a failure, not a skip.`;

/** Digits of a formatted IDR amount ("Rp 37.500" → 37500); IDR has no minor digits. */
export function amountOf(text: string | null): number {
  return Number((text ?? '').replace(/\D/g, ''));
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the client when client/dist is missing or older than the client's sources. */
export function ensureClientBuilt(): void {
  const index = path.join(REPO_ROOT, 'client', 'dist', 'index.html');
  const sources = Math.max(newestMtime(path.join(REPO_ROOT, 'client', 'src')), statSync(path.join(REPO_ROOT, 'client', 'vite.config.ts')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const result = spawnSync('npm', ['run', 'build', '-w', '@kiosk/client'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new Error(`client build failed:\n${result.stdout}\n${result.stderr}`);
}

export async function api<T>(kiosk: KioskProcess, method: string, route: string, token?: string, body?: unknown): Promise<T> {
  const response = await fetch(`${kiosk.baseUrl}${route}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} → ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

export interface BrowserSystem {
  kiosk: KioskProcess;
  browser: Browser;
  ownerToken: string;
  close(): Promise<void>;
}

/** Starts `kiosk start` and Chromium; fails loudly when Chromium is not installed. */
export async function startBrowserSystem(): Promise<BrowserSystem> {
  if (!existsSync(CHROMIUM)) throw new Error(CHROMIUM_MISSING);
  ensureClientBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const kiosk = await startKiosk();
  try {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    const login = await api<{ accessToken: string }>(kiosk, 'POST', '/api/auth/login', undefined, { email: 'owner@demo.kiosk', password: 'demo1234' });
    return {
      kiosk,
      browser,
      ownerToken: login.accessToken,
      async close() {
        await browser.close();
        await kiosk.stop();
      },
    };
  } catch (error) {
    await kiosk.stop();
    throw error;
  }
}

/**
 * The scaffold of every browser test file; call it at the top of the file's `describe`. It adds
 * a test that FAILS when Chromium is missing (a missing browser is never a skip), starts
 * `kiosk start` and Chromium once in `beforeAll` (screenshots directory included) and closes
 * both in `afterAll`. Returns a getter of the running system, for use inside the tests.
 *
 * @example
 * describe('browser: restore', () => {
 *   const system = useBrowserSystem();
 *   test('…', async () => {
 *     const { browser, kiosk } = system();
 *   });
 * });
 */
export function useBrowserSystem(): () => BrowserSystem {
  test('chromium is installed', () => {
    expect(existsSync(CHROMIUM), CHROMIUM_MISSING).toBe(true);
  });
  let system: BrowserSystem | undefined;
  beforeAll(async () => {
    system = await startBrowserSystem();
  });
  afterAll(async () => {
    await system?.close();
  });
  return () => {
    if (!system) throw new Error('the browser system is not running: call system() inside a test, after beforeAll started it');
    return system;
  };
}

/**
 * Every visible control of `page` (buttons, fields, selects, and the labels of visually hidden
 * radios and checkboxes) is at least 44 × 44 px: a cashier's thumb on a cheap tablet.
 */
export async function expectTouchTargets(page: Page): Promise<void> {
  const controls = page.locator('button:visible, select:visible, input:not(.sr-only):not([type=hidden]):visible, label:has(input.sr-only):visible');
  const small: string[] = [];
  for (const control of await controls.all()) {
    const box = await control.boundingBox();
    if (box && (box.height < 44 || box.width < 44)) {
      const name = (await control.getAttribute('aria-label')) ?? (await control.textContent())?.trim() ?? '?';
      small.push(`${name || (await control.evaluate((e) => e.tagName))} (${Math.round(box.width)}×${Math.round(box.height)})`);
    }
  }
  expect(small, 'controls smaller than 44 × 44 px').toEqual([]);
}

export const CONTEXT_OPTIONS = { locale: 'en-US', timezoneId: 'Asia/Jakarta', viewport: { width: 1280, height: 800 } };

/** The service worker controls the page: from now on a reload works with no network. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  // `ready` resolves once the worker is active, i.e. after the precache completed.
  await page.evaluate(() => navigator.serviceWorker.ready);
  const controlled = () => page.evaluate(() => navigator.serviceWorker.controller !== null);
  try {
    await eventually(async () => expect(await controlled()).toBe(true), { timeoutMs: 5_000 });
  } catch {
    // clients.claim() can miss a page that was mid-navigation on a loaded machine; a reload of a
    // page in the worker's scope is always controlled, and is what a device does next anyway.
    await page.reload();
    await eventually(async () => expect(await controlled()).toBe(true), { timeoutMs: 20_000 });
  }
}

/** Pairs a fresh browser context through `/setup` with a new pairing code. */
export async function pair(context: BrowserContext, system: BrowserSystem, kind: 'terminal' | 'kitchen', name: string, stations = ''): Promise<Page> {
  const { code } = await api<{ code: string }>(system.kiosk, 'POST', '/api/outlets/main/pairing-codes', system.ownerToken);
  const page = await context.newPage();
  await page.goto(`${system.kiosk.baseUrl}/setup`);
  await page.getByLabel('Pairing code').fill(code);
  await page.getByLabel('Device name').fill(name);
  await page.getByRole('radio', { name: kind === 'kitchen' ? 'Kitchen display' : 'POS terminal' }).check();
  // Empty station list = this display shows every station.
  if (kind === 'kitchen') await page.getByLabel('Stations').fill(stations);
  await page.getByRole('button', { name: 'Pair device' }).click();
  await page.waitForURL(kind === 'kitchen' ? '**/kitchen' : '**/pos');
  await waitForServiceWorker(page);
  return page;
}

export async function signIn(page: Page, pin: string): Promise<void> {
  await page.getByLabel('PIN', { exact: true }).fill(pin);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('region', { name: 'Current order' }).waitFor();
}

export function syncStatus(page: Page) {
  return page.getByRole('status', { name: 'Sync status' });
}

export async function ticketLabels(kitchen: Page): Promise<string[]> {
  const tickets = kitchen.getByRole('region', { name: 'Tickets' }).getByRole('article');
  const labels: string[] = [];
  for (let i = 0; i < (await tickets.count()); i++) labels.push((await tickets.nth(i).getAttribute('aria-label')) ?? '');
  return labels;
}

/** Every control on the page has an accessible name (what screen readers and these tests use). */
export async function expectEveryControlNamed(page: Page): Promise<void> {
  for (const role of ['button', 'link', 'textbox', 'searchbox', 'checkbox', 'radio', 'combobox', 'tab'] as const) {
    const all = await page.getByRole(role).count();
    const named = await page.getByRole(role, { name: /\S/ }).count();
    expect(named, `every ${role} has an accessible name`).toBe(all);
  }
}
