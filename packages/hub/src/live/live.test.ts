import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { LIVE_PATH, SESSION_COOKIE, type LiveMessage } from '@tutti/protocol';
import { ingestAgentEvents } from '../agents/index.ts';
import { deviceDtosByIds } from '../devices/index.ts';
import { makeAgent, makeDeviceReport, makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub({ listen: true });
});
afterAll(async () => hub?.close());

function liveUrl() {
  return `${hub.url().replace('http', 'ws')}${LIVE_PATH}`;
}

/** Ingests like the agent link does: store, then publish the changed devices on the bus. */
async function report(
  orgId: string,
  agent: Awaited<ReturnType<typeof makeAgent>>,
  seq: number,
  serial: string,
  status: 'down' | 'healthy',
) {
  const device = makeDeviceReport({ serial, status });
  const result = await ingestAgentEvents(hub.database.db, agent, [
    { seq, at: new Date().toISOString(), kind: 'device.seen', device },
  ]);
  hub.context.bus.publish({ orgId, devices: await deviceDtosByIds(hub.database.db, orgId, result.changedDeviceIds) });
}

describe('/live', () => {
  it('refuses a browser without a session', async () => {
    const socket = new WebSocket(liveUrl());
    const status = await new Promise<number>((resolve) =>
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)),
    );
    expect(status).toBe(401);
  });

  it("pushes coalesced changes of the user's organization only", async () => {
    const db = hub.database.db;
    const orgA = await makeOrg(db);
    const orgB = await makeOrg(db);
    const user = await makeUser(db, orgA.id);
    const cookies = await signInCookies(hub.app, user.email, user.password);
    const socket = new WebSocket(liveUrl(), { headers: { cookie: `${SESSION_COOKIE}=${cookies[SESSION_COOKIE]}` } });
    const received: LiveMessage[] = [];
    socket.on('message', (data) => received.push(JSON.parse(String(data)) as LiveMessage));
    await new Promise((resolve) => socket.once('open', resolve));
    await expect.poll(() => received.some((m) => m.type === 'ready')).toBe(true);

    const agentA = await makeAgent(db, orgA.id);
    const agentB = await makeAgent(db, orgB.id);
    await report(orgB.id, agentB, 1, '0B00-0000-01', 'down');
    await report(orgA.id, agentA, 1, '0A00-0000-01', 'down');
    await report(orgA.id, agentA, 2, '0A00-0000-01', 'healthy');

    await expect
      .poll(() => received.flatMap((m) => (m.type === 'devices.changed' ? m.devices : [])).at(-1)?.status)
      .toBe('healthy');
    const devices = received.flatMap((m) => (m.type === 'devices.changed' ? m.devices : []));
    expect(devices.every((d) => d.serial === '0A00-0000-01')).toBe(true);
    socket.close();
  });
});
