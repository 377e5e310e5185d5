import { readFileSync } from 'node:fs';
import { createApiClient, type ApiClient } from '@tutti/client';
import type { LocationDto } from '@tutti/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../harness.ts';
import {
  desktop,
  phone,
  launchBrowser,
  shot,
  signIn,
  openSection,
  expectAccessible,
  closeDialogWithEscape,
} from './support.ts';

// What a user reads, written out here on purpose: the test checks the screen, not the translation files.
const words = {
  en: {
    toParent: 'Its devices move to \u2068Virginia\u2069.',
    unassigned: 'Its devices are left without a location.',
    twoDevices: '2 devices',
  },
  ar: {
    toParent: 'تُنقل أجهزته إلى \u2068Virginia\u2069.',
    unassigned: 'تبقى أجهزته بلا موقع.',
    twoDevices: 'جهازان',
  },
};

describe('locations, the dashboard tree and the device list tools in the browser', () => {
  let stack: TestStack;
  let browser: Browser;
  let client: ApiClient;
  let boardroom: LocationDto;
  let virginia: LocationDto;

  beforeAll(async () => {
    stack = await startTestStack({ devicesPerSubnet: 3 });
    browser = await launchBrowser();
    await stack.waitForDevices(stack.simulator.devices().length);
    client = createApiClient({ baseUrl: stack.baseUrl, keepCookies: true });
    await client.signIn({ email: stack.adminEmail, password: stack.adminPassword });
    virginia = await client.createLocation({ name: 'Virginia', kind: 'building' });
    await client.createLocation({ name: "Terry's Demo Kit", kind: 'room', parentId: virginia.id });
    const florida = await client.createLocation({ name: 'Florida', kind: 'other' });
    const miami = await client.createLocation({ name: 'Miami HQ', kind: 'building', parentId: florida.id });
    const floor = await client.createLocation({ name: 'Floor 3', kind: 'floor', parentId: miami.id });
    boardroom = await client.createLocation({ name: 'Boardroom', kind: 'room', parentId: floor.id });
    const devices = await client.listDevices({ sort: 'serial', limit: 2 });
    await client.assignLocation({ locationId: boardroom.id, deviceIds: devices.items.map((device) => device.id) });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function total(page: Page): Promise<string | undefined> {
    return (await page.getByTestId('devices-total').textContent())?.match(/\d+/)?.[0];
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
        await signIn(page, stack, { language });

        // Dashboard: the tree rolls the Boardroom's devices up to Florida; its total opens the filtered list.
        await page.getByTestId('dashboard-locations').waitFor();
        const boardroomCount = (await client.listLocations()).items.find((item) => item.id === boardroom.id)!.devices;
        // The link reads "2" and tells screen readers what it opens.
        await expect
          .poll(async () => (await page.getByTestId('location-count-total-Florida').textContent())?.match(/^\d+/)?.[0])
          .toBe(String(boardroomCount.total));
        await shot(page, `dashboard-locations-${language}-${label}`);
        await expectAccessible(page, 'dashboard');
        await page.getByTestId('location-count-total-Boardroom').click();
        await expect.poll(() => new URL(page.url()).searchParams.get('location')).toBe(boardroom.id);
        expect(boardroomCount.total).toBe(2);
        await expect.poll(() => page.getByTestId('devices-total').textContent()).toBe(words[language].twoDevices);
        await expectAccessible(page, 'devices');

        // Locations: add a room, then delete it; the dialog says where its devices go.
        await openSection(page, 'locations');
        await page.getByTestId('location-tree').waitFor();
        const room = `Lab ${language} ${label}`;
        await page.getByTestId('location-actions-Virginia').click();
        await page.getByTestId('location-add-child-Virginia').click();
        await page.getByTestId('location-name').fill(room);
        await page.getByTestId('location-save').click();
        await page.getByTestId(`location-row-${room}`).waitFor();
        await shot(page, `locations-${language}-${label}`);
        await expectAccessible(page, 'locations');
        await page.getByTestId(`location-actions-${room}`).click();
        await page.getByTestId(`location-delete-${room}`).click();
        await expect
          .poll(() => page.getByTestId('delete-devices-fallback').textContent())
          .toBe(words[language].toParent);
        await shot(page, `locations-delete-${language}-${label}`);
        await page.getByTestId('location-delete-confirm').click();
        await page.getByTestId(`location-row-${room}`).waitFor({ state: 'detached' });

        await page.getByTestId('location-actions-Florida').click();
        await page.getByTestId('location-delete-Florida').click();
        await expect
          .poll(() => page.getByTestId('delete-devices-fallback').textContent())
          .toBe(words[language].unassigned);
        await closeDialogWithEscape(page);

        // Help for this screen opens with the locations topic expanded.
        await page.getByTestId('help-link-locations').click();
        await expect.poll(() => new URL(page.url()).searchParams.get('screen')).toBe('locations');
        await expect
          .poll(() =>
            page.getByTestId('help-topic-locations').locator('[aria-expanded]').first().getAttribute('aria-expanded'),
          )
          .toBe('true');
        await shot(page, `help-${language}-${label}`);
        await expectAccessible(page, 'help');

        // Downloads: the harness hub publishes no Local Agent package, and the page says so instead of a fake link.
        await openSection(page, 'downloads');
        await page.getByTestId('downloads-none').waitFor();
        await expect
          .poll(() => page.getByTestId('downloads-install-command').textContent())
          .toContain(`--hub ${stack.baseUrl}`);
        await shot(page, `downloads-${language}-${label}`);
        await expectAccessible(page, 'downloads');
      } finally {
        await context.close();
      }
    });
  }

  it('assigns devices in bulk from the device list, chooses columns and exports the view as CSV', async () => {
    const context = await browser.newContext({ viewport: desktop, locale: 'en-US', acceptDownloads: true });
    const page = await context.newPage();
    try {
      await signIn(page, stack);
      await page.goto(`${stack.baseUrl}/devices?location=none`);
      const unassigned = await client.listDevices({ location: 'none', sort: 'name', limit: 2 });
      await page.getByTestId(`device-row-${unassigned.items[0]!.serial}`).waitFor();
      for (const device of unassigned.items) {
        await page.getByTestId(`device-row-${device.serial}`).locator('input[type="checkbox"]').check();
      }
      await page.getByTestId('assign-location').click();
      await page.getByTestId('assign-location-select').click();
      await page.getByRole('option', { name: "Virginia > Terry's Demo Kit" }).click();
      await shot(page, 'devices-assign-location-en-desktop');
      await page.getByTestId('assign-location-confirm').click();
      await expect
        .poll(async () => (await client.listDevices({ location: virginia.id })).total)
        .toBe(unassigned.items.length);

      await page.goto(`${stack.baseUrl}/devices?location=${virginia.id}`);
      await expect.poll(() => total(page)).toBe(String(unassigned.items.length));
      await expect
        .poll(() => page.getByTestId(`device-row-${unassigned.items[0]!.serial}`).textContent())
        .toContain("Virginia > Terry's Demo Kit");

      // Hide the serial column and move MAC in; the choice survives a reload.
      await page.getByTestId('column-chooser').click();
      await page.getByTestId('column-toggle-serial').click();
      await page.getByTestId('column-toggle-mac').click();
      await shot(page, 'devices-columns-en-desktop');
      await page.keyboard.press('Escape');
      await page.reload();
      await page.getByTestId(`device-row-${unassigned.items[0]!.serial}`).waitFor();
      const headers = await page.locator('thead th').allTextContents();
      expect(headers).toContain('MAC');
      expect(headers).not.toContain('Serial #');

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('devices-export').click()]);
      const csv = readFileSync(await download.path(), 'utf8')
        .trim()
        .split('\n');
      expect(csv[0]).toContain('MAC');
      expect(csv[0]).not.toContain('Serial Number');
      expect(csv).toHaveLength(unassigned.items.length + 1);
      expect(csv[1]).toContain("Virginia > Terry's Demo Kit");

      // Only devices with a newer firmware in the catalog: this hub's catalog is empty.
      const chip = page.getByTestId('update-available-filter');
      await page.locator(`label[for="${await chip.getAttribute('id')}"]`).click();
      await expect.poll(() => new URL(page.url()).searchParams.get('updateAvailable')).toBe('true');
      await expect.poll(() => total(page)).toBe('0');
    } finally {
      await context.close();
    }
  });

  it('drags devices onto a room, and on an Arabic phone assigns them without dragging', async () => {
    // Three devices, taken out of any location first.
    const [first, second, third] = (await client.listDevices({ sort: 'name', limit: 3 })).items;
    expect(third).toBeDefined();
    await client.assignLocation({ locationId: null, deviceIds: [first!.id, second!.id, third!.id] });
    const before = (await client.listDevices({ location: boardroom.id })).total;

    const context = await browser.newContext({ viewport: desktop, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await signIn(page, stack);
      await openSection(page, 'locations');
      // Dragging one of the selected rows takes the whole selection along.
      await page.getByTestId(`drag-device-${first!.serial}`).getByRole('checkbox').check();
      await page.getByTestId(`drag-device-${second!.serial}`).getByRole('checkbox').check();
      await page.getByTestId(`drag-device-${first!.serial}`).dragTo(page.getByTestId('location-row-Boardroom'));
      await expect
        .poll(() => page.getByTestId('location-devices-done').textContent())
        .toBe('Devices moved to \u2068Florida > Miami HQ > Floor 3 > Boardroom\u2069: 2');
      expect((await client.listDevices({ location: boardroom.id })).total).toBe(before + 2);
      await page.getByTestId(`drag-device-${first!.serial}`).waitFor({ state: 'detached' });
      await shot(page, 'locations-drag-en-desktop');
    } finally {
      await context.close();
    }

    const phoneContext = await browser.newContext({ viewport: phone, locale: 'en-US' });
    const phonePage = await phoneContext.newPage();
    try {
      await signIn(phonePage, stack, { language: 'ar' });
      await openSection(phonePage, 'locations');
      await phonePage.getByTestId(`drag-device-${third!.serial}`).getByRole('checkbox').check();
      await phonePage.getByTestId('location-devices-assign').click();
      await phonePage.getByTestId('assign-location-select').click();
      await phonePage.getByRole('option', { name: "Virginia > Terry's Demo Kit" }).click();
      await phonePage.getByTestId('assign-location-confirm').click();
      await expect
        .poll(async () => (await client.listDevices({ location: virginia.id })).items.map((device) => device.id))
        .toContain(third!.id);
      await phonePage.getByTestId(`drag-device-${third!.serial}`).waitFor({ state: 'detached' });
      await shot(phonePage, 'locations-devices-ar-phone');
    } finally {
      await phoneContext.close();
    }
  });
});
