import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  CHAT_SOCKET_PATH,
  SESSION_COOKIE,
  type CallList,
  type ChatServerMessage,
  type MessageHistory,
} from '@tutti/protocol';
import { createHub } from '../hub.ts';
import { rowsOf, withTenant } from '../db/index.ts';
import { makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';

let hub: TestHub;
interface Person {
  cookies: Record<string, string>;
  userId: string;
}
let clientOrgId: string;
let client: Person;
let support: Person;
let outsider: Person;

async function signIn(email: string, password: string, orgId?: string): Promise<Person> {
  const cookies = await signInCookies(hub.app, email, password);
  if (orgId) {
    const switched = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/auth/switch-organization',
      cookies,
      payload: { organizationId: orgId },
    });
    expect(switched.statusCode).toBe(200);
  }
  const me = await hub.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies });
  return { cookies, userId: me.json<{ user: { id: string } }>().user.id };
}

const api = (person: Person, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  hub.app.inject({ method, url: `/api/v1${url}`, cookies: person.cookies, ...(payload ? { payload } : {}) });

function openSocket(person: Person) {
  const socket = new WebSocket(`${hub.url().replace('http', 'ws')}${CHAT_SOCKET_PATH}`, {
    headers: { cookie: `${SESSION_COOKIE}=${person.cookies[SESSION_COOKIE]}` },
  });
  const received: ChatServerMessage[] = [];
  socket.on('message', (data) => received.push(JSON.parse(String(data)) as ChatServerMessage));
  return { socket, received, ready: () => expect.poll(() => received.some((m) => m.type === 'ready')).toBe(true) };
}

beforeAll(async () => {
  hub = await startTestHub({ listen: true, config: { callRingSeconds: 1, iceLoopbackOnly: true } });
  const db = hub.database.db;
  const supportOrg = await makeOrg(db, { kind: 'support' });
  const clientOrg = await makeOrg(db, { kind: 'client', parentId: supportOrg.id });
  const otherOrg = await makeOrg(db);
  clientOrgId = clientOrg.id;
  const clientUser = await makeUser(db, clientOrg.id, { role: 'technician' });
  // A support person granted access to the client organization.
  const supportUser = await makeUser(db, supportOrg.id);
  await makeUser(db, clientOrg.id, { email: supportUser.email, role: 'technician' });
  const outsiderUser = await makeUser(db, otherOrg.id);
  client = await signIn(clientUser.email, clientUser.password);
  support = await signIn(supportUser.email, supportUser.password, clientOrg.id);
  outsider = await signIn(outsiderUser.email, outsiderUser.password);
});
afterAll(async () => hub?.close());

describe('chat', () => {
  let channelId = '';

  it('delivers a message live to the other side, with mentions, unread counts and a read marker', async () => {
    const created = await api(client, 'POST', '/chat/conversations', { kind: 'channel', title: 'Support' });
    expect(created.statusCode).toBe(201);
    channelId = created.json<{ id: string }>().id;
    const live = openSocket(support);
    await live.ready();

    const posted = await api(client, 'POST', `/chat/conversations/${channelId}/messages`, {
      body: 'The boardroom mixer is down, can you look?',
      mentions: [support.userId, outsider.userId],
    });
    expect(posted.statusCode).toBe(201);
    // A person outside the organization cannot be mentioned.
    expect(posted.json().mentions).toEqual([support.userId]);
    await expect
      .poll(() => live.received.find((m) => m.type === 'message.created'))
      .toMatchObject({ message: { body: 'The boardroom mixer is down, can you look?', conversationId: channelId } });

    const listed = await api(support, 'GET', '/chat/conversations');
    expect(listed.json().items).toEqual([
      expect.objectContaining({ id: channelId, kind: 'channel', title: 'Support', unread: 1, unreadMentions: 1 }),
    ]);
    const read = await api(support, 'POST', `/chat/conversations/${channelId}/read`, { messageId: posted.json().id });
    expect(read.statusCode).toBe(204);
    expect((await api(support, 'GET', '/chat/conversations')).json().items[0]).toMatchObject({
      unread: 0,
      unreadMentions: 0,
    });
    live.socket.close();
  });

  it('relays typing to the other people of the conversation', async () => {
    const live = openSocket(client);
    await live.ready();
    const typist = openSocket(support);
    await typist.ready();
    typist.socket.send(JSON.stringify({ type: 'typing', conversationId: channelId }));
    await expect
      .poll(() => live.received.find((m) => m.type === 'typing'))
      .toMatchObject({ conversationId: channelId, userId: support.userId });
    live.socket.close();
    typist.socket.close();
  });

  it('searches history and pages back with a cursor', async () => {
    for (let index = 1; index <= 5; index += 1) {
      await api(support, 'POST', `/chat/conversations/${channelId}/messages`, { body: `step ${index} done` });
    }
    const first = (
      await api(client, 'GET', `/chat/conversations/${channelId}/messages?limit=2`)
    ).json<MessageHistory>();
    expect(first.items.map((m) => m.body)).toEqual(['step 4 done', 'step 5 done']);
    const second = (
      await api(client, 'GET', `/chat/conversations/${channelId}/messages?limit=2&before=${first.nextBefore}`)
    ).json<MessageHistory>();
    expect(second.items.map((m) => m.body)).toEqual(['step 2 done', 'step 3 done']);
    const found = (await api(client, 'GET', `/chat/conversations/${channelId}/messages?q=MIXER`)).json();
    expect(found.items).toHaveLength(1);
    expect(found.nextBefore).toBeNull();
  });

  it('keeps an attachment within the size limit and refuses a larger one', async () => {
    const log = Buffer.from('12:00:01 DSP overheated\n12:00:05 safety mute on\n');
    const posted = await api(client, 'POST', `/chat/conversations/${channelId}/messages`, {
      body: '',
      attachment: { name: 'device.log', contentType: 'text/plain', content: log.toString('base64') },
    });
    expect(posted.statusCode).toBe(201);
    const attachment = posted.json().attachment;
    expect(attachment).toMatchObject({ name: 'device.log', size: log.length });
    const download = await api(support, 'GET', `/chat/conversations/${channelId}/attachments/${attachment.id}`);
    expect(download.rawPayload.equals(log)).toBe(true);
    expect(download.headers['content-disposition']).toContain('device.log');

    const tooLarge = await api(client, 'POST', `/chat/conversations/${channelId}/messages`, {
      body: 'big',
      attachment: { name: 'big.bin', contentType: 'application/octet-stream', content: 'A'.repeat(350_000) },
    });
    expect(tooLarge.statusCode).toBe(400);
    const empty = await api(client, 'POST', `/chat/conversations/${channelId}/messages`, { body: '  ' });
    expect(empty.json().error.code).toBe('VALIDATION_FAILED');
  });

  it("refuses another organization's user: 404 on the API, nothing through row-level security", async () => {
    for (const [method, url, payload] of [
      ['GET', `/chat/conversations/${channelId}`, undefined],
      ['GET', `/chat/conversations/${channelId}/messages`, undefined],
      ['POST', `/chat/conversations/${channelId}/messages`, { body: 'let me in' }],
      ['POST', `/chat/conversations/${channelId}/read`, { messageId: 1 }],
    ] as const) {
      const response = await api(outsider, method, url, payload);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().error.code).toBe('CONVERSATION_NOT_FOUND');
    }
    expect((await api(outsider, 'GET', '/chat/conversations')).json().items).toEqual([]);
    const outsiderOrg = (await api(outsider, 'GET', '/auth/me')).json().currentOrganizationId as string;
    const seen = await withTenant(hub.database.db, [outsiderOrg], async (tx) =>
      rowsOf<{ n: number }>(
        await tx.execute(sql`SELECT (SELECT count(*) FROM messages) + (SELECT count(*) FROM conversations) AS n`),
      ),
    );
    expect(Number(seen[0]?.n)).toBe(0);
    const own = await withTenant(hub.database.db, [clientOrgId], async (tx) =>
      rowsOf<{ n: number }>(await tx.execute(sql`SELECT count(*)::int AS n FROM messages`)),
    );
    expect(own[0]?.n).toBeGreaterThan(0);
  });

  it('keeps a direct conversation between its two people', async () => {
    const live = openSocket(support);
    await live.ready();
    const opened = await api(client, 'POST', '/chat/conversations', { kind: 'direct', userId: support.userId });
    expect(opened.statusCode).toBe(201);
    await expect
      .poll(() => live.received.find((m) => m.type === 'conversation.opened'))
      .toEqual({ type: 'conversation.opened', conversationId: opened.json().id });
    live.socket.close();
    const again = await api(support, 'POST', '/chat/conversations', { kind: 'direct', userId: client.userId });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(opened.json().id);
    const stranger = await api(outsider, 'POST', '/chat/conversations', { kind: 'direct', userId: client.userId });
    expect(stranger.json().error.code).toBe('USER_NOT_FOUND');
  });

  it('gives a support person the chat of every client organization they can see, whatever organization is current', async () => {
    const db = hub.database.db;
    const secondOrg = await makeOrg(db, { kind: 'client' });
    const secondUser = await makeUser(db, secondOrg.id, { role: 'technician' });
    const second = await signIn(secondUser.email, secondUser.password);
    const supportEmail = (await api(support, 'GET', '/auth/me')).json<{ user: { email: string } }>().user.email;
    // Access to a second client organization; the support person stays in the first one.
    await makeUser(db, secondOrg.id, { email: supportEmail, role: 'technician' });
    const supportLive = openSocket(support);
    const clientLive = openSocket(client);
    await supportLive.ready();
    await clientLive.ready();

    const channel = await api(second, 'POST', '/chat/conversations', { kind: 'channel', title: 'Second site' });
    const secondChannelId = channel.json<{ id: string }>().id;
    const posted = await api(second, 'POST', `/chat/conversations/${secondChannelId}/messages`, {
      body: 'Can support check our rack?',
      mentions: [support.userId],
    });
    expect(posted.json().mentions).toEqual([support.userId]);
    await expect
      .poll(() => supportLive.received.find((m) => m.type === 'message.created'))
      .toMatchObject({ message: { conversationId: secondChannelId, body: 'Can support check our rack?' } });

    const listed = (await api(support, 'GET', '/chat/conversations')).json<{ items: Array<Record<string, unknown>> }>();
    expect(listed.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: channelId, organizationId: clientOrgId }),
        expect.objectContaining({
          id: secondChannelId,
          organizationId: secondOrg.id,
          organizationName: secondOrg.name,
          unread: 1,
          unreadMentions: 1,
        }),
      ]),
    );
    const history = await api(support, 'GET', `/chat/conversations/${secondChannelId}/messages`);
    expect(history.json<MessageHistory>().items.map((message) => message.body)).toEqual([
      'Can support check our rack?',
    ]);
    const people = await api(support, 'GET', `/chat/people?organizationId=${secondOrg.id}`);
    expect(people.json<{ items: Array<{ userId: string }> }>().items.map((person) => person.userId)).toContain(
      second.userId,
    );
    const answer = await api(support, 'POST', `/chat/conversations/${secondChannelId}/messages`, {
      body: 'On it',
      mentions: [second.userId],
    });
    expect(answer.json()).toMatchObject({ mentions: [second.userId] });
    const read = await api(support, 'POST', `/chat/conversations/${secondChannelId}/read`, {
      messageId: answer.json<{ id: number }>().id,
    });
    expect(read.statusCode).toBe(204);
    const after = (await api(support, 'GET', '/chat/conversations')).json<{ items: Array<{ id: string }> }>();
    expect(after.items.find((item) => item.id === secondChannelId)).toMatchObject({ unread: 0, unreadMentions: 0 });

    // The first organization's client sees none of it, and nobody reaches an organization they have no access to.
    expect(
      clientLive.received.some((m) => m.type === 'message.created' && m.message.conversationId === secondChannelId),
    ).toBe(false);
    expect((await api(client, 'GET', `/chat/conversations/${secondChannelId}/messages`)).statusCode).toBe(404);
    expect((await api(client, 'GET', `/chat/people?organizationId=${secondOrg.id}`)).statusCode).toBe(403);
    supportLive.socket.close();
    clientLive.socket.close();
  });

  it('keeps messages when a new hub node starts on the same database', async () => {
    const next = await createHub({
      database: hub.database,
      config: { host: '127.0.0.1', port: 0, logLevel: 'silent', secretKey: hub.config.secretKey },
    });
    await next.app.ready();
    const history = await next.app.inject({
      method: 'GET',
      url: `/api/v1/chat/conversations/${channelId}/messages?q=boardroom`,
      cookies: client.cookies,
    });
    expect(history.json().items[0].body).toContain('boardroom mixer');
    await next.close();
  });
});

describe('calls', () => {
  it('rings, connects, relays only loopback candidates, and ends', async () => {
    const callee = openSocket(support);
    await callee.ready();
    const started = await api(client, 'POST', '/calls', { calleeUserId: support.userId, media: 'video' });
    expect(started.statusCode).toBe(201);
    const callId = started.json().id as string;
    await expect
      .poll(() => callee.received.find((m) => m.type === 'call.updated'))
      .toMatchObject({ call: { id: callId, state: 'ringing' } });
    expect((await api(client, 'POST', `/calls/${callId}/accept`)).json().error.code).toBe('CALL_NOT_ACTIVE');
    expect((await api(support, 'POST', `/calls/${callId}/accept`)).json().state).toBe('accepted');

    const caller = openSocket(client);
    await caller.ready();
    const candidate = (address: string) => ({
      type: 'call.signal',
      callId,
      signal: {
        kind: 'candidate',
        candidate: `candidate:1 1 udp 2122260223 ${address} 50000 typ host generation 0`,
        sdpMid: '0',
        sdpMLineIndex: 0,
      },
    });
    caller.socket.send(JSON.stringify(candidate('192.0.2.10')));
    caller.socket.send(JSON.stringify(candidate('127.0.0.1')));
    await expect.poll(() => callee.received.filter((m) => m.type === 'call.signal').length).toBe(1);
    expect(JSON.stringify(callee.received.find((m) => m.type === 'call.signal'))).toContain('127.0.0.1');

    expect((await api(support, 'POST', `/calls/${callId}/hang-up`)).json().state).toBe('ended');
    const log = (await api(client, 'GET', '/calls')).json().items;
    expect(log[0]).toMatchObject({ id: callId, state: 'ended', media: 'video' });
    caller.socket.close();
    callee.socket.close();
  });

  it('logs a call nobody answers as missed after the ring time', async () => {
    const started = await api(client, 'POST', '/calls', { calleeUserId: support.userId, media: 'audio' });
    const callId = started.json().id as string;
    await expect
      .poll(async () => (await api(support, 'GET', '/calls')).json<CallList>().items.find((c) => c.id === callId))
      .toMatchObject({ state: 'missed' });
    expect((await api(outsider, 'POST', `/calls/${callId}/accept`)).json().error.code).toBe('CALL_NOT_FOUND');
  });
});
