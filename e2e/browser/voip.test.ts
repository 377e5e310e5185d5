import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '@tutti/client';
import { DEFAULT_SIP_SERVER, type SimulatedDeviceSpec } from '@tutti/devices';
import { startTestStack, until, type TestStack } from '../harness.ts';
import { desktop, expectAccessible, launchBrowser, openSection, phone, shot, signIn } from './support.ts';

// What a user reads, written out here on purpose: the test checks the screen, not the translation files.
const registered = { en: 'Registered', ar: 'مسجَّل' };
const failed = { en: 'Failed', ar: 'فشل' };
const provisioned = 'Provisioned: the line registered.';
const unknownSerial = 'No device with this serial number';
const didNotRegister = { en: 'VoIP line did not register', ar: 'لم يُسجَّل خط VoIP' };
const registrationFailed = { en: 'VoIP Registration Failed', ar: 'فشل تسجيل VoIP' };
const voipLines = { en: 'VoIP lines', ar: 'خطوط VoIP' };

/** Waits for the live, eventually consistent screens of a slow machine, well inside each test's own limit. */
const LIVE = { timeout: 45_000 };

/**
 * The VoIP lines of CONVERGE Pro 2 128V units on the device page and the bulk CSV provisioning on the Jobs page,
 * through the whole chain: the form or the CSV to the hub, a job to the agent, SIP settings and a VoIP restart on
 * the simulated units, and the simulated registrar's answer (registered, or failed with its reason) back on screen.
 */
describe('VoIP lines in the browser', () => {
  // 127.190–199.x is used by no other test file; the third octet keeps this file apart from maintenance.test.ts.
  const prefix = `127.${190 + (process.pid % 10)}.1.`;
  const units: SimulatedDeviceSpec[] = ['A', 'B', 'C', 'D'].map((letter, index) => ({
    address: `${prefix}${10 + index}`,
    model: 'CONVERGE_PRO_2_128V',
    boxName: `Phone${letter}`,
    serial: `BVOIP-${letter}-001`,
    mac: `00:06:E2:00:71:${10 + index}`,
    firmware: '5.2.0.7',
    stackName: `Phone${letter}`,
    boxNumber: 1,
    // A table microphone on P-Link 1 of the first and last unit: their device pages draw it under the unit.
    peripherals:
      letter === 'A' || letter === 'D'
        ? [{ plink: 1, model: 'BMA_360', serial: `BVOIP-${letter}-P01`, firmware: '2.1.0.8', name: 'Table_Mic_1' }]
        : [],
  }));
  const [single, csvOk, csvFail, arabic] = units.map((unit) => unit.serial) as [string, string, string, string];
  const email = 'admin@voip-browser.tutti.test';
  const password = 'Voip-browser-2026!';
  let stack: TestStack;
  let api: ApiClient;
  let browser: Browser;
  let baseUrl = '';

  beforeAll(async () => {
    stack = await startTestStack({
      devices: units,
      organizationName: 'VoIP Browser Organization',
      adminName: 'VoIP Admin',
      adminEmail: email,
      adminPassword: password,
      simulator: {
        // The site's PBX knows these auth users; the units' factory accounts stay on the default server.
        registrar: {
          servers: [
            {
              host: 'pbx.browser.test',
              accounts: { a4001: 'Line-pass-1', '4002': 'Line-pass-2', '4003': 'Line-pass-3' },
            },
            { host: DEFAULT_SIP_SERVER },
          ],
        },
      },
      agentConfig: { scanIntervalSeconds: 1 },
    });
    baseUrl = stack.baseUrl;
    browser = await launchBrowser();
    api = createApiClient({ baseUrl, keepCookies: true });
    await api.signIn({ email, password });
    const peripherals = units.flatMap((unit) => unit.peripherals ?? []).length;
    await until(async () => (await api.listDevices({ limit: 10 })).total >= units.length + peripherals, 200);
    // Every unit has reported both of its factory lines before a test looks at them.
    const serials = new Set(units.map((unit) => unit.serial));
    for (const device of (await api.listDevices({ limit: 10 })).items.filter((item) => serials.has(item.serial))) {
      await until(async () => (await api.voipLines(device.id)).lines.length === 2, 200);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function openDevice(page: Page, serial: string): Promise<void> {
    await openSection(page, 'devices');
    await page.getByTestId(`device-link-${serial}`).first().click();
    await expect.poll(() => page.getByTestId('device-detail-serial').textContent(), LIVE).toBe(serial);
    await page.getByTestId('voip-lines-table').waitFor();
  }

  const badge = (page: Page, line: number) =>
    page.getByTestId(`voip-line-${line}`).locator('.mantine-Badge-label').textContent();
  const stackBadge = (page: Page, serial: string) =>
    page.getByTestId(`stack-unit-${serial}`).locator('.mantine-Badge-label').textContent();

  /** Opens the form, fills what every line needs (and `more` by label), and provisions. */
  async function provision(
    page: Page,
    line: { line: number; server: string; user: string; password: string },
    more: (dialog: Locator) => Promise<void> = async () => undefined,
  ): Promise<void> {
    await page.getByTestId('voip-provision').click();
    const dialog = page.getByRole('dialog');
    if (line.line !== 1) {
      await page.getByTestId('voip-line').click();
      await page.getByRole('option', { name: String(line.line), exact: true }).click();
    }
    await page.getByTestId('voip-server').fill(line.server);
    await page.getByTestId('voip-user').fill(line.user);
    await page.getByTestId('voip-password').fill(line.password);
    await more(dialog);
    await page.getByTestId('voip-provision-submit').click();
    await dialog.waitFor({ state: 'hidden' });
  }

  it('provisions a line on one unit: it registers with its auth user and extension; a wrong password fails with the reason', async () => {
    const context = await browser.newContext({ viewport: desktop, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await signIn(page, { baseUrl, adminEmail: email, adminPassword: password });
      await openDevice(page, single);
      // The factory lines, registered on the default server.
      await expect.poll(() => badge(page, 1), LIVE).toBe(registered.en);
      await expect.poll(() => badge(page, 2), LIVE).toBe(registered.en);

      // The PBX knows this line by its auth user only: it registers only if the auth user reached the unit.
      await provision(
        page,
        { line: 1, server: 'pbx.browser.test', user: '4001', password: 'Line-pass-1' },
        async (d) => {
          await d.getByLabel('Authentication user').fill('a4001');
          await d.getByLabel('Extension', { exact: true }).fill('401');
          await d.getByLabel('Display name').fill('Boardroom');
        },
      );
      await expect.poll(() => page.getByTestId('voip-job').textContent(), LIVE).toContain(provisioned);
      const first = page.getByTestId('voip-line-1');
      await expect.poll(() => first.textContent(), LIVE).toContain('pbx.browser.test');
      await expect.poll(() => badge(page, 1), LIVE).toBe(registered.en);
      expect(await first.locator('td').nth(1).textContent()).toBe('401');
      expect(await first.locator('td').nth(2).textContent()).toBe('4001');
      await expect(page.getByTestId('voip-reason-1').count()).resolves.toBe(0);

      // Line 2 with a password the PBX refuses: Failed, with the registrar's reason, on the job and on the line.
      // The form keeps what was typed for line 1 (all but the password): clear the fields line 2 does not use.
      await provision(
        page,
        { line: 2, server: 'pbx.browser.test', user: '4002', password: 'Not-the-password' },
        async (d) => {
          await d.getByLabel('Authentication user').fill('');
          await d.getByLabel('Extension', { exact: true }).fill('');
          await d.getByLabel('Display name').fill('');
        },
      );
      await expect.poll(() => page.getByTestId('voip-job-reason').textContent(), LIVE).toBe('Line 2: 401 Unauthorized');
      expect(await page.getByTestId('voip-job').textContent()).toContain(didNotRegister.en);
      await expect.poll(() => badge(page, 2), LIVE).toBe(failed.en);
      await expect.poll(() => page.getByTestId('voip-reason-2').textContent(), LIVE).toBe('401 Unauthorized');
      expect(await page.getByTestId('voip-line-2').locator('td').nth(2).textContent()).toBe('4002');
      // Line 1 is untouched by the second job.
      expect(await badge(page, 1)).toBe(registered.en);
      // The stack diagram: the unit with its Issue badge, its table microphone on P-Link 1 beneath it.
      await expect.poll(() => stackBadge(page, single), LIVE).toBe(registrationFailed.en);
      await page.getByTestId(`stack-unit-${single.replace('-001', '-P01')}`).waitFor();
      await expectAccessible(page, 'device detail with a failed VoIP line');
      await page.getByTestId('voip-lines').scrollIntoViewIfNeeded();
      await shot(page, 'voip-en-desktop');
    } finally {
      await context.close();
    }
  }, 120_000);

  it('provisions two units from a CSV file: a file with an unknown serial is refused row by row, then one line registers and the other fails with the reason', async () => {
    const context = await browser.newContext({ viewport: desktop, locale: 'en-US' });
    const page = await context.newPage();
    const chooseCsv = (name: string, rows: string[]) =>
      page
        .getByRole('dialog')
        .locator('input[type="file"]')
        .setInputFiles({
          name,
          mimeType: 'text/csv',
          buffer: Buffer.from(['serial,line,sip_server,user,password,display_name', ...rows].join('\n')),
        });
    try {
      await signIn(page, { baseUrl, adminEmail: email, adminPassword: password });
      await openSection(page, 'jobs');
      await page.getByTestId('voip-csv-open').click();

      // The check is a dry run: a row naming no device shows its error, and the file cannot be run.
      await chooseCsv('typo.csv', [
        `${csvOk},1,pbx.browser.test,4003,Line-pass-3,Lobby`,
        'BVOIP-X-404,1,pbx.browser.test,4009,Line-pass-9,Nowhere',
      ]);
      await expect.poll(() => page.getByTestId('voip-csv-row-3').textContent(), LIVE).toContain(unknownSerial);
      expect(await page.getByTestId('voip-csv-row-2').textContent()).toContain('OK');
      expect(await page.getByTestId('voip-csv-run').isDisabled()).toBe(true);

      await chooseCsv('lines.csv', [
        `${csvOk},1,pbx.browser.test,4003,Line-pass-3,Lobby`,
        `${csvFail},1,nowhere.browser.test,4004,Line-pass-4,Kitchen`,
      ]);
      await expect
        .poll(() => page.getByTestId('voip-csv-summary').textContent(), LIVE)
        .toBe('Valid rows: 2 · Rows with errors: 0 · Devices: 2');
      await shot(page, 'voip-csv-en-desktop');
      await page.getByTestId('voip-csv-run').click();
      await page.getByTestId('voip-csv-started').getByRole('link').click();

      // The job: one unit succeeded, the other failed with the registrar's answer.
      const ok = page.getByTestId(`target-row-${csvOk}`);
      const bad = page.getByTestId(`target-row-${csvFail}`);
      await expect.poll(() => ok.getAttribute('data-state'), LIVE).toBe('succeeded');
      await expect.poll(() => bad.getAttribute('data-state'), LIVE).toBe('failed');
      expect(await bad.textContent()).toContain(didNotRegister.en);
      expect(await bad.textContent()).toContain('Line 1: 408 Request Timeout');
      await shot(page, 'voip-csv-job-en-desktop');

      // Each unit's page shows the line as the simulator reports it.
      await openDevice(page, csvOk);
      await expect.poll(() => page.getByTestId('voip-line-1').textContent(), LIVE).toContain('4003');
      await expect.poll(() => badge(page, 1), LIVE).toBe(registered.en);
      await openDevice(page, csvFail);
      await expect.poll(() => page.getByTestId('voip-line-1').textContent(), LIVE).toContain('nowhere.browser.test');
      await expect.poll(() => badge(page, 1), LIVE).toBe(failed.en);
      await expect.poll(() => page.getByTestId('voip-reason-1').textContent(), LIVE).toBe('408 Request Timeout');
      expect(await badge(page, 2)).toBe(registered.en);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('provisions a line in Arabic on a phone, right to left: the failure and the registered line read in Arabic', async () => {
    const context = await browser.newContext({ viewport: phone, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await signIn(page, { baseUrl, adminEmail: email, adminPassword: password }, { language: 'ar' });
      await expect.poll(() => page.locator('html').getAttribute('dir'), LIVE).toBe('rtl');
      await openDevice(page, arabic);
      await expect.poll(() => badge(page, 1), LIVE).toBe(registered.ar);

      // An auth user the PBX does not know: 404 Not Found, the SIP reason shown as the registrar gave it.
      await provision(page, { line: 1, server: 'pbx.browser.test', user: '4999', password: 'Line-pass-9' });
      await expect.poll(() => page.getByTestId('voip-job-reason').textContent(), LIVE).toBe('Line 1: 404 Not Found');
      expect(await page.getByTestId('voip-job').textContent()).toContain(didNotRegister.ar);
      await expect.poll(() => badge(page, 1), LIVE).toBe(failed.ar);
      await expect.poll(() => page.getByTestId('voip-reason-1').textContent(), LIVE).toBe('404 Not Found');
      expect(await badge(page, 2)).toBe(registered.ar);
      await expect.poll(() => stackBadge(page, arabic), LIVE).toBe(registrationFailed.ar);
      await page.getByTestId(`stack-unit-${arabic.replace('-001', '-P01')}`).waitFor();
      // The table scrolls sideways on a phone: a named region in the tab order, so the keyboard can scroll it too.
      await expect
        .poll(() => page.getByRole('region', { name: voipLines.ar }).getAttribute('tabindex'), LIVE)
        .toBe('0');
      await expectAccessible(page, 'device detail with a failed VoIP line in Arabic on a phone');
      // The table scrolls sideways on a phone: bring the registration column into view.
      await page.getByTestId('voip-reason-1').scrollIntoViewIfNeeded();
      await shot(page, 'voip-ar-phone');
    } finally {
      await context.close();
    }
  }, 120_000);
});
