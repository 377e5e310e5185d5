import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentEventBody } from '@tutti/protocol';
import { createFailoverOutbox } from './failover-outbox.ts';

const log = pino({ level: 'silent' });
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tutti-failover-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const status = (serial: string, index: number): AgentEventBody => ({
  kind: 'device.status',
  serial,
  status: index % 2 === 0 ? 'overheating' : 'healthy',
  since: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(),
});

describe('failover outbox', () => {
  it('buffers in memory and says why when the outbox directory cannot be used', () => {
    const blocked = join(tempDir(), 'not-a-directory');
    writeFileSync(blocked, 'a file where the data directory should be');
    const outbox = createFailoverOutbox({ dataDir: blocked, log });
    expect(outbox.stats()).toMatchObject({ storage: 'memory', depth: 0 });
    expect(outbox.stats().storageError).toMatch(/EEXIST|ENOTDIR|not a directory|exists/i);
    const events = outbox.append([status('SN-1', 0), status('SN-1', 1)]);
    expect(events.map((event) => event.seq)).toEqual([1, 2]);
    expect(outbox.pending(0, 10)).toHaveLength(2);
    outbox.close();
  });

  it('moves every unacknowledged event to memory when the disk fills, and carries on with the next seq', () => {
    // A ceiling of a few pages stands in for a full disk: SQLite refuses the write with SQLITE_FULL.
    const outbox = createFailoverOutbox({
      dataDir: tempDir(),
      capBytes: 1024 * 1024,
      maxDatabaseBytes: 300 * 1024,
      log,
    });
    const appended: number[] = [];
    let index = 0;
    while (outbox.stats().storage === 'disk' && index < 20_000) {
      const batch = Array.from({ length: 50 }, () => status(`SN-${index % 7}`, index++));
      appended.push(...outbox.append(batch).map((event) => event.seq));
    }
    expect(outbox.stats().storage).toBe('memory');
    expect(outbox.stats().storageError).toMatch(/full/i);
    // Nothing lost, nothing doubled: the pending events are exactly 1..n in order.
    expect(appended).toEqual(Array.from({ length: appended.length }, (_, at) => at + 1));
    const pending = outbox.pending(0, Number.MAX_SAFE_INTEGER).map((event) => event.seq);
    expect(pending).toEqual(appended);
    expect(outbox.ack(10)).toBe(10);
    expect(outbox.pending(0, 1)[0]?.seq).toBe(11);
    expect(outbox.append([status('SN-9', 1)])[0]?.seq).toBe(appended.length + 1);
    outbox.close();
  });

  it('keeps the picture of the devices it had reported when it moves to memory', () => {
    const outbox = createFailoverOutbox({
      dataDir: tempDir(),
      capBytes: 1024 * 1024,
      maxDatabaseBytes: 300 * 1024,
      log,
    });
    outbox.append([
      {
        kind: 'device.seen',
        device: {
          serial: 'SN-SEEN',
          model: 'CONVERGE_PRO_2_128',
          name: 'Boardroom DSP',
          mac: '00:06:E2:00:00:01',
          firmware: '5.2.1',
          accessIp: '127.44.1.10',
          port: 2323,
          connection: {
            subnet: '127.44.1.0',
            interfaceName: 'lo',
            stack: 'S1',
            clink: 1,
            plink: null,
            hostSerial: null,
          },
          status: 'healthy',
          statusSince: '2026-01-01T00:00:00.000Z',
        },
      },
    ]);
    let index = 0;
    while (outbox.stats().storage === 'disk' && index < 20_000) {
      outbox.append(Array.from({ length: 50 }, () => status('SN-OTHER', index++)));
    }
    expect(outbox.reportedDevices().map((device) => device.serial)).toContain('SN-SEEN');
    outbox.close();
  });
});
