import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHub, createTestDatabase, ensureMember, ensureOrganization, type Database, type Hub } from '@tutti/hub';
import { webDistDir } from '../harness.ts';
import { screenshotsDir, launchBrowser, submitSignIn, closeDialogWithEscape } from './support.ts';

interface RegionHub {
  hub: Hub;
  database: Database;
  url: string;
  email: string;
  password: string;
}

/** A hub with its own database and accounts, on its own loopback address (so its cookies are its own). */
async function startRegionHub(host: string, region: string): Promise<RegionHub> {
  const database = await createTestDatabase('pglite');
  const hub = await createHub({ database, config: { host, port: 0, logLevel: 'silent', webDir: webDistDir } });
  const url = await hub.start();
  const org = await ensureOrganization(database.db, { name: `${region} Support`, kind: 'client' }, 'test');
  const email = `admin@${region.toLowerCase()}.tutti.test`;
  const password = `${region}-admin-2026!`;
  await ensureMember(database.db, { orgId: org.id, email, name: `${region} Admin`, password, role: 'owner' }, 'test');
  return { hub, database, url, email, password };
}

describe('several hubs: add one, switch to it and back, each with its own sign-in', () => {
  let emea: RegionHub;
  let americas: RegionHub;
  let browser: Browser;

  beforeAll(async () => {
    emea = await startRegionHub('127.0.0.1', 'Emea');
    americas = await startRegionHub('127.0.0.2', 'Americas');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    for (const region of [emea, americas]) {
      await region?.hub.close();
      await region?.database.close();
    }
  });

  async function signIn(page: Page, region: RegionHub): Promise<void> {
    await submitSignIn(page, region.email, region.password);
    await page.waitForURL(/\/dashboard/);
  }

  async function openHubs(page: Page): Promise<void> {
    await page.getByTestId('user-menu').click();
    await page.getByTestId('switch-hub').click();
  }

  it('keeps the list across hubs and each hub its own session', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${emea.url}/`);
    await signIn(page, emea);

    await openHubs(page);
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Address').fill('ftp://nowhere');
    await dialog.getByLabel('Name').fill('Americas');
    await dialog.getByRole('button', { name: 'Add hub' }).click();
    await expect.poll(() => dialog.getByText('starting with https:// or http://').count()).toBe(1);
    await dialog.getByLabel('Address').fill(americas.url);
    await dialog.getByRole('button', { name: 'Add hub' }).click();
    await expect.poll(() => dialog.getByTestId('hub-entry').count()).toBe(1);
    await page.screenshot({ path: join(screenshotsDir, 'hubs-en-desktop.png') });

    // Another hub, another sign-in: the Americas hub does not know this session.
    await dialog.getByRole('link', { name: 'Open' }).click();
    await page.waitForURL((url) => url.origin === americas.url && url.pathname === '/sign-in');
    expect(new URL(page.url()).hash).toBe('');
    await page.getByTestId('other-hubs').click();
    await expect.poll(() => page.getByRole('dialog').getByText(new URL(emea.url).host).count()).toBeGreaterThan(0);
    await closeDialogWithEscape(page);
    await signIn(page, americas);

    // Back to EMEA: still signed in there.
    await openHubs(page);
    await page.getByRole('dialog').getByRole('link', { name: 'Open' }).click();
    await page.waitForURL((url) => url.origin === emea.url);
    await page.waitForURL(/\/dashboard/);
    await expect.poll(() => page.getByTestId('user-menu').count()).toBe(1);
    await page.close();
  });

  it('reads right to left in Arabic on a phone', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'ar' });
    await page.goto(`${americas.url}/`);
    await page.evaluate("localStorage.setItem('tutti.language', 'ar')");
    await page.reload();
    await page.getByTestId('other-hubs').click();
    await expect.poll(() => page.evaluate<string>('document.documentElement.dir')).toBe('rtl');
    await expect.poll(() => page.getByRole('dialog').getByText('هذا المركز').count()).toBe(1);
    await page.screenshot({ path: join(screenshotsDir, 'hubs-ar-phone.png') });
    await page.close();
  });
});
