import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApiClient } from '@tutti/client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../harness.ts';
import { screenshotsDir, desktop, launchBrowser, signIn, expectAccessible } from './support.ts';

// What a user reads, written out here on purpose: the test checks the screen, not the translation files.
const words = {
  acknowledgedOne: '1 alert acknowledged.',
  linkUsed: 'The acknowledge link is not valid or was already used.',
  acknowledged: 'Acknowledged',
  sent: 'Sent',
  noSmtp: 'No SMTP server is configured on this hub.',
};

/** A Slack incoming webhook on 127.0.0.1: keeps the text of every message posted to it. */
async function startSlackReceiver(): Promise<{ url: string; texts: string[]; server: Server }> {
  const texts: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      texts.push(body);
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, texts, server };
}

describe('alerts in the browser', () => {
  let stack: TestStack;
  let browser: Browser;
  let slack: Awaited<ReturnType<typeof startSlackReceiver>>;

  beforeAll(async () => {
    slack = await startSlackReceiver();
    stack = await startTestStack({
      devicesPerSubnet: 1,
      hubConfig: {
        alerts: { evaluateSeconds: 1, deliverSeconds: 1, groupWaitSeconds: 1, allowLoopbackWebhooks: true },
      },
    });
    await stack.waitForDevices(1);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    slack?.server.close();
  });

  it('adds a rule, shows the alert and its messages, and acknowledges it once from the link in the message', async () => {
    const context = await browser.newContext({ viewport: desktop, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await signIn(page, stack);
      await page.getByTestId('nav-alerts').click();
      await page.getByTestId('tab-rules').click();
      await page.getByTestId('add-rule').click();
      await page.getByTestId('rule-name').fill('Overheating');
      await page.getByTestId('rule-statuses').click();
      await page.getByRole('option', { name: 'OVERHEATING!' }).click();
      await page.keyboard.press('Escape');
      await page.getByTestId('rule-minutes').fill('0');
      await page.getByTestId('rule-emails').fill('desk@example.test');
      await page.keyboard.press('Enter');
      await page.getByTestId('rule-slack').fill(slack.url);
      await page.keyboard.press('Enter');
      await page.getByTestId('rule-save').click();
      await page.getByTestId('rule-row-Overheating').waitFor();
      await page.screenshot({ path: join(screenshotsDir, 'alerts-rules-en-desktop.png') });
      await expectAccessible(page, 'alert rules');

      const device = stack.simulator.devices()[0]!;
      device.setTemperature(95);
      await page.getByTestId('tab-alerts').click();
      await expect.poll(() => slack.texts.length, { timeout: 20_000 }).toBe(1);
      expect(slack.texts[0]).toContain('OVERHEATING!');
      await page.getByTestId('alerts-table').waitFor();
      await page.screenshot({ path: join(screenshotsDir, 'alerts-en-desktop.png') });
      await expectAccessible(page, 'alerts');

      const token = /\/alerts\/acknowledge\?token=([A-Za-z0-9_-]+)/.exec(slack.texts[0]!)?.[1];
      expect(token).toBeTruthy();
      const link = `${stack.baseUrl}/alerts/acknowledge?token=${token}`;
      const ackPage = await context.newPage();
      await ackPage.goto(link);
      await ackPage.getByTestId('ack-confirm').click();
      await expect.poll(() => ackPage.getByTestId('ack-done').textContent()).toBe(words.acknowledgedOne);
      await ackPage.goto(link);
      await ackPage.getByTestId('ack-confirm').click();
      await expect.poll(() => ackPage.getByTestId('ack-error').textContent()).toBe(words.linkUsed);

      await page.reload();
      await expect.poll(() => page.getByTestId('alerts-table').textContent()).toContain(words.acknowledged);
      await page.getByTestId('tab-messages').click();
      // The Slack message went out; the email could not (this hub has no SMTP server), and the screen says why.
      await expect.poll(() => page.getByTestId('deliveries-table').textContent()).toContain(words.sent);
      await expect.poll(() => page.getByTestId('deliveries-table').textContent()).toContain(words.noSmtp);
      await page.screenshot({ path: join(screenshotsDir, 'alerts-messages-en-desktop.png') });
      await expectAccessible(page, 'alert messages');
      device.setTemperature(40);
    } finally {
      await context.close();
    }
  });

  it('shows maintenance in progress on the dashboard', async () => {
    const client = createApiClient({ baseUrl: stack.baseUrl, keepCookies: true });
    await client.signIn({ email: stack.adminEmail, password: stack.adminPassword });
    const now = Date.now();
    await client.createMaintenanceWindow({
      name: 'Projector swap',
      scope: { kind: 'organization' },
      schedule: {
        kind: 'once',
        startsAt: new Date(now - 60_000).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
      },
    });
    const context = await browser.newContext({ viewport: desktop, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await signIn(page, stack);
      await expect.poll(() => page.getByTestId('dashboard-maintenance').textContent()).toContain('Projector swap');
      await page.screenshot({ path: join(screenshotsDir, 'dashboard-maintenance-en-desktop.png') });
    } finally {
      await context.close();
    }
  });
});
