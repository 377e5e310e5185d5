import { describe, expect, it } from 'vitest';
import { agentJobTargetSchema } from './agent-link.ts';
import { deviceReportSchema } from './devices.ts';
import { createJobRequestSchema, jobOperationSchema, jobPermissions } from './jobs.ts';
import {
  provisionVoipRequestSchema,
  validateVoipCsvRow,
  voipLineReportSchema,
  voipLineSettingsSchema,
  type VoipCsvColumn,
} from './voip.ts';

const line = { line: 1, server: 'pbx.site.test', user: '2001', password: 's3cret!' };

describe('voipLineSettingsSchema', () => {
  it('fills the defaults: UDP on 5060, TLS on 5061, auth user and extension from the user', () => {
    expect(voipLineSettingsSchema.parse(line)).toEqual({
      ...line,
      port: 5060,
      transport: 'UDP',
      authUser: '2001',
      extension: '2001',
      displayName: '',
    });
    expect(voipLineSettingsSchema.parse({ ...line, transport: 'TLS' }).port).toBe(5061);
    expect(voipLineSettingsSchema.parse({ ...line, server: ' PBX.Site.Test ' }).server).toBe('pbx.site.test');
  });

  it.each([
    ['line 0', { line: 0 }],
    ['line 10', { line: 10 }],
    ['a host with a space', { server: 'pbx site' }],
    ['a host with a scheme', { server: 'sip://pbx' }],
    ['port 0', { port: 0 }],
    ['port 70000', { port: 70000 }],
    ['SCTP', { transport: 'SCTP' }],
    ['a user with a space', { user: '20 01' }],
    ['an empty password', { password: '' }],
    ['a password with a space', { password: 'a b' }],
    ['a display name with ;', { displayName: 'a;b' }],
    ['an unknown field', { proxy: 'x' }],
  ])('refuses %s', (_, change) => {
    expect(voipLineSettingsSchema.safeParse({ ...line, ...change }).success).toBe(false);
  });

  it('provisioning names each line once', () => {
    expect(provisionVoipRequestSchema.safeParse({ lines: [line, { ...line, line: 2 }] }).success).toBe(true);
    expect(provisionVoipRequestSchema.safeParse({ lines: [line, line] }).success).toBe(false);
    expect(provisionVoipRequestSchema.safeParse({ lines: [] }).success).toBe(false);
  });
});

describe('VoIP on the wire', () => {
  const report = {
    line: 1,
    state: 'failed',
    reason: '401 Unauthorized',
    server: 'pbx.site.test',
    port: 5060,
    transport: 'UDP',
    user: '2001',
    extension: '2001',
    displayName: '',
  };

  it('a device report may carry its lines; a line state is one of the five', () => {
    const device = {
      serial: 'CP2-1',
      model: 'CONVERGE_PRO_2_128V',
      name: 'Main',
      mac: '',
      firmware: '5.2.0.7',
      accessIp: '127.20.1.10',
      port: 23,
      connection: {
        subnet: '127.20.1.0',
        interfaceName: null,
        stack: null,
        clink: null,
        plink: null,
        hostSerial: null,
      },
      status: 'voip_registration_failed',
      statusSince: '2026-12-01T05:00:00.000Z',
    };
    expect(deviceReportSchema.safeParse(device).success).toBe(true);
    expect(deviceReportSchema.safeParse({ ...device, voipLines: [report] }).success).toBe(true);
    expect(voipLineReportSchema.safeParse({ ...report, state: 'ringing' }).success).toBe(false);
    expect(voipLineReportSchema.safeParse({ ...report, password: 'x' }).success).toBe(false);
  });

  it('voip_provision needs voip.provision; its lines travel per target', () => {
    expect(jobOperationSchema.parse({ kind: 'voip_provision' })).toEqual({ kind: 'voip_provision' });
    expect(jobPermissions.voip_provision).toBe('voip.provision');
    // The generic job request carries no lines: provisioning goes through its own routes.
    const generic = { operation: { kind: 'voip_provision' }, deviceIds: ['2b1e0f3c-2f58-4a3c-9a49-6a1d3f0c7b10'] };
    expect(createJobRequestSchema.safeParse(generic).success).toBe(false);
    expect(createJobRequestSchema.safeParse({ ...generic, operation: { kind: 'reboot' } }).success).toBe(true);
    const target = {
      targetId: '2b1e0f3c-2f58-4a3c-9a49-6a1d3f0c7b10',
      attempt: 1,
      serial: 'CP2-1',
      model: 'CONVERGE_PRO_2_128V',
      accessIp: '127.20.1.10',
      port: 23,
      plink: null,
      voipLines: [voipLineSettingsSchema.parse(line)],
    };
    expect(agentJobTargetSchema.safeParse(target).success).toBe(true);
    expect(
      agentJobTargetSchema.safeParse({ ...target, voipLines: [{ ...target.voipLines[0], line: 12 }] }).success,
    ).toBe(false);
  });
});

describe('validateVoipCsvRow', () => {
  const row: Partial<Record<VoipCsvColumn, string>> = {
    serial: 'CP2-1',
    line: '2',
    sip_server: 'pbx.site.test',
    user: '2002',
    password: 'pw',
    transport: 'tls',
  };

  it('turns a good row into settings', () => {
    const result = validateVoipCsvRow(row);
    expect(result.errors).toEqual([]);
    expect('settings' in result && result.settings).toMatchObject({ line: 2, transport: 'TLS', port: 5061 });
  });

  it('names every required column that is empty, and each invalid one', () => {
    expect(validateVoipCsvRow({}).errors).toEqual([
      { column: 'serial', code: 'required' },
      { column: 'line', code: 'required' },
      { column: 'sip_server', code: 'required' },
      { column: 'user', code: 'required' },
      { column: 'password', code: 'required' },
    ]);
    expect(validateVoipCsvRow({ ...row, line: 'two', port: '99999', transport: 'x' }).errors).toEqual([
      { column: 'line', code: 'invalid' },
      { column: 'port', code: 'invalid' },
      { column: 'transport', code: 'invalid' },
    ]);
  });
});
