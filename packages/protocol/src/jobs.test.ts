import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { agentEventSchema, hubMessageSchema } from './agent-link.ts';
import { isAppError } from './errors.ts';
import { buildFirmwarePackage, readFirmwarePackage } from './firmware-package.ts';
import {
  compareFirmwareVersions,
  createJobRequestSchema,
  jobListQuerySchema,
  uploadFirmwareRequestSchema,
} from './jobs.ts';

const id = '0b7c3e1e-6a43-4d8e-9d59-1e2f3a4b5c6d';
const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('job requests', () => {
  it.each([
    ['locate', { operation: { kind: 'locate', on: true }, deviceIds: [id] }, true],
    [
      'firmware in waves',
      {
        operation: { kind: 'firmware_update', packageId: id },
        deviceIds: [id],
        rollout: { concurrency: 50, waveSize: 100, wavePauseSeconds: 60, failureThresholdPercent: 10 },
      },
      true,
    ],
    ['restore of one backup', { operation: { kind: 'restore', backupId: id }, deviceIds: [id] }, true],
    ['no devices', { operation: { kind: 'reboot' }, deviceIds: [] }, false],
    ['unknown operation', { operation: { kind: 'format_disk' }, deviceIds: [id] }, false],
    ['concurrency 0', { operation: { kind: 'reboot' }, deviceIds: [id], rollout: { concurrency: 0 } }, false],
    [
      'threshold above 100',
      { operation: { kind: 'reboot' }, deviceIds: [id], rollout: { failureThresholdPercent: 101 } },
      false,
    ],
    ['a device id that is not a uuid', { operation: { kind: 'reboot' }, deviceIds: ['42'] }, false],
    ['FTP off', { operation: { kind: 'ftp', on: false }, deviceIds: [id] }, true],
    ['log collection', { operation: { kind: 'collect_logs' }, deviceIds: [id] }, true],
    [
      'new login',
      { operation: { kind: 'change_credentials', username: 'tech' }, deviceIds: [id], password: 'Str0ng-Pass!' },
      true,
    ],
    [
      'new login without a password',
      { operation: { kind: 'change_credentials', username: 'tech' }, deviceIds: [id] },
      false,
    ],
    [
      'a password beside another operation',
      { operation: { kind: 'reboot' }, deviceIds: [id], password: 'Str0ng-Pass!' },
      false,
    ],
    [
      'a password with a space (the device splits on spaces)',
      { operation: { kind: 'change_credentials', username: 'tech' }, deviceIds: [id], password: 'two words here' },
      false,
    ],
    [
      'a short password',
      { operation: { kind: 'change_credentials', username: 'tech' }, deviceIds: [id], password: 'short' },
      false,
    ],
    [
      'a username with a space',
      { operation: { kind: 'change_credentials', username: 'a b' }, deviceIds: [id], password: 'Str0ng-Pass!' },
      false,
    ],
  ])('%s', (_name, payload, valid) => {
    expect(createJobRequestSchema.safeParse(payload).success).toBe(valid);
  });

  it('takes firmware uploads with a version of numbers and a SHA-256 of 64 hex digits', () => {
    const upload = {
      modelFamily: 'converge_pro_2',
      version: '5.3.0.1',
      fileName: 'cp2.tfw',
      sha256: 'A'.repeat(64),
      contentBase64: 'eA==',
    };
    expect(uploadFirmwareRequestSchema.parse(upload).sha256).toBe('a'.repeat(64));
    expect(uploadFirmwareRequestSchema.safeParse({ ...upload, version: '5.3-beta' }).success).toBe(false);
    expect(uploadFirmwareRequestSchema.safeParse({ ...upload, sha256: 'abc' }).success).toBe(false);
  });

  it('compares versions number by number', () => {
    expect(compareFirmwareVersions('5.10.0.1', '5.9.9.9')).toBeGreaterThan(0);
    expect(compareFirmwareVersions('5.2', '5.2.0.0')).toBe(0);
    expect(compareFirmwareVersions('1.4.0.2', '1.4.1')).toBeLessThan(0);
  });
});

describe('job messages on the agent link', () => {
  it('carries job commands down and target reports up', () => {
    const target = {
      targetId: id,
      attempt: 1,
      serial: 'AB-1',
      model: 'CONVERGE_HUDDLE',
      accessIp: '127.20.1.5',
      port: 23,
      plink: null,
    };
    const run = {
      type: 'command',
      commandId: 'c1',
      command: { name: 'job.run', job: { jobId: id, operation: { kind: 'reboot' }, targets: [target] } },
    };
    expect(hubMessageSchema.safeParse(run).success).toBe(true);
    expect(
      hubMessageSchema.safeParse({
        ...run,
        command: {
          name: 'job.run',
          job: { jobId: id, operation: { kind: 'reboot' }, targets: [{ ...target, accessIp: 'not-an-address' }] },
        },
      }).success,
    ).toBe(false);
    const report = {
      seq: 7,
      at: '2026-11-23T10:00:00.000Z',
      kind: 'job.target',
      jobId: id,
      targetId: id,
      attempt: 1,
      serial: 'AB-1',
      state: 'failed',
      progress: 40,
      failureCode: 'agent_restarted',
      reason: 'restarted',
    };
    expect(agentEventSchema.safeParse(report).success).toBe(true);
    expect(agentEventSchema.safeParse({ ...report, state: 'exploded' }).success).toBe(false);
    expect(agentEventSchema.safeParse({ ...report, progress: 140 }).success).toBe(false);
  });
});

describe('firmware packages', () => {
  const image = new Uint8Array(300).fill(9);
  const whole = buildFirmwarePackage('beamforming_mic', '2.1.0', image, sha256Hex);

  it('reads back what was built', () => {
    expect(readFirmwarePackage(whole, sha256Hex).manifest).toMatchObject({
      modelFamily: 'beamforming_mic',
      version: '2.1.0',
      imageBytes: 300,
    });
  });

  it.each([
    ['truncated', whole.subarray(0, whole.byteLength - 1)],
    ['altered', Uint8Array.from(whole, (byte, index) => (index === whole.byteLength - 1 ? byte ^ 1 : byte))],
    ['not a package', new TextEncoder().encode('MZ this is some other file\n{}\n')],
    ['empty', new Uint8Array(0)],
  ])('refuses a %s file', (_name, content) => {
    let caught: unknown;
    try {
      readFirmwarePackage(content, sha256Hex);
    } catch (error) {
      caught = error;
    }
    expect(isAppError(caught) && caught.code).toBe('FIRMWARE_PACKAGE_INVALID');
  });
});

describe('job list query', () => {
  it.each([
    [{}, true],
    [{ q: 'firmware update', kind: 'firmware_update', state: 'running', createdBy: 'ana@' }, true],
    [{ from: '2026-01-01T00:00:00Z', to: '2026-01-31T23:59:59.999+01:00' }, true],
    [{ from: '2026-01-01T02:00:00+02:00', to: '2026-01-01T00:30:00Z' }, true],
    [{ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, false],
    [{ from: '2026-01-01' }, false],
    [{ kind: 'format_disk' }, false],
    [{ q: 'x'.repeat(201) }, false],
    [{ createdBy: 'x'.repeat(255) }, false],
    [{ owner: 'me' }, false],
  ])('%j → %s', (query, valid) => {
    expect(jobListQuerySchema.safeParse(query).success).toBe(valid);
  });
});
