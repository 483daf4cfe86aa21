/**
 * Outlet restore in a real browser against `kiosk start` (PGlite, demo outlet): the owner changes
 * a price and two settings, opens Restore, sees the points by name and the settings by label
 * (never an id or a key), restores to the point before
 * after a confirm dialog, and the old price is back on a paired terminal, live. Touch targets
 * of the section are at least 44 px; a screenshot is kept.
 */
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { CatalogView } from '@kiosk/shared';
import { api, CONTEXT_OPTIONS, expectEveryControlNamed, pair, SCREENSHOTS, signIn, useBrowserSystem } from './browser';

describe('browser: outlet restore', () => {
  const system = useBrowserSystem();

  test('an owner restores the menu to the point before a price change; the terminal shows the old price', async () => {
    const { browser, kiosk, ownerToken } = system();
    const priceOf = async (name: string) =>
      (await api<CatalogView>(kiosk, 'GET', '/api/outlets/main/catalog', ownerToken)).items.find((i) => i.name === name)?.price;
    const original = await priceOf('Kentang Goreng');
    expect(original).toBeGreaterThan(0);

    const terminalContext = await browser.newContext(CONTEXT_OPTIONS);
    const pos = await pair(terminalContext, system(), 'terminal', 'Kasir Restore');
    await signIn(pos, '1234');
    const tile = pos.getByRole('region', { name: 'Menu' }).getByRole('button', { name: 'Add Kentang Goreng', exact: true });
    await tile.waitFor();
    const tileText = () => tile.textContent();
    const before = await tileText();

    // A settings change, so the restore points list settings (by label, never by key).
    await api(kiosk, 'PATCH', '/api/outlets/main/settings', ownerToken, { kitchenWarnSeconds: 240, businessDayStart: '05:00' });

    const office = await (await browser.newContext(CONTEXT_OPTIONS)).newPage();
    await office.goto(`${kiosk.baseUrl}/office`);
    await office.getByLabel('Email').fill('owner@demo.kiosk');
    await office.getByLabel('Password').fill('demo1234');
    await office.getByRole('button', { name: 'Sign in' }).click();
    const nav = office.getByRole('navigation', { name: 'Back-office sections' });
    await nav.waitFor();

    await nav.getByRole('link', { name: 'Menu' }).click();
    await office.getByLabel('Price of Kentang Goreng').fill('99000');
    await office.getByRole('button', { name: 'Save price of Kentang Goreng' }).click();
    await expect.poll(() => priceOf('Kentang Goreng'), { timeout: 10_000 }).toBe(99_000);
    await expect.poll(tileText, { timeout: 10_000 }).not.toBe(before);

    await nav.getByRole('link', { name: 'Restore' }).click();
    const points = office.getByRole('list', { name: 'Restore points' });
    await points.getByRole('listitem').first().waitFor();
    const latest = points.getByRole('listitem').first();
    expect(await latest.textContent()).toMatch(/Item: Kentang Goreng \(changed\)/);
    // Names, never ids.
    const text = (await points.textContent()) ?? '';
    expect(text).not.toMatch(/user:|staff:|demo-owner|[0-9a-f]{8}-[0-9a-f]{4}-/);
    // Settings by what an owner calls them, never by their keys.
    expect(text).toContain('Settings: Kitchen warning time (changed)');
    expect(text).toContain('Settings: Business day starts at (changed)');
    expect(text).not.toMatch(/businessDayStart|kitchenWarnSeconds|kitchenLateSeconds|manualDiscountLimitBp|timeZone|serviceCharge|\(unnamed\)|another setting/);
    await expectEveryControlNamed(office);
    // 44 px touch targets for every control of the section.
    for (const button of await points.getByRole('button').all()) {
      const box = await button.boundingBox();
      expect(box && box.height >= 44 && box.width >= 44, `${await button.textContent()} is at least 44 × 44 px`).toBe(true);
    }

    await points
      .getByRole('listitem')
      .nth(1)
      .getByRole('button', { name: /^Restore to / })
      .click();
    const dialog = office.getByRole('dialog', { name: /^Restore to / });
    await dialog.waitFor();
    for (const button of await dialog.getByRole('button').all()) {
      const box = await button.boundingBox();
      expect(box && box.height >= 44 && box.width >= 44).toBe(true);
    }
    await office.screenshot({ path: path.join(SCREENSHOTS, 'office-restore-confirm.png') });
    await dialog.getByRole('button', { name: 'Yes, restore' }).click();
    await office
      .getByRole('status')
      .filter({ hasText: /^Restored to / })
      .waitFor();
    await office.screenshot({ path: path.join(SCREENSHOTS, 'office-restore.png') });

    await expect.poll(() => priceOf('Kentang Goreng'), { timeout: 10_000 }).toBe(original);
    await expect.poll(tileText, { timeout: 10_000 }).toBe(before);
    // The restore is itself a point now (history is kept, not rewritten).
    await expect
      .poll(async () => (await points.getByRole('listitem').first().textContent()) ?? '', { timeout: 10_000 })
      .toMatch(/restored by .*Item: Kentang Goreng \(changed\)/);
    expect(await points.getByRole('listitem').count()).toBeGreaterThanOrEqual(3);

    // Every control of the screen (header, sections, restore) is a 44 px touch target.
    for (const control of [
      ...(await office.getByRole('button').all()),
      ...(await office.getByRole('link').all()),
      ...(await office.getByRole('combobox').all()),
    ]) {
      const box = await control.boundingBox();
      expect(box && box.height >= 44 && box.width >= 44, `${await control.textContent()} is at least 44 × 44 px`).toBe(true);
    }

    // In Bahasa Indonesia the settings have their Indonesian labels, still never their keys.
    await office.getByRole('combobox', { name: 'Language' }).selectOption('id');
    const pointsId = office.getByRole('list', { name: 'Titik pemulihan' });
    await pointsId
      .getByText(/Pengaturan: Waktu peringatan dapur \(diubah\)/)
      .first()
      .waitFor();
    const textId = (await pointsId.textContent()) ?? '';
    expect(textId).toContain('Pengaturan: Awal hari usaha (diubah)');
    expect(textId).toContain('oleh pengaturan awal');
    expect(textId).not.toMatch(/businessDayStart|kitchenWarnSeconds|kitchenLateSeconds|manualDiscountLimitBp|timeZone|serviceCharge|by setup/);
    await office.screenshot({ path: path.join(SCREENSHOTS, 'office-restore-id.png') });
  });
});
