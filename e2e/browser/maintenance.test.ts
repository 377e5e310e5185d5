import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '@tutti/client';
import { connectDevice, DeviceLoginError, type SimulatedDeviceSpec, type Simulator } from '@tutti/devices';
import { packProjectFile } from '@tutti/hub';
import { startTestStack, until, type TestStack } from '../harness.ts';
import { chooseLanguage, desktop, expectAccessible, launchBrowser, openSection, shot, signIn } from './support.ts';

// What a user reads, written out here on purpose: the test checks the screen, not the translation files.
const healthy = 'Healthy';
const ftpOnNow = 'FTP is now on';
const ftpOffNow = 'FTP is now off';
const inUse = {
  en: 'A running or halted job loads this configuration file; it can be deleted once that job has ended.',
  ar: 'تقوم مهمة قيد التشغيل أو متوقفة بتحميل ملف التكوين هذا؛ يمكن حذفه بعد انتهاء تلك المهمة.',
};

/** Waits for the live, eventually consistent screens of a slow machine, well inside each test's own limit. */
const LIVE = { timeout: 45_000 };

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A library project for the CONVERGE Pro 2 128 box `box`. */
function project(box: string, stamp: number): Buffer {
  return packProjectFile(
    box,
    '<?xml version="1.0" encoding="UTF-8"?><Root Version="9">' +
      `<Project Model="CONVERGE_PRO_2_128" Box="${box}" Stack="${box}" Stamp="${stamp}" Source="library">` +
      '<Settings SafetyMute="0"/></Project></Root>',
  );
}

/**
 * The device page's maintenance (FTP on and off, a new device login, the device log) and the configuration library
 * (upload, rename, delete, and the refusal while a job loads a file), on a simulated site through the whole chain.
 */
describe('device maintenance and the configuration library in the browser', () => {
  // 127.190–199.x is used by no other test file; the third octet keeps this file apart from voip.test.ts.
  const prefix = `127.${190 + (process.pid % 10)}.2.`;
  const units: SimulatedDeviceSpec[] = ['Maint1', 'Loader1'].map((box, index) => ({
    address: `${prefix}${10 + index}`,
    model: 'CONVERGE_PRO_2_128',
    boxName: box,
    serial: `BMAINT-${index + 1}-001`,
    mac: `00:06:E2:00:72:${10 + index}`,
    firmware: '5.2.0.7',
    stackName: box,
    boxNumber: 1,
  }));
  const [maintained, loader] = units as [SimulatedDeviceSpec, SimulatedDeviceSpec];
  const email = 'admin@maintenance.tutti.test';
  const password = 'Maintenance-2026!';
  let stack: TestStack;
  let simulator: Simulator;
  let api: ApiClient;
  let browser: Browser;
  let baseUrl = '';

  beforeAll(async () => {
    stack = await startTestStack({
      devices: units,
      organizationName: 'Maintenance Organization',
      adminName: 'Maintenance Admin',
      adminEmail: email,
      adminPassword: password,
      // A configuration load outlasts the file: the job that loads a library file is still running when the test
      // tries to delete that file.
      simulator: { configLoadMs: 600_000 },
      agentConfig: {
        scanIntervalSeconds: 1,
        // A unit that comes back is signed in to again within a second.
        deviceRetry: { initialMs: 200, maxMs: 1_000 },
      },
    });
    ({ baseUrl, simulator } = stack);
    browser = await launchBrowser();
    api = createApiClient({ baseUrl, keepCookies: true });
    await api.signIn({ email, password });
    await until(async () => {
      const { items } = await api.listDevices({ limit: 10 });
      return items.length >= units.length && items.every((device) => device.status === 'healthy');
    }, 200);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function openDevice(page: Page, serial: string): Promise<void> {
    await openSection(page, 'devices');
    await page.getByTestId(`device-link-${serial}`).first().click();
    await expect.poll(() => page.getByTestId('device-detail-serial').textContent(), LIVE).toBe(serial);
  }

  /** Starts an operation from the device page's menu; the app opens the new job. */
  async function runFromMenu(page: Page, item: string): Promise<void> {
    await page.getByTestId('device-operations').click();
    await page.getByTestId(item).click();
  }

  /** On the job page: waits for the device's outcome, returns its row's text, and goes back to the device. */
  async function outcome(page: Page, serial: string, state: string): Promise<string> {
    const row = page.getByTestId(`target-row-${serial}`);
    await expect.poll(() => row.getAttribute('data-state'), LIVE).toBe(state);
    return (await row.textContent()) ?? '';
  }

  async function backToDevice(page: Page, serial: string): Promise<void> {
    await page.getByTestId(`target-row-${serial}`).locator('a[href^="/devices/"]').click();
    await expect.poll(() => page.getByTestId('device-detail-serial').textContent(), LIVE).toBe(serial);
  }

  const status = (page: Page, serial: string) => page.getByTestId(`device-status-${serial}`).first().textContent();

  it('switches FTP on and off, changes the device login (the agent signs in with it) and downloads the device log', async () => {
    const context = await browser.newContext({ viewport: desktop, locale: 'en-US' });
    const page = await context.newPage();
    const serial = maintained.serial;
    const login = { username: 'tutti-ops', password: 'Rotated-Login-2026' };
    try {
      await signIn(page, { baseUrl, adminEmail: email, adminPassword: password });
      await openDevice(page, serial);
      await expect.poll(() => status(page, serial), LIVE).toBe(healthy);

      await runFromMenu(page, 'op-ftp-on');
      expect(await outcome(page, serial, 'succeeded')).toContain(ftpOnNow);
      await backToDevice(page, serial);
      await expect
        .poll(() => page.getByTestId('device-detail-ftp').textContent(), LIVE)
        .toBe('On, reported by the device');

      await runFromMenu(page, 'op-ftp-off');
      expect(await outcome(page, serial, 'succeeded')).toContain(ftpOffNow);
      await backToDevice(page, serial);
      await expect
        .poll(() => page.getByTestId('device-detail-ftp').textContent(), LIVE)
        .toBe('Off, reported by the device');

      // A new username and password for the unit; the password is asked twice and never shown again.
      await runFromMenu(page, 'op-credentials');
      await page.getByTestId('credentials-username').fill(login.username);
      await page.getByTestId('credentials-password').fill(login.password);
      await page.getByTestId('credentials-repeat').fill(`${login.password}-typo`);
      expect(await page.getByTestId('start-credentials-job').isDisabled()).toBe(true);
      await page.getByTestId('credentials-repeat').fill(login.password);
      await page.getByTestId('start-credentials-job').click();
      expect(await outcome(page, serial, 'succeeded')).not.toContain(login.password);
      expect(await page.getByTestId('job-detail').textContent()).not.toContain(login.password);
      // The unit itself now refuses the factory login and takes the new one.
      const signInToUnit = (username: string, secret: string) =>
        connectDevice({ address: maintained.address, port: 2323, username, password: secret, discoveryPort: 50_123 });
      await expect(signInToUnit('clearone', 'converge')).rejects.toBeInstanceOf(DeviceLoginError);
      await (await signInToUnit(login.username, login.password)).close();

      // The unit drops off and comes back: the agent must sign in again, with the new login, to show it Healthy.
      await backToDevice(page, serial);
      await expect.poll(() => status(page, serial), LIVE).toBe(healthy);
      await simulator.device(serial)!.goDown();
      await expect.poll(() => status(page, serial), LIVE).not.toBe(healthy);
      await simulator.device(serial)!.comeBack();
      await expect.poll(() => status(page, serial), LIVE).toBe(healthy);

      // The device log, collected from the device page: its download on the job, and on the device page.
      await page.getByTestId('collect-logs').click();
      await outcome(page, serial, 'succeeded');
      await page.getByTestId('download-job-logs').waitFor();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('download-target-log').click(),
      ]);
      expect(download.suggestedFilename()).toContain(serial);
      const log = readFileSync(await download.path(), 'utf8');
      expect(log).toContain('NETWORK FTP_ENABLE set to 1');
      expect(log).toContain('NETWORK FTP_ENABLE set to 0');
      expect(log).toContain(`SECURITY login credentials changed (username ${login.username})`);
      expect(log).toMatch(new RegExp(`LOGIN ${login.username} signed in from`));
      expect(log).not.toContain(login.password);
      await shot(page, 'device-maintenance-job-en-desktop');

      await backToDevice(page, serial);
      await page.getByTestId('download-device-logs').waitFor();
      expect(await status(page, serial)).toBe(healthy);
      await page.getByTestId('device-logs').scrollIntoViewIfNeeded();
      await shot(page, 'device-maintenance-en-desktop');
    } finally {
      await context.close();
    }
  }, 120_000);

  it('uploads, renames and deletes library files; a file a running job loads is refused, translated', async () => {
    const lobby = project('Lobby1', 2);
    const stored = await api.uploadConfiguration({
      fileName: 'Lobby.pccp2x',
      sha256: sha256Hex(lobby),
      contentBase64: lobby.toString('base64'),
    });
    const context = await browser.newContext({ viewport: desktop, locale: 'en-US' });
    const page = await context.newPage();
    const openLibrary = async () => {
      await openSection(page, 'backups');
      await page.getByTestId('tab-library').click();
      await page.getByTestId('configurations-table').waitFor();
    };
    const row = (id: string) =>
      page.getByTestId('configurations-table').locator('tr', { has: page.getByTestId(`rename-configuration-${id}`) });
    try {
      await signIn(page, { baseUrl, adminEmail: email, adminPassword: password });
      await openLibrary();
      await row(stored.id).waitFor();

      // Upload: the browser computes the file's checksum, the hub reads the model from the project.
      await page.getByTestId('upload-configuration').click();
      await page
        .getByRole('dialog')
        .locator('input[type="file"]')
        .setInputFiles({ name: 'Boardroom.pccp2x', mimeType: 'application/zip', buffer: project(loader.boxName, 1) });
      await expect.poll(() => page.getByTestId('configuration-sha256').inputValue(), LIVE).toMatch(/^[0-9a-f]{64}$/);
      await page.getByTestId('upload-configuration-submit').click();
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
      let boardroomId = '';
      await until(async () => {
        boardroomId = (await api.listConfigurations()).items.find((item) => item.name === 'Boardroom.pccp2x')?.id ?? '';
        return boardroomId !== '';
      }, 200);
      await expect.poll(() => row(boardroomId).textContent(), LIVE).toContain('CONVERGE Pro 2 128');

      // Rename.
      await page.getByTestId(`rename-configuration-${boardroomId}`).click();
      await page.getByTestId('configuration-name').fill('Boardroom v2');
      await page.getByTestId('configuration-change-submit').click();
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
      await expect.poll(() => row(boardroomId).locator('td').first().textContent(), LIVE).toBe('Boardroom v2');

      // A job loads the renamed file onto a unit (the simulated load outlasts this test).
      await openDevice(page, loader.serial);
      await runFromMenu(page, 'op-config-load');
      await page.getByTestId('configuration-select').click();
      await page.getByRole('option', { name: 'Boardroom v2 — CONVERGE Pro 2 128', exact: true }).click();
      await page.getByTestId('start-config-load').click();
      await expect
        .poll(() => page.getByTestId(`target-row-${loader.serial}`).getAttribute('data-state'), LIVE)
        .toBe('running');

      // Deleting it now is refused with the reason; the file stays.
      await openLibrary();
      await page.getByTestId(`delete-configuration-${boardroomId}`).click();
      await page.getByTestId('configuration-change-submit').click();
      await expect.poll(() => page.getByTestId('configuration-change-error').textContent(), LIVE).toBe(inUse.en);
      await shot(page, 'configurations-in-use-en-desktop');
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
      await row(boardroomId).waitFor();

      // A file no job loads is deleted.
      await page.getByTestId(`delete-configuration-${stored.id}`).click();
      await page.getByTestId('configuration-change-submit').click();
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
      await row(stored.id).waitFor({ state: 'detached' });
      expect((await api.listConfigurations()).items.map((item) => item.name)).toEqual(['Boardroom v2']);
      await shot(page, 'configurations-en-desktop');
      await expectAccessible(page, 'configuration library');

      // The refusal in Arabic, right to left.
      await chooseLanguage(page, 'ar');
      await expect.poll(() => page.locator('html').getAttribute('dir'), LIVE).toBe('rtl');
      await page.getByTestId(`delete-configuration-${boardroomId}`).click();
      await page.getByTestId('configuration-change-submit').click();
      await expect.poll(() => page.getByTestId('configuration-change-error').textContent(), LIVE).toBe(inUse.ar);
      await shot(page, 'configurations-in-use-ar-desktop');
      await row(boardroomId).waitFor();
    } finally {
      await context.close();
    }
  }, 120_000);
});
