import { createServer } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSpaceService, type SpaceService } from '@tutti/devices';
import { createHub, createTestDatabase, ensureMember, ensureOrganization, type Database, type Hub } from '@tutti/hub';
import { webDistDir } from '../harness.ts';
import { launchBrowser, submitSignIn } from './support.ts';

const email = 'owner@space.tutti.test';
const password = 'Space-pass-2026!';

/** A free loopback port, so the Space service can know the hub's callback before the hub starts. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The Space screen in a browser against the simulated COLLABORATE Space service: the browser goes to the
 * service's consent step and back through the hub's callback; a refused consent and an expired refresh token
 * show what to do next. A Space user who also has a Tutti account can be messaged from the account's users.
 */
describe('COLLABORATE Space accounts in the browser', () => {
  let database: Database;
  let hub: Hub;
  let space: SpaceService;
  let browser: Browser;
  let page: Page;
  let baseUrl = '';

  beforeAll(async () => {
    const port = await freePort();
    space = createSpaceService({
      address: '127.0.0.1',
      clients: [{ clientId: 'tutti', redirectUris: [`http://127.0.0.1:${port}/api/v1/space/callback`] }],
    });
    await space.start();
    database = await createTestDatabase('pglite');
    const org = await ensureOrganization(database.db, { name: 'Space Organization', kind: 'client' }, 'test');
    await ensureMember(database.db, { orgId: org.id, email, name: 'Space Owner', password, role: 'owner' }, 'test');
    // A Space user who also works in Tutti, under the same email address.
    await ensureMember(
      database.db,
      { orgId: org.id, email: 'tech@acme.example', name: 'Tom Tech', password, role: 'technician' },
      'test',
    );
    hub = await createHub({
      database,
      config: { host: '127.0.0.1', port, logLevel: 'silent', webDir: webDistDir, spaceBaseUrl: space.url },
    });
    baseUrl = await hub.start();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(`${baseUrl}/sign-in?redirect=%2Fspace`);
    await submitSignIn(page, email, password);
    await page.waitForURL(/\/space/);
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await database?.close();
    await space?.close();
  });

  it('links an account through the consent step and shows its rooms and users', async () => {
    await page.getByTestId('link-space-account').click();
    await page.waitForURL(/\/space\?linked=/);
    await expect.poll(() => page.getByTestId('space-account').getAttribute('data-link-state')).toBe('linked');
    await page.getByTestId('show-directory').click();
    await expect.poll(() => page.getByTestId('space-directory').textContent()).toContain('Boardroom');
    expect(await page.getByTestId('space-directory').textContent()).toContain('Ada Admin');

    // Only the Space user with a Tutti account can be messaged; that opens the direct conversation.
    await expect.poll(() => page.getByTestId('message-space-user').count()).toBe(1);
    await page.getByTestId('message-space-user').click();
    await page.waitForURL(/\/chat\?c=/);
    await expect.poll(() => page.getByTestId('thread-title').textContent()).toBe('Tom Tech');
    await page.goto(`${baseUrl}/space`);
  });

  it('says so when consent is refused', async () => {
    space.setConsent('deny');
    await page.getByTestId('link-space-account').click();
    await page.waitForURL(/\/space\?error=SPACE_CONSENT_DENIED/);
    expect(await page.getByTestId('space-outcome').textContent()).toContain('refused');
    space.setConsent('approve');
  });

  it('asks to link again once the refresh token has expired', async () => {
    space.setClockSkewMs(31 * 24 * 60 * 60_000);
    await page.getByRole('button', { name: 'Check now' }).click();
    await expect.poll(() => page.getByTestId('relink-prompt').count()).toBe(1);
    space.setClockSkewMs(0);
    await page.getByTestId('relink-prompt').getByRole('button').click();
    await page.waitForURL(/\/space\?linked=/);
    await expect.poll(() => page.getByTestId('space-account').getAttribute('data-link-state')).toBe('linked');
  });
});
