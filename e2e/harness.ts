import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiClient } from '@tutti/client';
import { subnetOf } from '@tutti/protocol';
import { createAgent, parseAgentConfig, type Agent, type AgentConfigInput } from '@tutti/agent';
import {
  createSimulator,
  createSiteSpec,
  type SimulatedDeviceSpec,
  type Simulator,
  type SimulatorOptions,
} from '@tutti/devices';
import {
  createHub,
  createTestDatabase,
  ensureAgentAccount,
  ensureMember,
  ensureOrganization,
  type CreateHubOptions,
  type Database,
  type Hub,
  type HubConfigInput,
  type TestDatabaseKind,
} from '@tutti/hub';

export const webDistDir = fileURLToPath(new URL('../packages/web/dist', import.meta.url));

export interface StartTestStackOptions {
  /**
   * Loopback /24s the agent scans, all enabled unless listed in `disabledSubnets`. Without `devices` the simulator
   * populates them with a generated site; with `devices` they default to the /24s of those devices' addresses.
   */
  subnets?: string[];
  disabledSubnets?: string[];
  /** Units per subnet of the generated site; unused with `devices`. */
  devicesPerSubnet?: number;
  /** The simulated units themselves (models, serials, P-Link peripherals) instead of a generated site. */
  devices?: SimulatedDeviceSpec[];
  /** Simulator settings on top of the stack's (e.g. a SIP registrar, a long configuration load). */
  simulator?: Omit<SimulatorOptions, 'devices' | 'port' | 'discoveryPort'>;
  /** The organization, and its owner who signs in (the header shows both names in screenshots). */
  organizationName?: string;
  adminName?: string;
  adminEmail?: string;
  adminPassword?: string;
  databaseKind?: TestDatabaseKind;
  telnetPort?: number;
  /** Hub settings on top of the stack's (e.g. a short agent heartbeat). */
  hubConfig?: HubConfigInput;
  /** The address the agent dials instead of the hub's own (e.g. a loopback proxy in front of it). */
  agentHubUrl?: (hubUrl: string) => string | Promise<string>;
  /** Agent settings on top of the stack's (e.g. a small outbox cap). */
  agentConfig?: Partial<AgentConfigInput>;
  /** The hub's clock (e.g. a manual one that walks through a billing year). */
  clock?: CreateHubOptions['clock'];
}

export interface TestStack {
  baseUrl: string;
  adminEmail: string;
  adminPassword: string;
  agentName: string;
  simulator: Simulator;
  hub: Hub;
  agent: Agent;
  database: Database;
  /** Resolves once the hub lists at least `count` devices. */
  waitForDevices(count: number): Promise<void>;
  /** Stops the hub (the agent keeps running and buffering). */
  stopHub(): Promise<void>;
  /** Starts a new hub node on the same database and port. */
  startHub(): Promise<void>;
  close(): Promise<void>;
}

let stackCounter = 0;

/** Polls `check` until it returns true; the surrounding test's timeout bounds it. */
export async function until(check: () => boolean | Promise<boolean>, intervalMs = 50): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, intervalMs));
}

/** The x.y.z.0 /24 of each address, once each, in order. */
function subnetsOf(devices: readonly SimulatedDeviceSpec[]): string[] {
  return [...new Set(devices.map((device) => subnetOf(device.address)))];
}

/**
 * A whole site over loopback: a hub with the built web app on a fresh test database, a simulated site, and a
 * Local Agent connected to the hub with its own account. Each stack uses its own 127.4x.y.0 subnets unless given
 * `devices` (or `subnets`).
 */
export async function startTestStack(options: StartTestStackOptions = {}): Promise<TestStack> {
  stackCounter += 1;
  const base = 40 + (process.pid % 50);
  const given = options.devices;
  const subnets = options.subnets ?? (given ? subnetsOf(given) : [`127.${base}.${stackCounter}.0`]);
  const devices =
    given ?? createSiteSpec({ subnets, devicesPerSubnet: options.devicesPerSubnet ?? 8, seed: stackCounter });
  const disabled = new Set(options.disabledSubnets ?? []);
  const telnetPort = options.telnetPort ?? 2323;
  const database = await createTestDatabase(options.databaseKind ?? 'pglite');
  const adminEmail = options.adminEmail ?? 'admin@stack.tutti.test';
  const adminPassword = options.adminPassword ?? 'Stack-admin-2026!';
  const agentName = 'Test-Site';
  const agentPassword = 'Agent-pass-2026!';
  const dataDir = mkdtempSync(join(tmpdir(), 'tutti-stack-'));

  const hubConfig: HubConfigInput = {
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    webDir: webDistDir,
    liveFlushMs: 100,
    ...options.hubConfig,
  };
  const clock = options.clock ? { clock: options.clock } : {};
  let hub = await createHub({ database, ...clock, config: hubConfig });
  const baseUrl = await hub.start();
  const port = Number(new URL(baseUrl).port);
  const org = await ensureOrganization(
    database.db,
    { name: options.organizationName ?? 'Stack Organization', kind: 'client' },
    'test',
  );
  const adminName = options.adminName ?? 'Stack Admin';
  await ensureMember(
    database.db,
    { orgId: org.id, email: adminEmail, name: adminName, password: adminPassword, role: 'owner' },
    'test',
  );
  await ensureAgentAccount(database.db, org.id, agentName, agentPassword, 'test');

  const simulator = createSimulator({ ...options.simulator, devices, port: telnetPort, discoveryPort: 50_123 });
  await simulator.start();
  const agent = createAgent({
    ui: false,
    config: parseAgentConfig({
      dataDir: join(dataDir, 'agent'),
      serverName: agentName,
      hub: {
        url: options.agentHubUrl ? await options.agentHubUrl(baseUrl) : baseUrl,
        agentName,
        password: agentPassword,
      },
      subnets: subnets.map((subnet) => ({ subnet, interfaceName: 'lo', enabled: !disabled.has(subnet) })),
      telnetPort,
      scanIntervalSeconds: 2,
      discoveryTimeoutMs: 300,
      hubReconnect: { initialMs: 100, maxMs: 500 },
      logLevel: 'silent',
      ...options.agentConfig,
    }),
  });
  await agent.start();

  const client = createApiClient({ baseUrl, keepCookies: true });
  let signedIn = false;
  let hubRunning = true;
  return {
    baseUrl,
    adminEmail,
    adminPassword,
    agentName,
    simulator,
    agent,
    database,
    get hub() {
      return hub;
    },
    async waitForDevices(count) {
      await until(async () => {
        if (!signedIn) {
          await client.signIn({ email: adminEmail, password: adminPassword });
          signedIn = true;
        }
        return (await client.listDevices({ limit: 1 })).total >= count;
      }, 200);
    },
    async stopHub() {
      hubRunning = false;
      await hub.close();
    },
    async startHub() {
      hub = await createHub({ database, ...clock, config: { ...hubConfig, port } });
      await hub.start();
      hubRunning = true;
    },
    async close() {
      await agent.close();
      await simulator.close();
      if (hubRunning) await hub.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
