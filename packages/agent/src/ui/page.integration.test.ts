import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../agent.ts';
import { parseAgentConfig } from '../config/agent-config.ts';
import { createFakeDriver, type FakeDriver } from '../test-support/fake-devices.ts';
import { waitFor } from '../test-support/wait-for.ts';
import { uiStrings } from './strings.ts';

// The fake driver opens no device socket; the subnet only has to be loopback.
const SUBNET = `127.33.${200 + Math.floor(Math.random() * 50)}.0`;
const DEVICES = 250;

let driver: FakeDriver;
let agent: Agent;
let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  driver = createFakeDriver();
  const prefix = SUBNET.slice(0, -2);
  for (let index = 0; index < DEVICES; index += 1) {
    driver.add({ serial: `8700-${String(index).padStart(4, '0')}-11`, ip: `${prefix}.${(index % 250) + 1}` });
  }
  dataDir = mkdtempSync(join(tmpdir(), 'tutti-agent-page-'));
  agent = createAgent({
    config: parseAgentConfig({
      dataDir,
      uiPort: 0,
      scanIntervalSeconds: 60,
      subnets: [{ subnet: SUBNET, enabled: true }],
      deviceRetry: { initialMs: 10, maxMs: 50 },
    }),
    driver,
    logger: pino({ level: 'silent' }),
  });
  await agent.start();
  await waitFor(() => agent.status().devices.filter((device) => device.status === 'healthy').length === DEVICES);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser.close();
  await agent.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const rowCount = (page: Page) => page.locator('#device-rows tr').count();

const text = async (page: Page, selector: string) => (await page.locator(selector).textContent()) ?? '';
const htmlAttribute = (page: Page, name: string) => page.locator('html').getAttribute(name);

describe('the local UI page in a browser', () => {
  it('shows one page of devices and updates a changed row in place', async () => {
    const page = await browser.newPage();
    await page.goto(`${agent.uiUrl}/?lang=en`);
    await waitFor(async () => (await rowCount(page)) === 100);
    expect(await text(page, '#page-range')).toBe('1–100 of 250');
    // Tag every row node: a full rebuild would lose the tags.
    await page.evaluate("for (const row of document.querySelectorAll('#device-rows tr')) row.dataset.tagged = '1'");
    driver.setState(agent.status().devices[3]!.serial, { locate: true });
    const locateLabel = uiStrings.en.deviceStatuses.locate_light_on;
    await waitFor(async () => (await page.locator('#device-rows tr').nth(3).textContent())?.includes(locateLabel));
    expect(await page.locator('#device-rows tr[data-tagged]').count()).toBe(100);

    await page.click('#page-next');
    await waitFor(async () => (await text(page, '#page-range')) === '101–200 of 250');
    await page.click('#page-next');
    await waitFor(async () => (await text(page, '#page-range')) === '201–250 of 250');
    expect(await rowCount(page)).toBe(50);
    await page.fill('#device-filter', '8700-0003');
    await waitFor(async () => (await rowCount(page)) === 1);
    await page.close();
  });

  it('switches language, right-to-left for Arabic, and remembers the choice', async () => {
    const page = await browser.newPage();
    await page.goto(`${agent.uiUrl}/?lang=en`);
    await waitFor(async () => (await rowCount(page)) > 0);
    await page.selectOption('#language', 'ar');
    expect([await htmlAttribute(page, 'lang'), await htmlAttribute(page, 'dir')]).toEqual(['ar', 'rtl']);
    expect(await text(page, '#devices-title')).toBe(uiStrings.ar.sectionDevices);
    await waitFor(async () => (await text(page, '#device-rows')).includes(uiStrings.ar.deviceStatuses.healthy));
    // Digits stay Western in Arabic.
    expect(await text(page, '#page-range')).toBe('1–100 من 250');
    await page.goto(`${agent.uiUrl}/`);
    await waitFor(async () => (await htmlAttribute(page, 'dir')) === 'rtl');
    expect(await text(page, 'h1')).toBe(uiStrings.ar.title);
    await page.close();
  });
});
