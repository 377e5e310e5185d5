import { describe, expect, it } from 'vitest';
import { candidateAddress, isLoopbackCandidate, keepLoopbackCandidatesInSdp, startCallRequestSchema } from './calls.ts';
import {
  chatClientMessageSchema,
  createConversationRequestSchema,
  messageHistoryQuerySchema,
  postMessageRequestSchema,
} from './chat.ts';

const id = '7c3a1d62-4a8e-4f0b-9a55-0d6f0c1e2b3a';

describe('chat payloads', () => {
  it.each([
    [{ kind: 'channel', title: 'Support' }, true],
    [{ kind: 'channel', title: '  ' }, false],
    [{ kind: 'device', deviceId: id }, true],
    [{ kind: 'device', deviceId: 'boardroom' }, false],
    [{ kind: 'direct', userId: id }, true],
    [{ kind: 'direct', userId: id, title: 'x' }, false],
    [{ kind: 'job', jobId: id, title: 'Firmware wave 1' }, true],
    [{ kind: 'group', title: 'x' }, false],
  ])('conversation %j → %s', (payload, valid) => {
    expect(createConversationRequestSchema.safeParse(payload).success).toBe(valid);
  });

  it.each([
    [{ body: 'hello' }, true],
    [{ body: '   ' }, false],
    [{ body: 'x'.repeat(4001) }, false],
    [{ body: 'hi', mentions: ['not-a-user'] }, false],
    [{ body: '', attachment: { name: 'device.log', contentType: 'text/plain', content: 'aGk=' } }, true],
    [{ body: '', attachment: { name: '../etc/passwd', contentType: 'text/plain', content: 'aGk=' } }, false],
    [{ body: '', attachment: { name: 'a.log', contentType: 'text', content: 'aGk=' } }, false],
    [{ body: '', attachment: { name: 'a.log', contentType: 'text/plain', content: 'not base64!' } }, false],
  ])('message %j → %s', (payload, valid) => {
    expect(postMessageRequestSchema.safeParse(payload).success).toBe(valid);
  });

  it('coerces the history cursor and caps the page size', () => {
    expect(messageHistoryQuerySchema.parse({ before: '42' })).toEqual({ before: 42, limit: 50 });
    expect(messageHistoryQuerySchema.safeParse({ limit: '201' }).success).toBe(false);
  });

  it.each([
    [{ type: 'typing', conversationId: id }, true],
    [{ type: 'call.signal', callId: id, signal: { kind: 'offer', sdp: 'v=0' } }, true],
    [
      {
        type: 'call.signal',
        callId: id,
        signal: { kind: 'candidate', candidate: '', sdpMid: null, sdpMLineIndex: null },
      },
      true,
    ],
    [{ type: 'call.signal', callId: id, signal: { kind: 'hello' } }, false],
    [{ type: 'message.created' }, false],
  ])('socket frame %j → %s', (payload, valid) => {
    expect(chatClientMessageSchema.safeParse(payload).success).toBe(valid);
  });

  it.each([
    [{ calleeUserId: id, media: 'video' }, true],
    [{ calleeUserId: id, media: 'screen' }, false],
  ])('call %j → %s', (payload, valid) => {
    expect(startCallRequestSchema.safeParse(payload).success).toBe(valid);
  });
});

describe('loopback ICE candidates', () => {
  it.each([
    ['candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0', true],
    ['candidate:2 1 udp 2122262783 ::1 50001 typ host generation 0', true],
    ['a=candidate:3 1 udp 2122260223 127.20.1.5 50002 typ host', true],
    ['candidate:4 1 udp 2122260223 192.168.1.20 50003 typ host generation 0', false],
    ['candidate:5 1 udp 2122260223 3f1c.local 50004 typ host generation 0', false],
    ['candidate:6 1 udp 1686052607 203.0.113.9 50005 typ srflx raddr 127.0.0.1 rport 50000', false],
    ['', false],
  ])('%s → %s', (candidate, loopback) => {
    expect(isLoopbackCandidate(candidate)).toBe(loopback);
  });

  it('reads the address field and strips other addresses from an SDP', () => {
    expect(candidateAddress('candidate:1 1 tcp 1518280447 10.0.0.2 9 typ host tcptype active')).toBe('10.0.0.2');
    const sdp = [
      'v=0',
      'a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
      'a=candidate:2 1 udp 2122260223 10.1.2.3 50001 typ host',
      'a=end-of-candidates',
      '',
    ].join('\r\n');
    expect(keepLoopbackCandidatesInSdp(sdp)).toBe(
      ['v=0', 'a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', 'a=end-of-candidates', ''].join('\r\n'),
    );
  });
});
