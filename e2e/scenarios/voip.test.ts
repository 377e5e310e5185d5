import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, parseAgentConfig, type Agent } from '@tutti/agent';
import { createApiClient, type ApiClient } from '@tutti/client';
import { createSimulator, DEFAULT_SIP_SERVER, type SimulatedDeviceSpec, type Simulator } from '@tutti/devices';
import {
  createHub,
  createTestDatabase,
  ensureAgentAccount,
  ensureMember,
  ensureOrganization,
  type Database,
  type Hub,
} from '@tutti/hub';
import type { JobDetail } from '@tutti/protocol';
import { until } from '../harness.ts';

/**
 * Bulk VoIP provisioning through the whole chain: a CSV to the hub, a job to the agent, SIP settings and a VoIP
 * restart on two simulated CONVERGE Pro 2 128V units, the simulated registrar's answers, and the lines and device
 * statuses back through the API. One unit registers; the other's server is unknown and it fails with the reason.
 */
describe('VoIP provisioning end to end', () => {
  const prefix = `127.${230 + (process.pid % 20)}.7.`;
  const units: SimulatedDeviceSpec[] = ['A', 'B'].map((letter, index) => ({
    address: `${prefix}${10 + index}`,
    model: 'CONVERGE_PRO_2_128V',
    boxName: `Voip${letter}`,
    serial: `VOIP-${letter}-001`,
    mac: `00:06:E2:00:70:${10 + index}`,
    firmware: '5.2.0.7',
    stackName: `Voip${letter}`,
    boxNumber: 1,
  }));
  let database: Database;
  let hub: Hub;
  let simulator: Simulator;
  let agent: Agent;
  let api: ApiClient;
  let dataDir: string;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    hub = await createHub({ database, config: { host: '127.0.0.1', port: 0, logLevel: 'silent', liveFlushMs: 50 } });
    const baseUrl = await hub.start();
    const org = await ensureOrganization(database.db, { name: 'VoIP Organization', kind: 'client' }, 'test');
    const email = 'admin@voip.tutti.test';
    const password = 'Voip-admin-2026!';
    await ensureMember(database.db, { orgId: org.id, email, name: 'VoIP Admin', password, role: 'owner' }, 'test');
    await ensureAgentAccount(database.db, org.id, 'Voip-Site', 'Agent-pass-2026!', 'test');
    simulator = createSimulator({
      devices: units,
      port: 2323,
      discoveryPort: 50_123,
      // The site's new PBX, and the server the units' factory accounts use (their other line stays registered).
      registrar: {
        servers: [
          { host: 'pbx.voip.test', accounts: { '3001': 'Line-pass-1', '3002': 'Line-pass-2' } },
          { host: DEFAULT_SIP_SERVER },
        ],
      },
    });
    await simulator.start();
    dataDir = mkdtempSync(join(tmpdir(), 'tutti-voip-'));
    agent = createAgent({
      ui: false,
      config: parseAgentConfig({
        dataDir,
        hub: { url: baseUrl, agentName: 'Voip-Site', password: 'Agent-pass-2026!' },
        subnets: [{ subnet: `${prefix}0`, interfaceName: 'lo', enabled: true }],
        telnetPort: 2323,
        scanIntervalSeconds: 1,
        discoveryTimeoutMs: 300,
        hubReconnect: { initialMs: 100, maxMs: 300 },
        logLevel: 'silent',
      }),
    });
    await agent.start();
    api = createApiClient({ baseUrl, keepCookies: true });
    await api.signIn({ email, password });
    await until(async () => (await api.listDevices({ limit: 10 })).total >= units.length, 200);
    for (const device of (await api.listDevices({ limit: 10 })).items) ids.set(device.serial, device.id);
    // The default accounts register on the default server until the site's registrar is asked again.
    await until(async () => (await api.voipLines(ids.get('VOIP-A-001')!)).lines.length === 2, 200);
  });

  afterAll(async () => {
    await agent?.close();
    await simulator?.close();
    await hub?.close();
    await database?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('provisions two units from a CSV: one line registers, the other fails with the reason, statuses follow', async () => {
    const csv = [
      'serial,line,sip_server,user,password,display_name',
      'VOIP-A-001,1,pbx.voip.test,3001,Line-pass-1,Room A',
      'VOIP-B-001,1,nowhere.voip.test,3002,Line-pass-2,Room B',
    ].join('\n');
    const preview = await api.previewVoipCsv(csv);
    expect(preview).toMatchObject({ fileError: null, validRows: 2, invalidRows: 0, devices: 2 });

    const started = await api.provisionVoipCsv(csv);
    let job: JobDetail = started;
    await until(async () => {
      job = await api.getJob(started.id);
      return job.state !== 'running';
    }, 200);
    const outcome = Object.fromEntries(job.targets.map((target) => [target.serial, target]));
    expect(outcome['VOIP-A-001']).toMatchObject({ state: 'succeeded' });
    expect(outcome['VOIP-B-001']).toMatchObject({
      state: 'failed',
      failureCode: 'voip_registration_failed',
      reason: 'Line 1: 408 Request Timeout',
    });

    await until(async () => (await api.getDevice(ids.get('VOIP-B-001')!)).status === 'voip_registration_failed', 200);
    expect((await api.getDevice(ids.get('VOIP-A-001')!)).status).toBe('healthy');
    await until(async () => (await api.voipLines(ids.get('VOIP-B-001')!)).lines[0]?.state === 'failed', 200);
    const [failed] = (await api.voipLines(ids.get('VOIP-B-001')!)).lines;
    expect(failed).toMatchObject({
      line: 1,
      state: 'failed',
      reason: '408 Request Timeout',
      server: 'nowhere.voip.test',
      user: '3002',
      displayName: 'Room B',
    });
    await until(async () => (await api.voipLines(ids.get('VOIP-A-001')!)).lines[0]?.user === '3001', 200);
    expect((await api.voipLines(ids.get('VOIP-A-001')!)).lines[0]).toMatchObject({
      state: 'registered',
      reason: null,
      server: 'pbx.voip.test',
    });
  });
});
