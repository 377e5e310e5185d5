import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { sql } from 'drizzle-orm';
import { AGENT_LINK_PATH, agentLinkCloseCodes, type AgentEvent, type HubMessage } from '@tutti/protocol';
import { rowsOf } from '../db/index.ts';
import { makeAgent, makeDeviceReport, makeOrg, makeUser, TEST_PASSWORD } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';
import { ingestAgentEvents } from './agents.service.ts';

let hub: TestHub;
let agentName: string;

beforeAll(async () => {
  hub = await startTestHub({ listen: true });
  const org = await makeOrg(hub.database.db);
  agentName = (await makeAgent(hub.database.db, org.id)).name;
});
afterAll(async () => hub?.close());

interface Link {
  socket: WebSocket;
  messages: HubMessage[];
  closed: Promise<number>;
  next(type: HubMessage['type']): Promise<HubMessage>;
}

async function openLink(): Promise<Link> {
  const socket = new WebSocket(`${hub.url().replace('http', 'ws')}${AGENT_LINK_PATH}`);
  const messages: HubMessage[] = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as HubMessage);
    waiters.splice(0).forEach((wake) => wake());
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return {
    socket,
    messages,
    closed,
    async next(type) {
      for (;;) {
        const found = messages.find((message) => message.type === type);
        if (found) {
          messages.splice(messages.indexOf(found), 1);
          return found;
        }
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

const hello = (password: string, name = agentName) =>
  JSON.stringify({ type: 'hello', protocol: 1, agentName: name, password, version: 'test' });

describe('agent link', () => {
  it('rejects a wrong password with an error and close code 4001', async () => {
    const link = await openLink();
    link.socket.send(hello('Wrong-password-1!'));
    expect(await link.next('error')).toMatchObject({ code: 'AGENT_AUTH_FAILED' });
    expect(await link.closed).toBe(agentLinkCloseCodes.authFailed);
  });

  it.each([
    ['not JSON', '{{{'],
    ['an unknown message type', JSON.stringify({ type: 'launch' })],
    ['events before hello', JSON.stringify({ type: 'events', events: [] })],
    [
      'a hello with wrong types',
      JSON.stringify({ type: 'hello', protocol: 1, agentName: 5, password: [], version: 1 }),
    ],
  ])('closes the link on %s and keeps serving', async (_name, frame) => {
    const link = await openLink();
    link.socket.send(frame);
    expect(await link.closed).toBe(agentLinkCloseCodes.protocolError);
    const health = await fetch(`${hub.url()}/health/ready`);
    expect(health.status).toBe(200);
  });

  it('welcomes a good agent, acknowledges after storing, and ignores a resent batch', async () => {
    const link = await openLink();
    link.socket.send(hello(TEST_PASSWORD));
    const welcome = await link.next('welcome');
    expect(welcome).toMatchObject({ type: 'welcome', lastSeq: 0 });
    const device = makeDeviceReport();
    const events: AgentEvent[] = [
      { seq: 1, at: new Date().toISOString(), kind: 'device.seen', device },
      {
        seq: 2,
        at: new Date().toISOString(),
        kind: 'device.status',
        serial: device.serial,
        status: 'down',
        since: new Date().toISOString(),
      },
    ];
    link.socket.send(JSON.stringify({ type: 'events', events }));
    expect(await link.next('ack')).toEqual({ type: 'ack', upTo: 2 });
    link.socket.send(JSON.stringify({ type: 'events', events }));
    expect(await link.next('ack')).toEqual({ type: 'ack', upTo: 2 });
    const stored = rowsOf<{ count: number }>(
      await hub.database.db.execute(
        sql`SELECT count(*)::int AS count FROM device_events WHERE serial = ${device.serial}`,
      ),
    );
    expect(stored[0]!.count).toBe(2);
    link.socket.close();
  });

  it('refuses events out of seq order within a batch', async () => {
    const org = await makeOrg(hub.database.db);
    const agent = await makeAgent(hub.database.db, org.id);
    const device = makeDeviceReport();
    await expect(
      ingestAgentEvents(hub.database.db, agent, [
        { seq: 5, at: new Date().toISOString(), kind: 'device.seen', device },
        { seq: 4, at: new Date().toISOString(), kind: 'device.lost', serial: device.serial },
      ]),
    ).rejects.toMatchObject({ code: 'AGENT_PROTOCOL_ERROR' });
  });

  it('folds a batch into the latest device state: seen, status changes, then lost', async () => {
    const org = await makeOrg(hub.database.db);
    const agent = await makeAgent(hub.database.db, org.id);
    const device = makeDeviceReport();
    const at = new Date().toISOString();
    await ingestAgentEvents(hub.database.db, agent, [
      { seq: 1, at, kind: 'device.seen', device },
      { seq: 2, at, kind: 'device.status', serial: device.serial, status: 'overheating', since: at },
      { seq: 3, at, kind: 'device.status', serial: device.serial, status: 'safety_mute_on', since: at },
    ]);
    const state = async () =>
      rowsOf<{ status: string; lost: boolean }>(
        await hub.database.db.execute(
          sql`SELECT status, lost_at IS NOT NULL AS lost FROM devices WHERE serial = ${device.serial}`,
        ),
      )[0];
    expect(await state()).toEqual({ status: 'safety_mute_on', lost: false });
    await ingestAgentEvents(hub.database.db, agent, [{ seq: 4, at, kind: 'device.lost', serial: device.serial }]);
    expect(await state()).toEqual({ status: 'down', lost: true });
    await ingestAgentEvents(hub.database.db, agent, [{ seq: 5, at, kind: 'device.seen', device }]);
    expect(await state()).toEqual({ status: 'healthy', lost: false });
  });

  it('names the devices of a resent batch again, so the live feed republishes what the first attempt committed', async () => {
    const org = await makeOrg(hub.database.db);
    const agent = await makeAgent(hub.database.db, org.id);
    const other = await makeAgent(hub.database.db, org.id);
    const device = makeDeviceReport();
    const at = new Date().toISOString();
    const batch = [
      { seq: 1, at, kind: 'device.seen' as const, device },
      { seq: 2, at, kind: 'device.status' as const, serial: device.serial, status: 'overheating' as const, since: at },
    ];
    const first = await ingestAgentEvents(hub.database.db, agent, batch);
    expect(first.changedDeviceIds).toHaveLength(1);
    // The ack was lost: the agent sends the batch again, and once more with one new event after it.
    const resent = await ingestAgentEvents(hub.database.db, agent, batch);
    expect(resent).toMatchObject({ lastSeq: 2, duplicates: 2, changedDeviceIds: first.changedDeviceIds });
    const overlapping = await ingestAgentEvents(hub.database.db, agent, [
      ...batch,
      {
        seq: 3,
        at,
        kind: 'agent.state',
        monitoring: 'active',
        subnetsEnabled: 1,
        subnetsTotal: 1,
        version: '1',
        deviceCount: 1,
      },
    ]);
    expect(overlapping).toMatchObject({ lastSeq: 3, duplicates: 2, changedDeviceIds: first.changedDeviceIds });
    // A device of another agent is not named by that agent's resent batch, even with the same serial.
    const stray = { ...batch[1]!, seq: 1 };
    await ingestAgentEvents(hub.database.db, other, [stray]);
    expect(await ingestAgentEvents(hub.database.db, other, [stray])).toMatchObject({
      duplicates: 1,
      changedDeviceIds: [],
    });
  });

  it('closes a live link at once with code 4005 when an admin disables the agent', async () => {
    const org = await makeOrg(hub.database.db);
    const admin = await makeUser(hub.database.db, org.id);
    const agent = await makeAgent(hub.database.db, org.id);
    const cookies = await signInCookies(hub.app, admin.email, admin.password);
    const link = await openLink();
    link.socket.send(hello(TEST_PASSWORD, agent.name));
    await link.next('welcome');

    const disabled = await hub.app.inject({
      method: 'PATCH',
      url: `/api/v1/servers/${agent.id}`,
      cookies,
      payload: { enabled: false },
    });
    expect(disabled.statusCode).toBe(200);
    expect(await link.closed).toBe(agentLinkCloseCodes.disabled);
    expect(link.messages).toContainEqual(expect.objectContaining({ type: 'error', code: 'AGENT_AUTH_FAILED' }));

    const again = await openLink();
    again.socket.send(hello(TEST_PASSWORD, agent.name));
    expect(await again.closed).toBe(agentLinkCloseCodes.authFailed);
  });
});
