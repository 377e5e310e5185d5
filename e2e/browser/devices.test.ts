import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../harness.ts';
import { launchBrowser, shot, submitSignIn, chooseLanguage } from './support.ts';

// What a user reads, written out here on purpose: the test checks the screen, not the translation files.
const invalidCredentialsEn = 'The email address or password is incorrect.';
const locateLightOnEn = 'Locate Light On';
const locateLightOnAr = 'مصباح تحديد الموقع مضاء';

const LIVE_TIMEOUT_MS = 30_000;

describe('devices page in the browser', () => {
  let stack: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startTestStack({ devicesPerSubnet: 3 });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('signs in, follows a device status live and switches to Arabic', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await page.goto(`${stack.baseUrl}/`);

      // A wrong password shows the translated message for INVALID_CREDENTIALS and stays on the form.
      await submitSignIn(page, stack.adminEmail, `${stack.adminPassword}-wrong`);
      await expect.poll(() => page.getByTestId('sign-in-error').textContent()).toBe(invalidCredentialsEn);
      await shot(page, 'sign-in-error-desktop');

      await submitSignIn(page, stack.adminEmail, stack.adminPassword);
      // The dashboard is the landing page; the list is one click away.
      await page.getByTestId('nav-devices').click();
      const simulated = stack.simulator.devices();
      // Every simulated device must fit on the first page (50 rows) for the row checks below.
      expect(simulated.length).toBeLessThanOrEqual(50);
      await stack.waitForDevices(simulated.length);
      for (const device of simulated) {
        await page.getByTestId(`device-row-${device.spec.serial}`).waitFor({ state: 'visible' });
      }
      await expect.poll(() => page.getByTestId('live-indicator').getAttribute('data-state')).toBe('connected');

      // A marker on window survives only if the page is never reloaded.
      await page.evaluate('window.tuttiNoReload = true');
      // A device that is Healthy now, so that the only change the page can show is the one this test makes.
      let target = simulated[0]!;
      for (const device of simulated) {
        if ((await page.getByTestId(`device-status-${device.spec.serial}`).textContent()) === 'Healthy') {
          target = device;
          break;
        }
      }
      const statusCell = page.getByTestId(`device-status-${target.spec.serial}`);
      target.setLocate(true);
      await expect.poll(() => statusCell.textContent(), { timeout: LIVE_TIMEOUT_MS }).toBe(locateLightOnEn);
      expect(await page.evaluate<boolean>("'tuttiNoReload' in window")).toBe(true);
      await shot(page, 'devices-en-desktop');

      // Re-arm the locate light: it switches itself off after a while, and the Arabic check needs it on.
      target.setLocate(true);
      await chooseLanguage(page, 'ar');
      await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('rtl');
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('ar');
      await expect.poll(() => statusCell.textContent(), { timeout: LIVE_TIMEOUT_MS }).toBe(locateLightOnAr);
      await shot(page, 'devices-ar-desktop');

      // Phones get one card per device, with the same test ids.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByTestId(`device-row-${target.spec.serial}`).waitFor({ state: 'visible' });
      await shot(page, 'devices-ar-phone');

      // The choice is remembered: a new visit opens in Arabic.
      await page.reload();
      await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('rtl');
      await chooseLanguage(page, 'en');
      await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('ltr');
      await page.getByTestId(`device-row-${target.spec.serial}`).waitFor({ state: 'visible' });
      await shot(page, 'devices-en-phone');
    } finally {
      await context.close();
    }
  });
});
