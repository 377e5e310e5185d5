import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { ensureMember, ensureOrganization } from '@tutti/hub';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../harness.ts';
import {
  screenshotsDir,
  desktop,
  launchBrowser,
  submitSignIn,
  chooseLanguage,
  expectAccessible,
  closeDialogWithEscape,
} from './support.ts';

const DAY = 86_400_000;

// What a user reads, written out here on purpose: the test checks the screen, not the translation files.
const words = {
  en: { invoices: 'Invoices', paid: 'Paid', overdue: 'Overdue' },
  ar: { invoices: 'الفواتير', paid: 'مدفوعة', overdue: 'متأخرة' },
};

/**
 * A support organization's billing in the browser: a plan added and given to its client through the screens, the
 * hub's clock walked through 75 days (usage sampled, invoices issued), then the invoices, their PDF and CSV,
 * a payment, and the usage charts, in English and Arabic.
 */
describe('billing in the browser', () => {
  const start = new Date(Math.floor((Date.now() - 75 * DAY) / DAY) * DAY + 30 * 60_000);
  let now = start.getTime();
  let stack: TestStack;
  let browser: Browser;
  const password = 'Billing-owner-2026!';
  const ownerEmail = (language: string) => `billing-${language}@support.tutti.test`;

  beforeAll(async () => {
    stack = await startTestStack({ devicesPerSubnet: 2, clock: { now: () => new Date(now) } });
    const db = stack.database.db;
    const support = await ensureOrganization(db, { name: 'Northwind AV Support', kind: 'support' }, 'test');
    for (const language of ['en', 'ar'] as const) {
      await ensureMember(
        db,
        { orgId: support.id, email: ownerEmail(language), name: 'Bea Billing', password, role: 'owner', language },
        'test',
      );
    }
    // The stack's site belongs to a client of the support organization.
    await db.execute(sql`UPDATE organizations SET parent_id = ${support.id}::uuid WHERE name = 'Stack Organization'`);
    await stack.waitForDevices(2);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function signIn(page: Page, language: 'en' | 'ar'): Promise<void> {
    await page.goto(`${stack.baseUrl}/sign-in`);
    if (language !== 'en') await chooseLanguage(page, language);
    await submitSignIn(page, ownerEmail(language), password);
    await page.getByTestId('nav-billing').click();
  }

  it('sells a plan to a client, bills it from its usage, and records its payment', async () => {
    const context = await browser.newContext({ viewport: desktop, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await signIn(page, 'en');
      await page.getByTestId('billing-tab-plans').click();
      await page.getByTestId('add-plan').click();
      await page.getByTestId('plan-name').fill('Standard monthly');
      await page.getByTestId('plan-max-devices').fill('5');
      await page.getByTestId('plan-price').fill('120');
      await page.getByTestId('plan-save').click();
      await page.getByTestId('plan-row-Standard monthly').waitFor();
      expect(await page.getByTestId('plan-row-Standard monthly').textContent()).toContain('$120.00');

      await page.getByTestId('plan-actions-Standard monthly').click();
      await page.getByTestId('plan-assign-Standard monthly').click();
      await page.getByTestId('assign-organization').click();
      await page.getByRole('option', { name: 'Stack Organization' }).click();
      await page.getByTestId('assign-start').fill(start.toISOString().slice(0, 10));
      await page.getByTestId('assign-save').click();
      await page.getByTestId('assign-save').waitFor({ state: 'detached' });
      await expect.poll(() => page.getByTestId('plan-row-Standard monthly').textContent()).toMatch(/1$/);
      await expectAccessible(page, 'service plans');
      await page.screenshot({ path: join(screenshotsDir, 'billing-plans-en.png') });

      // 75 days pass on the hub's clock: hourly usage samples and a daily billing cycle, one node running each.
      for (let day = 1; day <= 75; day += 1) {
        now = start.getTime() + day * DAY;
        await stack.hub.context.scheduler.runDue();
      }
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await stack.hub.context.scheduler.runDue();

      await page.getByTestId('billing-tab-invoices').click();
      await page.getByTestId('invoice-row-INV-000001').waitFor();
      expect(await page.getByTestId('invoice-row-INV-000001').textContent()).toContain(words.en.overdue);
      await expectAccessible(page, 'invoices');
      await page.getByTestId('invoice-status-filter').click();
      await page.getByRole('option', { name: words.en.overdue }).click();
      await expect.poll(() => page.locator('[data-testid^="invoice-row-"]').count()).toBe(1);
      const exportHref = (await page.getByTestId('invoices-export').getAttribute('href')) ?? '';
      const exported = await page.evaluate(async (url) => (await fetch(url)).text(), exportHref);
      expect(exported.trim().split('\n').slice(1)).toEqual([expect.stringMatching(/^INV-000001,overdue,/)]);
      await page.getByTestId('invoice-row-INV-000001').click();
      await page.getByTestId('invoice-detail').waitFor();

      const pdfHref = (await page.getByTestId('invoice-pdf').getAttribute('href')) ?? '';
      expect(new URL(pdfHref, stack.baseUrl).searchParams.get('lang')).toBe('en');
      const pdf = await page.evaluate(async (url) => {
        const response = await fetch(url);
        return { type: response.headers.get('content-type'), head: (await response.text()).slice(0, 5) };
      }, pdfHref);
      expect(pdf).toEqual({ type: 'application/pdf', head: '%PDF-' });
      const csvHref = (await page.getByTestId('invoice-csv').getAttribute('href')) ?? '';
      const csv = await page.evaluate(async (url) => (await fetch(url)).text(), csvHref);
      expect(csv).toContain('INV-000001');

      await page.screenshot({ path: join(screenshotsDir, 'billing-invoice-en.png') });
      await page.getByTestId('payment-save').click();
      await expect.poll(() => page.getByTestId('invoice-detail').textContent()).toContain(words.en.paid);
      await closeDialogWithEscape(page);
      // Paid, it leaves the list filtered to overdue invoices.
      await expect.poll(() => page.locator('[data-testid^="invoice-row-"]').count()).toBe(0);

      await page.getByTestId('billing-tab-usage').click();
      await page.getByTestId('usage-org-Stack Organization').waitFor();
      expect(await page.getByTestId('usage-org-Stack Organization').locator('svg rect').count()).toBeGreaterThan(30);
      await expectAccessible(page, 'usage');
      await page.screenshot({ path: join(screenshotsDir, 'billing-usage-en.png') });
    } finally {
      await context.close();
    }
  });

  it('shows the invoices right to left in Arabic, with the PDF in Arabic', async () => {
    const context = await browser.newContext({ viewport: desktop, locale: 'ar' });
    const page = await context.newPage();
    try {
      await signIn(page, 'ar');
      await expect.poll(() => page.getByTestId('billing-tab-invoices').textContent()).toBe(words.ar.invoices);
      expect(await page.evaluate<string>('document.documentElement.dir')).toBe('rtl');
      await page.getByTestId('invoice-row-INV-000001').waitFor();
      expect(await page.getByTestId('invoice-row-INV-000001').textContent()).toContain(words.ar.paid);
      await expectAccessible(page, 'invoices in Arabic');
      await page.getByTestId('invoice-row-INV-000001').click();
      const pdfHref = (await page.getByTestId('invoice-pdf').getAttribute('href')) ?? '';
      expect(new URL(pdfHref, stack.baseUrl).searchParams.get('lang')).toBe('ar');
      await page.screenshot({ path: join(screenshotsDir, 'billing-invoice-ar.png') });
    } finally {
      await context.close();
    }
  });
});
