/**
 * The back-office in a real browser against `kiosk start` (PGlite, demo outlet): an owner signs
 * in, watches a sale arrive live, charts a report and downloads its CSV, edits the menu while a
 * terminal watches, adds staff, records the float and closes the day, and revokes a device.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { amountOf, CONTEXT_OPTIONS, expectEveryControlNamed, pair, SCREENSHOTS, signIn, syncStatus, useBrowserSystem } from './browser';

describe('browser: back-office', () => {
  const system = useBrowserSystem();

  test('an owner signs in, sees a sale live, charts and downloads a report, edits the menu a terminal shows live, adds staff, closes the day and revokes a device', async () => {
    const { browser, kiosk } = system();
    const terminalContext = await browser.newContext(CONTEXT_OPTIONS);
    const officeContext = await browser.newContext({ ...CONTEXT_OPTIONS, acceptDownloads: true });
    const pos = await pair(terminalContext, system(), 'terminal', 'Kasir Depan');
    await signIn(pos, '1234');
    const office = await officeContext.newPage();
    await office.goto(`${kiosk.baseUrl}/office`);

    // Sign-in: a wrong password is refused with the server's message; the right one opens the office.
    await office.getByLabel('Email').fill('owner@demo.kiosk');
    await office.getByLabel('Password').fill('not-the-password');
    await office.getByRole('button', { name: 'Sign in' }).click();
    await office.getByRole('alert').waitFor();
    await office.getByLabel('Password').fill('demo1234');
    await office.getByRole('button', { name: 'Sign in' }).click();
    const nav = office.getByRole('navigation', { name: 'Back-office sections' });
    await nav.waitFor();
    const ordersFigure = office.getByLabel('Orders', { exact: true });
    await ordersFigure.waitFor();
    expect(await ordersFigure.textContent()).toBe('0');
    await expectEveryControlNamed(office);

    // A sale at the terminal appears on "today" without a reload (the X report is polled).
    const menu = pos.getByRole('region', { name: 'Menu' });
    await menu.getByRole('button', { name: 'Add Roti Bakar', exact: true }).click();
    await pos.getByRole('button', { name: /^Charge / }).click();
    const payment = pos.getByRole('dialog', { name: 'Payment' });
    const charged = amountOf(await payment.getByLabel('Balance due').textContent());
    await payment.getByRole('radio', { name: 'Card' }).click();
    await payment.getByRole('button', { name: 'Add Card payment' }).click();
    await payment.getByRole('button', { name: 'Complete order' }).click();
    await pos
      .getByRole('article', { name: 'Receipt' })
      .getByLabel(/^Order #\d+$/)
      .waitFor({ timeout: 10_000 });
    await pos.getByRole('button', { name: 'New order' }).click();
    await expect.poll(() => ordersFigure.textContent(), { timeout: 15_000 }).toBe('1');
    expect(amountOf(await office.getByLabel('Total sales', { exact: true }).textContent())).toBe(charged);
    expect(await office.getByRole('table', { name: 'Payments by method' }).textContent()).toMatch(/card/);

    // Reports: a chart (chart.js canvas) and the rows; the CSV comes from the server.
    await nav.getByRole('link', { name: 'Reports' }).click();
    await office.getByRole('combobox', { name: 'Report' }).selectOption({ label: 'By item' });
    await office.getByRole('img', { name: 'Chart: By item' }).waitFor();
    expect(await office.getByRole('table', { name: 'By item' }).textContent()).toContain('Roti Bakar');
    const [download] = await Promise.all([office.waitForEvent('download'), office.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^items-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toContain('name');
    expect(csv).toContain('Roti Bakar');

    // Orders: the sale with its daily number.
    await nav.getByRole('link', { name: 'Orders' }).click();
    await expect.poll(async () => (await office.getByRole('table', { name: 'Orders' }).textContent()) ?? '').toMatch(/Rp/);
    await office.getByRole('region', { name: 'Flagged orders' }).getByText('No flagged orders in this range.').waitFor();

    // Menu: a new price and an 86 reach the terminal live, through the outlet document.
    await nav.getByRole('link', { name: 'Menu' }).click();
    await office.getByLabel('Price of Kentang Goreng').fill('21500');
    await office.getByRole('button', { name: 'Save price of Kentang Goreng' }).click();
    await expect
      .poll(async () => amountOf(await menu.getByRole('button', { name: 'Add Kentang Goreng', exact: true }).textContent()), { timeout: 10_000 })
      .toBe(21_500);
    await office.getByLabel('Roti Bakar available').uncheck();
    await expect.poll(() => menu.getByRole('button', { name: 'Roti Bakar — Sold out' }).isDisabled(), { timeout: 10_000 }).toBe(true);
    // A bad price is refused with the field named, and nothing is written.
    await office.getByLabel('Price of Kentang Goreng').fill('abc');
    await office.getByRole('button', { name: 'Save price of Kentang Goreng' }).click();
    expect(await office.getByRole('alert').textContent()).toMatch(/Price of Kentang Goreng: "abc" is not an amount in IDR/);
    expect(amountOf(await menu.getByRole('button', { name: 'Add Kentang Goreng', exact: true }).textContent())).toBe(21_500);
    // Modifier editor: "Large" costs 6,000 more from now on; the terminal's dialog shows it live.
    const sizes = office.getByRole('group', { name: 'Ukuran', exact: true });
    await sizes.getByLabel('Price change of Large').fill('6000');
    await sizes.getByRole('button', { name: 'Save Ukuran' }).click();
    await menu.getByRole('button', { name: 'Add Es Kopi Susu', exact: true }).click();
    const options = pos.getByRole('dialog', { name: 'Options for Es Kopi Susu' });
    await expect.poll(async () => (await options.getByRole('group', { name: /Ukuran/ }).textContent()) ?? '', { timeout: 10_000 }).toMatch(/\+Rp\s?6\.000/);
    await options.getByRole('button', { name: 'Cancel' }).click();
    await expectEveryControlNamed(office);

    // Staff: a new cashier with a PIN; a PIN another staff member has is refused.
    await nav.getByRole('link', { name: 'Staff' }).click();
    const addStaff = office.getByRole('form', { name: 'Add staff member' });
    await addStaff.getByLabel('Name').fill('Dewi');
    await addStaff.getByLabel('PIN').fill('1234');
    await addStaff.getByRole('button', { name: 'Add staff member' }).click();
    expect(await addStaff.getByRole('alert').textContent()).toMatch(/pin/i);
    await addStaff.getByLabel('PIN').fill('4321');
    await addStaff.getByRole('button', { name: 'Add staff member' }).click();
    await office.getByRole('listitem', { name: 'Dewi' }).waitFor();

    // No sale at the terminal: the drawer opened with the manager's PIN.
    await pos.getByRole('button', { name: 'Open drawer' }).click();
    const drawerPin = pos.getByRole('dialog', { name: 'Manager PIN to open the drawer (no sale)' });
    await drawerPin.getByLabel('Manager PIN').fill('9999');
    await drawerPin.getByRole('button', { name: 'Approve' }).click();
    await pos
      .getByRole('status')
      .filter({ hasText: /^Drawer opened/ })
      .waitFor();

    // Day close: the drawer opening by name, an opening float, then the Z report freezes the day.
    await nav.getByRole('link', { name: 'Day close' }).click();
    const drawer = office.getByRole('region', { name: 'Cash drawer' });
    await drawer.getByRole('combobox', { name: 'Entry' }).selectOption('float');
    await drawer.getByLabel('Amount', { exact: true }).fill('100000');
    await drawer.getByRole('button', { name: 'Record' }).click();
    await expect.poll(async () => amountOf(await drawer.getByLabel('Opening float', { exact: true }).textContent())).toBe(100_000);
    expect(amountOf(await drawer.getByLabel('Expected in drawer', { exact: true }).textContent())).toBe(100_000);
    // The drawer opening at the terminal is listed by device and approver name, verified.
    const openings = drawer.getByRole('region', { name: 'Drawer opened without a sale' });
    expect(await openings.textContent({ timeout: 10_000 })).toMatch(/at Kasir Depan, approved by Budi/);
    expect(await openings.textContent()).not.toMatch(/staff-budi|device:|not verified/);
    await office.screenshot({ path: path.join(SCREENSHOTS, 'office-drawer-openings.png') });
    await office.getByLabel('Counted cash').fill('99000');
    await office.getByRole('button', { name: /^Close \d{4}-\d{2}-\d{2}$/ }).click();
    await office.getByRole('button', { name: /^Confirm: close/ }).click();
    await office
      .getByRole('note')
      .filter({ hasText: /is closed/ })
      .waitFor();
    const zReports = office.getByRole('table', { name: 'Z reports' });
    await zReports.waitFor();
    expect(await zReports.textContent()).toMatch(/-Rp\s?1\.000|−Rp\s?1\.000|Rp\s?-1\.000/);

    // Devices: a pairing code for a new device; revoking the terminal disconnects it at once.
    await nav.getByRole('link', { name: 'Devices' }).click();
    await office.getByRole('button', { name: 'Create pairing code' }).click();
    expect(await office.getByLabel('New pairing code').textContent()).toMatch(/^[A-Z0-9]{6}$/);
    await office.getByRole('button', { name: 'Revoke Kasir Depan' }).click();
    await office.getByRole('button', { name: 'Confirm: revoke Kasir Depan' }).click();
    await expect.poll(() => syncStatus(pos).getAttribute('data-link'), { timeout: 10_000 }).toBe('refused');
    await office.getByRole('listitem', { name: 'Kasir Depan' }).getByText('revoked').waitFor();

    // Bahasa Indonesia, switchable.
    await office.getByLabel('Language').first().selectOption('id');
    await office.getByRole('navigation', { name: 'Bagian back-office' }).getByRole('link', { name: 'Laporan' }).waitFor();
    await office.screenshot({ path: path.join(SCREENSHOTS, 'office-devices.png') });
    await Promise.all([terminalContext.close(), officeContext.close()]);
  });
});
