import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '@tutti/client';
import { createHub, createTestDatabase, ensureMember, ensureOrganization, type Database, type Hub } from '@tutti/hub';
import { webDistDir } from '../harness.ts';
import { screenshotsDir, launchBrowser, submitSignIn, expectAccessible } from './support.ts';

const password = 'Chat-pass-2026!';
const people = {
  ana: { email: 'ana@chat.tutti.test', name: 'Ana Support' },
  ben: { email: 'ben@chat.tutti.test', name: 'Ben Client' },
  dan: { email: 'dan@chat.tutti.test', name: 'Dan Away' },
};

/** What the test reads of the browser's RTCPeerConnection (this project's type library has no DOM). */
interface PeerConnection {
  connectionState: string;
  getStats(): Promise<Map<string, Record<string, unknown>>>;
}
interface PeerWindow {
  RTCPeerConnection: new (configuration?: unknown) => PeerConnection;
  peerConnections: PeerConnection[];
}

/**
 * Two people in two browser contexts of one Chromium: chat delivered live, kept across a hub restart, and a
 * WebRTC video call between them on loopback. Fake camera and microphone; the hub passes on only loopback ICE
 * candidates, so media never leaves 127.0.0.1.
 */
describe('chat and calls in two browsers', () => {
  let database: Database;
  let hub: Hub;
  let port = 0;
  let baseUrl = '';
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  async function startHub(): Promise<void> {
    hub = await createHub({
      database,
      config: {
        host: '127.0.0.1',
        port,
        logLevel: 'silent',
        webDir: webDistDir,
        iceLoopbackOnly: true,
        callRingSeconds: 3,
      },
    });
    baseUrl = await hub.start();
    port = Number(new URL(baseUrl).port);
  }

  async function signedInPage(who: keyof typeof people): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    contexts.push(context);
    // Keeps every peer connection the app makes, so the test can read its statistics.
    await context.addInitScript(() => {
      const scope = globalThis as unknown as PeerWindow;
      const Native = scope.RTCPeerConnection;
      const made: PeerConnection[] = [];
      scope.peerConnections = made;
      scope.RTCPeerConnection = class extends Native {
        constructor(configuration?: unknown) {
          super(configuration);
          made.push(this);
        }
      };
    });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/sign-in?redirect=%2Fchat`);
    await submitSignIn(page, people[who].email, password);
    await page.waitForURL(/\/chat/);
    return page;
  }

  /** The app's latest peer connection: its state and what it received. */
  function mediaStats(page: Page) {
    return page.evaluate(async () => {
      const made = (globalThis as unknown as PeerWindow).peerConnections;
      const connection = made.at(-1);
      if (!connection) return { state: 'none', bytes: 0, frames: 0, addresses: [] as string[] };
      let bytes = 0;
      let frames = 0;
      const stats = await connection.getStats();
      const reports = [...stats.values()];
      for (const report of reports) {
        if (report.type === 'inbound-rtp') {
          bytes += Number(report.bytesReceived ?? 0);
          frames += Number(report.framesDecoded ?? 0);
        }
      }
      // Candidates the other side signalled through the hub (peer-reflexive ones are learned on the wire).
      const addresses = reports
        .filter((report) => report.type === 'remote-candidate' && report.candidateType === 'host')
        .map((report) => String(report.address));
      return { state: connection.connectionState, bytes, frames, addresses };
    });
  }

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    const org = await ensureOrganization(database.db, { name: 'Chat Organization', kind: 'client' }, 'test');
    for (const person of Object.values(people)) {
      await ensureMember(database.db, { orgId: org.id, ...person, password, role: 'technician' }, 'test');
    }
    await startHub();
    browser = await launchBrowser([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--allow-loopback-in-peer-connection',
    ]);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await hub?.close();
    await database?.close();
  });

  let ana: Page;
  let ben: Page;

  it('delivers messages live with an unread badge and a typing indicator, and keeps them across a hub restart', async () => {
    ana = await signedInPage('ana');
    ben = await signedInPage('ben');
    await ana.getByTestId('new-channel-name').fill('Boardroom');
    await ana.getByTestId('new-channel').click();
    await expect.poll(() => ana.getByTestId('thread-title').textContent()).toBe('Boardroom');
    await ana.getByTestId('composer').fill('The boardroom mixer shows OVERHEATING');
    await ana.getByTestId('send').click();

    // Ben did not open the channel: it arrives with an unread badge, without a reload.
    const channel = ben.getByTestId('conversation').filter({ hasText: 'Boardroom' });
    await expect.poll(() => channel.getByTestId('unread-badge').textContent()).toBe('1');
    await channel.click();
    await expect.poll(() => ben.getByTestId('message-body').last().textContent()).toContain('mixer shows OVERHEATING');
    await expect.poll(() => channel.getByTestId('unread-badge').count()).toBe(0);

    await ben.getByTestId('composer').pressSequentially('On my');
    await expect.poll(() => ana.getByTestId('typing').textContent()).toContain(people.ben.name);
    await ben.getByTestId('composer').fill('On my way, rebooting it now');
    await ben.getByTestId('composer').press('Enter');
    await expect.poll(() => ana.getByTestId('message-body').last().textContent()).toBe('On my way, rebooting it now');
    await ana.screenshot({ path: join(screenshotsDir, 'chat.png') });
    await expectAccessible(ana, 'chat');

    await hub.close();
    await startHub();
    await ben.reload();
    await expect
      .poll(() => ben.getByTestId('message-body').allTextContents())
      .toEqual(['The boardroom mixer shows OVERHEATING', 'On my way, rebooting it now']);
    // The sockets reconnect to the new node: live delivery works again.
    await ana.reload();
    await ana.getByTestId('composer').fill('Thanks!');
    await ana.getByTestId('send').click();
    await expect.poll(() => ben.getByTestId('message-body').last().textContent(), { timeout: 15_000 }).toBe('Thanks!');
  });

  it('connects a video call on loopback, with media flowing both ways, and hangs up cleanly', async () => {
    await ana.getByTestId('message-person').click();
    await ana.getByRole('option', { name: new RegExp(people.ben.name) }).click();
    await expect.poll(() => ana.getByTestId('thread-title').textContent()).toBe(people.ben.name);
    await ana.getByTestId('start-video-call').click();
    await ben.getByTestId('accept-call').click();

    for (const page of [ana, ben]) {
      await expect
        .poll(() => page.getByTestId('call-connection').getAttribute('data-connection'), { timeout: 20_000 })
        .toBe('connected');
      await expect
        .poll(
          async () => {
            const stats = await mediaStats(page);
            return stats.state === 'connected' && stats.bytes > 10_000 && stats.frames > 5;
          },
          { timeout: 20_000 },
        )
        .toBe(true);
      const { addresses } = await mediaStats(page);
      expect(addresses.length).toBeGreaterThan(0);
      expect(addresses.filter((address) => !address.startsWith('127.') && address !== '::1')).toEqual([]);
    }
    await ben.screenshot({ path: join(screenshotsDir, 'call.png') });

    await ana.getByTestId('hang-up').click();
    await expect.poll(() => ben.getByTestId('call-view').count()).toBe(0);
    await expect.poll(() => ben.getByTestId('call-notice').textContent()).toContain(people.ana.name);
    expect(await mediaStats(ben)).toMatchObject({ state: 'closed' });
    expect(await ana.getByTestId('call-view').count()).toBe(0);
  });

  it('logs a call to someone who is not online as missed', async () => {
    await ana.getByTestId('message-person').click();
    await ana.getByRole('option', { name: new RegExp(people.dan.name) }).click();
    await expect.poll(() => ana.getByTestId('thread-title').textContent()).toBe(people.dan.name);
    await ana.getByTestId('start-audio-call').click();
    await expect.poll(() => ana.getByTestId('call-view').getAttribute('data-state')).toBe('ringing');
    await expect
      .poll(() => ana.getByTestId('call-notice').textContent(), { timeout: 10_000 })
      .toContain(people.dan.name);

    const client = createApiClient({ baseUrl, keepCookies: true });
    await client.signIn({ email: people.dan.email, password });
    const [latest] = (await client.listCalls()).items;
    expect(latest).toMatchObject({ state: 'missed', media: 'audio', caller: { name: people.ana.name } });
  });
});
