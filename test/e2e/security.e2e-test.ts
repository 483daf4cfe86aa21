/**
 * The Content-Security-Policy in a real browser against `kiosk start`: a paired terminal signs
 * in and sells, the back-office signs in and shows its reports, and not one CSP violation is
 * reported (zod runs jitless, no inline scripts or styles); a page of another origin cannot
 * frame the back-office (frame-ancestors 'none').
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { eventually } from '@kiosk/shared/testing';
import { CONTEXT_OPTIONS, pair, signIn, useBrowserSystem } from './browser';

/** Every CSP violation a page reports: the console's "Refused to …" lines and `securitypolicyviolation` events. */
async function watchCsp(context: BrowserContext): Promise<string[]> {
  const violations: string[] = [];
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  context.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|CSP violation|Refused to (load|execute|apply|evaluate|compile|frame|connect)/i.test(text)) violations.push(text);
  });
  return violations;
}

describe('browser: security headers', () => {
  const system = useBrowserSystem();

  test('/pos and /office work under the CSP with no violation reported', async () => {
    const { browser, kiosk } = system();
    const context = await browser.newContext(CONTEXT_OPTIONS);
    const violations = await watchCsp(context);
    const pos = await pair(context, system(), 'terminal', 'Kasir CSP');
    await signIn(pos, '1234');
    const menu = pos.getByRole('region', { name: 'Menu' });
    await menu.getByRole('button').first().click();
    await pos.getByRole('region', { name: 'Current order' }).waitFor();

    const office: Page = await context.newPage();
    await office.goto(`${kiosk.baseUrl}/office`);
    await office.getByLabel('Email').fill('owner@demo.kiosk');
    await office.getByLabel('Password').fill('demo1234');
    await office.getByRole('button', { name: 'Sign in' }).click();
    await office.getByRole('navigation', { name: 'Back-office sections' }).waitFor();
    await office.getByLabel('Orders', { exact: true }).waitFor();
    // The header really was there (a violation-free run without a policy proves nothing).
    const response = await office.reload();
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await office.getByRole('navigation', { name: 'Back-office sections' }).waitFor();
    expect(violations).toEqual([]);
    // …and the watcher does see one: an inline script (what an XSS would inject) is refused and reported.
    // (page.evaluate cannot show it: DevTools evaluation is exempt from CSP.)
    await office.addScriptTag({ content: 'window.__inlineRan = true;' }).catch(() => {});
    expect(await office.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan ?? false)).toBe(false);
    await eventually(() => expect(violations.join('\n')).toMatch(/script-src/));
    await context.close();
  });

  test('a page of another origin cannot frame the back-office', async () => {
    const { browser, kiosk } = system();
    // Another origin (another port) with a page that frames /office, as a clickjacking page would.
    const framer = http.createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><title>framer</title><iframe id="f" src="${kiosk.baseUrl}/office" width="800" height="600"></iframe>`);
    });
    await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
    const context = await browser.newContext(CONTEXT_OPTIONS);
    try {
      const refused: string[] = [];
      context.on('console', (m) => {
        if (/frame-ancestors|Refused to (display|frame)/i.test(m.text())) refused.push(m.text());
      });
      const page = await context.newPage();
      await page.goto(`http://localhost:${(framer.address() as AddressInfo).port}/`);
      await eventually(() => expect(refused.join('\n')).toMatch(/frame-ancestors 'none'|X-Frame-Options/), { timeoutMs: 15_000 });
      // The frame never ran the back-office: no sign-in form inside it.
      const frame = page.frames().find((f) => f !== page.mainFrame());
      const signInInside = frame
        ? await frame
            .getByLabel('Email')
            .count()
            .catch(() => 0)
        : 0;
      expect(signInInside).toBe(0);
    } finally {
      await context.close();
      await new Promise<void>((resolve) => framer.close(() => resolve()));
    }
  });
});
