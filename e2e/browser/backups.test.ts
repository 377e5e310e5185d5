import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '@tutti/client';
import { startTestStack, until, type TestStack } from '../harness.ts';
import { desktop, expectAccessible, launchBrowser, openSection, phone, shot, signIn } from './support.ts';

describe('Backups screen in the browser', () => {
  let stack: TestStack;
  let browser: Browser;
  let api: ApiClient;
  /** A DSP with two different stored versions, so that the comparison has something to show. */
  let serial = '';

  async function backUp(deviceIds: string[]) {
    const job = await api.createJob({ operation: { kind: 'backup' }, deviceIds });
    await until(async () => (await api.getJob(job.id)).finishedAt !== null, 100);
  }

  beforeAll(async () => {
    stack = await startTestStack({ devicesPerSubnet: 2 });
    browser = await launchBrowser();
    await stack.waitForDevices(stack.simulator.devices().length);
    api = createApiClient({ baseUrl: stack.baseUrl, keepCookies: true });
    await api.signIn({ email: stack.adminEmail, password: stack.adminPassword });
    const [dsp] = (await api.listDevices({ family: ['converge_pro_2'], limit: 1 })).items;
    serial = dsp!.serial;
    await backUp([dsp!.id]);
    await stack.simulator.device(serial)!.loadConfig('another-project.pccp2x');
    await backUp([dsp!.id]);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  for (const [language, viewport, label] of [
    // Both languages and both viewports in two runs: each run adds a systemwide backup job to the stack.
    ['en', desktop, 'desktop'],
    ['ar', phone, 'phone'],
  ] as const) {
    it(`backs up the selected devices with live progress and compares two versions, in ${language} on a ${label}`, async () => {
      const context = await browser.newContext({ viewport, locale: 'en-US' });
      const page = await context.newPage();
      try {
        await signIn(page, stack, { language });
        if (language === 'ar') await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('rtl');
        await openSection(page, 'backups');
        await page.getByTestId(`backup-row-${serial}`).waitFor();

        // The systemwide backup: every listed device in one click, its job's progress live on the page.
        await page.getByTestId('select-all').check();
        await page.getByTestId('back-up-selected').click();
        await expect
          // Quick on a quiet machine (≈ 5 s); a CI run with every other test file busy once needed more than 60 s.
          .poll(() => page.getByTestId('backup-job').getAttribute('data-state'), { timeout: 180_000 })
          .toBe('completed');
        await shot(page, `backups-${language}-${label}`);
        await expectAccessible(page, 'backups');

        // Versions of one device, each read back and verified, then the settings that differ between two.
        await page.getByTestId(`show-versions-${serial}`).click();
        await page.getByTestId('versions-table').waitFor();
        await expect.poll(() => page.locator('[data-testid^="version-"]').count()).toBeGreaterThanOrEqual(2);
        await page.getByTestId('tab-diff').click();
        await page.getByTestId('diff-table').waitFor();
        expect(await page.locator('[data-testid="diff-table"] tbody tr').count()).toBeGreaterThan(0);
        await shot(page, `backups-diff-${language}-${label}`);
        await expectAccessible(page, 'backup versions compared');
      } finally {
        await context.close();
      }
    }, 300_000);
  }
});
