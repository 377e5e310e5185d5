import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentEventSchema, type AgentEventBody, type DeviceStatus } from '@tutti/protocol';
import { createOutbox, type Outbox } from './outbox.ts';

const dirs: string[] = [];
const opened: Outbox[] = [];

function makeDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tutti-outbox-'));
  dirs.push(dir);
  return dir;
}

function open(dir: string, capBytes?: number): Outbox {
  const outbox = createOutbox({ dataDir: dir, capBytes, synchronous: 'normal' });
  opened.push(outbox);
  return outbox;
}

function status(serial: string, value: DeviceStatus, since = '2025-01-01T00:00:00.000Z'): AgentEventBody {
  return { kind: 'device.status', serial, status: value, since };
}

afterEach(() => {
  for (const outbox of opened.splice(0)) outbox.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('outbox', () => {
  it('assigns increasing seqs and returns events that match the wire schema', () => {
    const outbox = open(makeDir());
    const events = outbox.append([status('SN1', 'healthy'), { kind: 'device.lost', serial: 'SN2' }]);
    expect(events.map((event) => event.seq)).toEqual([1, 2]);
    for (const event of events) expect(agentEventSchema.safeParse(event).success).toBe(true);
    expect(outbox.append([status('SN1', 'down')])[0]?.seq).toBe(3);
    expect(outbox.pending(0, 10)).toEqual([...events, ...outbox.pending(2, 10)]);
    expect(outbox.pending(1, 1).map((event) => event.seq)).toEqual([2]);
  });

  it('keeps pending events and continues the seq after a restart, even when everything was acknowledged', () => {
    const dir = makeDir();
    const first = open(dir);
    first.append([status('SN1', 'healthy'), status('SN1', 'down'), status('SN2', 'healthy')]);
    first.ack(1);
    const before = first.pending(0, 10);
    first.close();

    const second = open(dir);
    expect(second.pending(0, 10)).toEqual(before);
    expect(second.stats()).toMatchObject({ depth: 2, lastSeq: 3 });
    expect(second.append([status('SN3', 'healthy')])[0]?.seq).toBe(4);
    second.ack(4);
    second.close();

    const third = open(dir);
    expect(third.stats()).toMatchObject({ depth: 0, bytes: 0, lastSeq: 4 });
    expect(third.append([status('SN3', 'down')])[0]?.seq).toBe(5);
  });

  it('ack deletes every event up to the given seq and nothing after it', () => {
    const outbox = open(makeDir());
    outbox.append(Array.from({ length: 10 }, (_, index) => status(`SN${index}`, 'healthy')));
    expect(outbox.ack(4)).toBe(4);
    expect(outbox.pending(0, 100).map((event) => event.seq)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(outbox.ack(4)).toBe(0);
    expect(outbox.stats().depth).toBe(6);
    expect(outbox.ack(100)).toBe(6);
    expect(outbox.stats()).toMatchObject({ depth: 0, bytes: 0 });
  });

  it('tells listeners about appended events', () => {
    const outbox = open(makeDir());
    const seen: number[] = [];
    const stop = outbox.onAppend((events) => seen.push(...events.map((event) => event.seq)));
    outbox.append([status('SN1', 'healthy')]);
    stop();
    outbox.append([status('SN1', 'down')]);
    expect(seen).toEqual([1]);
  });

  it('compaction keeps the first and last status of each run per device and counts the rest', () => {
    const outbox = open(makeDir());
    const device = {
      serial: 'SN1',
      model: 'CONVERGE_PRO_2_128' as const,
      name: 'Boardroom',
      mac: '00:06:2F:00:00:01',
      firmware: '4.4.0',
      accessIp: '127.32.1.10',
      port: 23,
      connection: { subnet: '127.32.1.0', interfaceName: 'lo', stack: null, clink: 0, plink: null, hostSerial: null },
      status: 'healthy' as const,
      statusSince: '2025-01-01T00:00:00.000Z',
    };
    outbox.append([
      status('SN1', 'healthy'), // 1 kept (first of run)
      status('SN1', 'locate_light_on'), // 2 folded
      status('SN2', 'down'), // 3 kept (only one of SN2's run)
      status('SN1', 'healthy'), // 4 folded
      status('SN1', 'locate_light_on'), // 5 kept (last of run)
      { kind: 'device.seen', device }, // 6 breaks SN1's run
      status('SN1', 'overheating'), // 7 kept
      status('SN1', 'healthy'), // 8 kept
      { kind: 'agent.state', monitoring: 'active', subnetsEnabled: 1, subnetsTotal: 1, version: '0', deviceCount: 2 },
    ]);
    const before = outbox.stats().bytes;
    const result = outbox.compact();
    expect(result.removed).toBe(2);
    expect(outbox.pending(0, 100).map((event) => event.seq)).toEqual([1, 3, 5, 6, 7, 8, 9]);
    expect(outbox.stats()).toMatchObject({ depth: 7, compacted: 2, bytes: before - result.bytesFreed });
    expect(outbox.compact().removed).toBe(0);
  });

  it('compacts on its own near the cap, never dropping the latest status', () => {
    const outbox = open(makeDir(), 64 * 1024);
    const statuses: DeviceStatus[] = ['healthy', 'locate_light_on'];
    for (let batch = 0; batch < 20; batch += 1) {
      outbox.append(Array.from({ length: 50 }, (_, index) => status('SN1', statuses[(batch + index) % 2]!)));
    }
    const stats = outbox.stats();
    expect(stats.compacted).toBeGreaterThan(0);
    expect(stats.depth + stats.compacted).toBe(1000);
    const pending = outbox.pending(0, 2000);
    expect(pending.at(-1)?.seq).toBe(1000);
    expect(pending[0]?.seq).toBe(1);
  });

  it('survives compaction counts across a restart', () => {
    const dir = makeDir();
    const outbox = open(dir);
    outbox.append([status('SN1', 'healthy'), status('SN1', 'down'), status('SN1', 'healthy')]);
    outbox.compact();
    outbox.close();
    expect(open(dir).stats()).toMatchObject({ compacted: 1, depth: 2, lastSeq: 3 });
  });
});

describe('outbox rebase', () => {
  it('moves pending and future seqs past what the hub has already seen, in order', () => {
    const outbox = open(makeDir());
    outbox.append([status('SN1', 'healthy'), status('SN2', 'down')]);
    expect(outbox.rebase(1)).toBe(0);
    expect(outbox.rebase(500)).toBe(500);
    expect(outbox.pending(500, 10).map((event) => [event.seq, event.kind === 'device.status' && event.serial])).toEqual(
      [
        [501, 'SN1'],
        [502, 'SN2'],
      ],
    );
    expect(outbox.append([status('SN3', 'healthy')])[0]?.seq).toBe(503);
    expect(outbox.ack(500)).toBe(0);
  });
});

describe('outbox reported devices', () => {
  it('keeps the devices as the events describe them, across a restart', () => {
    const dir = makeDir();
    const outbox = open(dir);
    const device = {
      serial: 'SN9',
      model: 'CONVERGE_PRO_2_128' as const,
      name: 'Boardroom',
      mac: '00:06:2F:00:00:09',
      firmware: '5.2.0.7',
      accessIp: '127.32.1.9',
      port: 23,
      connection: { subnet: '127.32.1.0', interfaceName: 'lo', stack: 'S', clink: 0, plink: null, hostSerial: null },
      status: 'healthy' as const,
      statusSince: '2025-01-01T00:00:00.000Z',
    };
    outbox.append([
      { kind: 'device.seen', device },
      { kind: 'device.seen', device: { ...device, serial: 'SN10' } },
      status('SN9', 'down', '2025-01-02T00:00:00.000Z'),
      { kind: 'device.lost', serial: 'SN10' },
    ]);
    outbox.ack(4);
    outbox.close();
    expect(open(dir).reportedDevices()).toEqual([
      { ...device, status: 'down', statusSince: '2025-01-02T00:00:00.000Z' },
    ]);
  });
});
