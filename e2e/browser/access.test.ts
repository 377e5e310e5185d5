import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiClient } from '@tutti/client';
import { ensureMember, ensureOrganization, linkToken, startSmtpSink, type SmtpSink } from '@tutti/hub';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../harness.ts';
import {
  desktop,
  launchBrowser,
  shot,
  submitSignIn,
  chooseLanguage,
  expectAccessible,
  closeDialogWithEscape,
} from './support.ts';

// What a user reads, written out here on purpose: the test checks the screen, not the translation files.
const text = {
  en: {
    active: 'Active',
    licenseInvalid: 'The license file is not valid: it is damaged, was changed, or was not issued for this hub.',
    ssoFailed: 'SSO sign-in did not complete. Try again.',
  },
  ar: {
    active: 'نشطة',
    licenseInvalid: 'ملف الترخيص غير صالح: إما أنه تالف أو تم تعديله أو لم يُصدر لهذا المركز.',
    ssoFailed: 'لم يكتمل تسجيل الدخول عبر SSO. يُرجى المحاولة مرة أخرى.',
  },
};

describe('organizations, choose organization, audit log and organization settings in the browser', () => {
  let stack: TestStack;
  let smtp: SmtpSink;
  let browser: Browser;
  const supportPassword = 'Support-owner-2026!';
  // One support owner per language: a person signs in to the organization they last acted in.
  const supportEmail = (language: string) => `owner-${language}@support.tutti.test`;
  const monitorEmail = 'monitor@support.tutti.test';

  beforeAll(async () => {
    smtp = await startSmtpSink();
    stack = await startTestStack({
      devicesPerSubnet: 1,
      hubConfig: {
        smtp: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, from: 'hub@tutti.test' },
      },
    });
    const support = await ensureOrganization(
      stack.database.db,
      { name: 'Northwind AV Support', kind: 'support' },
      'test',
    );
    await ensureMember(
      stack.database.db,
      { orgId: support.id, email: monitorEmail, name: 'Mo Monitor', password: supportPassword, role: 'monitor' },
      'test',
    );
    for (const language of ['en', 'ar']) {
      await ensureMember(
        stack.database.db,
        {
          orgId: support.id,
          email: supportEmail(language),
          name: 'Sam Support',
          password: supportPassword,
          role: 'owner',
        },
        'test',
      );
    }
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await smtp?.close();
  });

  async function me(page: Page): Promise<{ currentOrganizationId: string; role: string }> {
    return page.evaluate(async () => (await fetch('/api/v1/auth/me')).json() as Promise<never>);
  }

  for (const language of ['en', 'ar'] as const) {
    it(`adds a client organization, acts in it, audits it and manages its settings in ${language}`, async () => {
      const context = await browser.newContext({ viewport: desktop, locale: 'en-US' });
      const page = await context.newPage();
      const client = `Acme AV ${language}`;
      try {
        // A failed single sign-on lands on the sign-in page with the reason, translated.
        await page.goto(`${stack.baseUrl}/sign-in?error=SSO_FAILED`);
        if (language !== 'en') await chooseLanguage(page, language);
        await expect.poll(() => page.getByTestId('sso-error').textContent()).toBe(text[language].ssoFailed);

        // Forgot password answers the same for any address; a reset link that is not valid says so.
        await page.getByTestId('forgot-password').click();
        await page.getByTestId('forgot-email').fill(supportEmail(language));
        await page.getByTestId('forgot-submit').click();
        await page.getByTestId('forgot-sent').waitFor();
        await page.goto(`${stack.baseUrl}/reset-password?token=not-a-real-reset-token`);
        await page.getByTestId('reset-password').fill('Fresh-Lantern-2026!');
        await page.getByTestId('reset-confirm').fill('Fresh-Lantern-2026!');
        await page.getByTestId('reset-submit').click();
        await page.getByTestId('reset-error').waitFor();
        await shot(page, `reset-password-${language}`);
        await page.getByTestId('back-to-sign-in').click();

        await submitSignIn(page, supportEmail(language), supportPassword);
        const supportOrgId = await (async () => {
          await page.getByTestId('nav-organizations').waitFor();
          return (await me(page)).currentOrganizationId;
        })();

        // Add Client Organization, as the cloud quick-start guide walks it. The owner is the signed-in support
        // member, so the organization is Active at once and they may act in it.
        await page.getByTestId('nav-organizations').click();
        await page.getByTestId('add-organization').click();
        await page.getByTestId('organization-next').click();
        await page.getByTestId('organization-name').fill(client);
        await page.getByTestId('organization-owner-email').fill(supportEmail(language));
        await page.getByTestId('organization-client-reference').fill(`REF-${language}`);
        await page.getByTestId('organization-next').click();
        await page.getByTestId('organization-max-devices').fill('25');
        await page.getByTestId('organization-next').click();
        await expect.poll(() => page.getByTestId('organization-review').textContent()).toContain(client);
        await shot(page, `organization-add-review-${language}`);
        await page.getByTestId('organization-add-submit').click();
        await page.getByTestId(`organization-row-${client}`).waitFor();
        await expect
          .poll(() => page.getByTestId(`organization-status-${client}`).textContent())
          .toBe(text[language].active);

        // Server-side search narrows the table to the one organization.
        await page.getByTestId('organizations-search').fill(`REF-${language}`);
        await expect.poll(() => page.locator('[data-testid^="organization-row-"]').count()).toBe(1);
        await shot(page, `organizations-${language}`);
        await expectAccessible(page, 'organizations');

        if (language === 'en') {
          // Hide a column and move another to the front: the choice outlives a reload and shapes the CSV.
          await page.getByTestId('column-chooser').click();
          await page.getByTestId('column-toggle-accountNumber').click();
          await page.getByTestId('column-up-name').click();
          await page.keyboard.press('Escape');
          await page.reload();
          await page.getByTestId(`organization-row-${client}`).waitFor();
          const shown = [
            'Name',
            'Status',
            'Start date',
            'End date',
            'Devices allocated',
            'Pro Audio devices',
            'Servers',
          ];
          const headers = await page.locator('thead th').allTextContents();
          expect(headers.map((header) => header.trim()).filter(Boolean)).toEqual(shown);
          const [download] = await Promise.all([
            page.waitForEvent('download'),
            page.getByTestId('organizations-export').click(),
          ]);
          const csv = readFileSync(await download.path(), 'utf8')
            .trim()
            .split('\n');
          expect(csv[0]).toBe(shown.join(','));
          expect(csv.some((line) => line.startsWith(`${client},active,`))).toBe(true);
        }

        // Choose organization: the session moves to the client without signing in again.
        await page.getByTestId('user-menu').click();
        await page.getByTestId('choose-organization').click();
        await page.getByTestId(`organization-account-${client}`).click();
        await page.getByTestId('choose-organization-submit').click();
        await expect.poll(async () => (await me(page)).currentOrganizationId).not.toBe(supportOrgId);
        await expect.poll(() => page.getByTestId('nav-organizations').count()).toBe(0);

        // Audit log of the client: the switch is there, with its before/after, and the CSV has the same filter.
        await page.getByTestId('nav-audit').click();
        await page.getByTestId('audit-filter-action').fill('auth.switch');
        await page.getByTestId('audit-row-auth.switch_organization').first().click();
        await expect.poll(() => page.getByTestId('audit-before').textContent()).toContain(supportOrgId);
        await shot(page, `audit-detail-${language}`);
        await closeDialogWithEscape(page);
        const href = (await page.getByTestId('audit-export').getAttribute('href')) ?? '';
        expect(new URL(href, stack.baseUrl).searchParams.get('action')).toBe('auth.switch');
        const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href);
        const lines = csv.trim().split('\r\n');
        expect(lines[0]).toBe('id,at,actor,action,target,before,after,ip,hash');
        expect(lines.slice(1).every((line) => line.includes('auth.switch_organization'))).toBe(true);
        await shot(page, `audit-${language}`);
        await expectAccessible(page, 'audit log');

        // Settings > Organization: an API token is shown once and can be revoked; a damaged license is refused.
        await page.getByTestId('nav-settings').click();
        await page.getByTestId('settings-tab-organization').click();
        await page.getByTestId('token-create').click();
        await page.getByTestId('token-name').fill(`monitoring-${language}`);
        await page.getByTestId('token-create-submit').click();
        await expect.poll(() => page.getByTestId('token-value').textContent()).toMatch(/^tutti_/);
        await page.getByTestId('token-done').click();
        await page.getByTestId(`token-revoke-monitoring-${language}`).click();
        await page.getByTestId('token-revoke-confirm').click();
        await page.getByTestId(`token-revoke-monitoring-${language}`).waitFor({ state: 'detached' });

        const damaged = join(tmpdir(), `tutti-damaged-license-${language}.json`);
        writeFileSync(damaged, '{"license": "not really"}');
        await page.locator('input[type="file"]').setInputFiles(damaged);
        await expect
          .poll(() => page.getByTestId('license-error').textContent())
          .toContain(text[language].licenseInvalid);
        await expect.poll(() => page.getByTestId('license-none').count()).toBe(1);
        await shot(page, `settings-organization-${language}`);
      } finally {
        await context.close();
      }
    });
  }

  it('hides from a Monitor what the role cannot do', async () => {
    const context = await browser.newContext({ viewport: desktop, locale: 'en-US' });
    const page = await context.newPage();
    try {
      // Single sign-on is offered per organization: one without it says so instead of leaving the app.
      await page.goto(`${stack.baseUrl}/sign-in`);
      await page.getByTestId('sso-ask').click();
      await page.getByTestId('sso-account').fill('A00000000');
      await page.getByTestId('sso-continue').click();
      await page.getByTestId('sso-not-configured').waitFor();
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      await submitSignIn(page, monitorEmail, supportPassword);
      await page.getByTestId('nav-organizations').click();
      await page.getByTestId('organizations-search').waitFor();
      expect(await page.getByTestId('add-organization').count()).toBe(0);
      expect(await page.locator('[data-testid^="organization-actions-"]').count()).toBe(0);
      expect(await page.getByTestId('nav-audit').count()).toBe(0);
      await page.getByTestId('nav-settings').click();
      await page.getByTestId('settings-tab-organization').click();
      await page.getByTestId('license-none').waitFor();
      expect(await page.getByTestId('license-upgrade').count()).toBe(0);
      expect(await page.getByTestId('organization-settings-name').count()).toBe(0);
      expect(await page.getByTestId('token-create').count()).toBe(0);
      expect(await page.getByTestId('providers-tab-ldap').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('registers from an Arabic invitation email: the page speaks Arabic, the new person signs in', async () => {
    const owner = createApiClient({ baseUrl: stack.baseUrl, keepCookies: true });
    await owner.signIn({ email: supportEmail('en'), password: supportPassword });
    const email = 'layla@support.tutti.test';
    const since = smtp.messages.length;
    await owner.inviteUsers({ emails: [email], role: 'technician', language: 'ar' });
    const mail = await smtp.next(email, since);
    expect(mail.text).toContain('للتسجيل، افتح الرابط التالي:');
    expect(mail.text).toContain('يعمل الرابط مرة واحدة وتنتهي صلاحيته بعد 72 ساعة.');

    const context = await browser.newContext({ viewport: desktop, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await page.goto(`${stack.baseUrl}/register?token=${encodeURIComponent(linkToken(mail, '/register'))}`);
      await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('rtl');
      await page.getByTestId('register-name').fill('Layla Haddad');
      await page.getByTestId('register-password').fill('Quiet-Harbor-2026!');
      await page.getByTestId('register-confirm').fill('Quiet-Harbor-2026!');
      await page.getByTestId('register-submit').click();
      await page.getByTestId('register-privacy').waitFor();
      expect(await page.getByTestId('register-done').count()).toBe(0);
      await page.getByTestId('register-terms').check();
      await page.getByTestId('register-privacy').check();
      await shot(page, 'register-ar');
      await page.getByTestId('register-submit').click();
      await page.getByTestId('register-done').waitFor();
      await page.getByTestId('back-to-sign-in').click();
      await submitSignIn(page, email, 'Quiet-Harbor-2026!');
      await expect.poll(async () => (await me(page)).role).toBe('technician');
    } finally {
      await context.close();
    }
  });
});
