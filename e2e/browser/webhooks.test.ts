import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHub, createTestDatabase, ensureMember, ensureOrganization, type Database, type Hub } from '@tutti/hub';
import { webDistDir } from '../harness.ts';
import { desktop, launchBrowser, openSection, phone, shot, signIn, closeDialogWithEscape } from './support.ts';

describe.each(['en', 'ar'])('webhooks screen (%s)', (language) => {
  let database: Database;
  let hub: Hub;
  let browser: Browser;
  let baseUrl = '';
  const received: string[] = [];
  // A loopback receiver; the hub is told to accept such targets.
  const receiver = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    request.on('end', () => {
      received.push(raw);
      response.writeHead(204).end();
    });
  });
  const account = { email: `owner-${language}@webhooks.tutti.test`, password: 'Webhooks-owner-2026!' };

  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    database = await createTestDatabase('pglite');
    hub = await createHub({
      database,
      config: {
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
        webDir: webDistDir,
        webhooks: { allowLoopbackTargets: true },
      },
    });
    baseUrl = await hub.start();
    const org = await ensureOrganization(database.db, { name: 'Webhook Org', kind: 'client' }, 'test');
    await ensureMember(database.db, { orgId: org.id, ...account, name: 'Owner', role: 'owner' }, 'test');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await database?.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('subscribes a loopback receiver, sends a test delivery and shows it in the log', async () => {
    const page = await browser.newPage({ viewport: desktop });
    await signIn(page, { baseUrl, adminEmail: account.email, adminPassword: account.password }, { language });
    if (language === 'ar') expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    await openSection(page, 'settings');
    await page.getByTestId('settings-tab-organization').click();
    await page.getByTestId('webhook-add').click();
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/tutti`;
    await page.getByTestId('webhook-url').fill(url);
    await page.getByTestId('webhook-event-job.finished').click();
    await page.getByTestId('webhook-save').click();
    await expect.poll(() => page.getByTestId('webhook-secret').textContent()).toMatch(/^whsec_/);
    await shot(page, `webhooks-secret-${language}`);
    await page.getByTestId('webhook-secret-done').click();

    const row = page.getByTestId(`webhook-row-${url}`);
    await row.getByTestId('webhook-state-enabled').waitFor();
    await row.getByTestId('webhook-menu').click();
    await page.getByTestId('webhook-test').click();
    await page.getByTestId('webhook-test-queued').waitFor();
    await expect.poll(() => received.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(received.at(-1)!)).toMatchObject({ type: 'webhook.test' });

    await row.getByTestId('webhook-log').click();
    await page.getByTestId('webhook-delivery-succeeded').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('webhook-deliveries').textContent()).toContain('204');
    await shot(page, `webhooks-log-${language}`);
    await closeDialogWithEscape(page);

    await page.setViewportSize(phone);
    await page.getByTestId(`webhook-row-${url}`).waitFor();
    await shot(page, `webhooks-phone-${language}`);
    await page.close();
  });
});
