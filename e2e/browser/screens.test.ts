import { createApiClient } from '@tutti/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../harness.ts';
import {
  desktop,
  phone,
  launchBrowser,
  shot,
  signIn,
  chooseLanguage,
  openSection,
  expectAccessible,
} from './support.ts';

// What a user reads, written out here on purpose: the test checks the screen, not the translation files.
const connected = { en: 'Connected', ar: 'متصل' };
const invited = { en: 'Invited', ar: 'مدعوّ' };
const locateLight = { en: 'Locate light', ar: 'مصباح تحديد الموقع' };
const noFirmware = { en: 'No firmware packages yet.', ar: 'لا توجد حزم برامج ثابتة بعد.' };

describe('dashboard, device detail, servers, firmware, jobs, users and settings in the browser', () => {
  let stack: TestStack;
  let browser: Browser;
  /** Devices as the hub lists them (stacked peripherals included). */
  let total = 0;
  /** A finished job (the locate light turned off on one device) for the Jobs list's filters. */
  let jobId = '';

  beforeAll(async () => {
    stack = await startTestStack({ devicesPerSubnet: 3 });
    browser = await launchBrowser();
    await stack.waitForDevices(stack.simulator.devices().length);
    const client = createApiClient({ baseUrl: stack.baseUrl, keepCookies: true });
    await client.signIn({ email: stack.adminEmail, password: stack.adminPassword });
    total = (await client.listDevices({ limit: 1 })).total;
    const [device] = (await client.listDevices({ limit: 1 })).items;
    jobId = (await client.createJob({ operation: { kind: 'locate', on: false }, deviceIds: [device!.id] })).id;
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function count(page: Page, severity: string): Promise<number> {
    return Number((await page.getByTestId(`dashboard-count-${severity}`).textContent()) ?? 'NaN');
  }

  for (const [language, viewport, label] of [
    ['en', desktop, 'desktop'],
    ['ar', phone, 'phone'],
    ['ar', desktop, 'desktop'],
    ['en', phone, 'phone'],
  ] as const) {
    it(`works in ${language} on a ${label}`, async () => {
      const context = await browser.newContext({ viewport, locale: 'en-US' });
      const page = await context.newPage();
      try {
        await signIn(page, stack);
        await page.getByTestId('dashboard-count-healthy').waitFor();
        if (language !== 'en') {
          await chooseLanguage(page, language);
          await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('rtl');
        }

        // Dashboard: the three counts add up to every device.
        await expect
          .poll(async () => (await count(page, 'down')) + (await count(page, 'issue')) + (await count(page, 'healthy')))
          .toBe(total);
        await shot(page, `dashboard-${language}-${label}`);

        // Click-through: the list opens filtered by that severity, with the same number of devices.
        const severity = (await count(page, 'healthy')) > 0 ? 'healthy' : 'issue';
        const expected = await count(page, severity);
        await page.getByTestId(`dashboard-severity-${severity}`).click();
        await expect.poll(() => new URL(page.url()).searchParams.get('severity')).toBe(severity);
        await expect
          .poll(async () => (await page.getByTestId('devices-total').textContent())?.match(/\d+/)?.[0])
          .toBe(String(expected));
        await expect.poll(() => page.getByTestId(`severity-${severity}`).isChecked()).toBe(true);

        // Device detail from the list.
        const link = page.locator('[data-testid^="device-link-"]').first();
        const serial = ((await link.getAttribute('data-testid')) ?? '').replace('device-link-', '');
        await link.click();
        await expect.poll(() => page.getByTestId('device-detail-serial').textContent()).toBe(serial);
        await page.getByTestId('status-history').waitFor();
        await shot(page, `device-detail-${language}-${label}`);
        await expectAccessible(page, 'device detail');

        // Servers: the test stack's agent is connected.
        await openSection(page, 'servers');
        await expect
          .poll(() => page.getByTestId(`server-status-${stack.agentName}`).first().textContent())
          .toBe(connected[language]);
        await shot(page, `servers-${language}-${label}`);
        await expectAccessible(page, 'servers');

        // Firmware: this hub's catalog is empty; on a phone its table scrolls sideways.
        await openSection(page, 'firmware');
        await page.getByText(noFirmware[language]).waitFor();
        await expectAccessible(page, 'firmware');

        // Jobs: the search (a job id prefix), the Operation and Started-by filters, all on the server.
        await openSection(page, 'jobs');
        const row = page.getByTestId(`job-row-${jobId}`);
        await row.waitFor();
        await page.getByTestId('jobs-search').fill(jobId.slice(0, 8));
        await page.getByTestId('jobs-kind-filter').click();
        await page.getByRole('option', { name: locateLight[language] }).click();
        await page.getByTestId('jobs-filter-created-by').fill(stack.adminEmail);
        await expect.poll(() => page.locator('[data-testid^="job-row-"]').count()).toBe(1);
        await row.waitFor();
        await shot(page, `jobs-${language}-${label}`);
        await expectAccessible(page, 'jobs');
        await page.getByTestId('jobs-filter-created-by').fill('nobody-started-this');
        await row.waitFor({ state: 'detached' });
        // The job's page, from its row: the device it ran on, and its outcome.
        await page.getByTestId('jobs-filter-created-by').fill('');
        await row.locator('a[href^="/jobs/"]').first().click();
        await page.getByTestId('job-targets').waitFor();
        await expect
          .poll(() => page.locator('[data-testid^="target-row-"]').getAttribute('data-state'))
          .toBe('succeeded');
        await expectAccessible(page, 'job detail');

        // Users: invite someone. The harness hub has no SMTP server: it records that the mail was not sent and
        // still creates the invitation, so the new user appears as Invited.
        await openSection(page, 'users');
        const email = `invitee-${language}-${label}@stack.tutti.test`;
        await page.getByTestId('invite-users').click();
        await page.getByTestId('invite-emails').fill(email);
        await page.getByTestId('invite-emails').press('Enter');
        await page.getByTestId('invite-submit').click();
        await expect
          .poll(() => page.getByTestId(`user-status-${email}`).first().textContent(), { timeout: 15_000 })
          .toBe(invited[language]);
        await shot(page, `users-${language}-${label}`);
        await expectAccessible(page, 'users');

        await openSection(page, 'settings');
        await page.getByTestId('settings-sms').waitFor();
        await shot(page, `settings-${language}-${label}`);
        await expectAccessible(page, 'settings');
      } finally {
        await context.close();
      }
    });
  }
});
