import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import {
  AGENT_VERSION,
  agentPackagePublicKey,
  buildAgentPackage,
  createAgent,
  parseAgentConfig,
  type Agent,
} from '@tutti/agent';
import { createSimulator, createSiteSpec, type Simulator } from '@tutti/devices';
import { createHub, ensureAgentAccount, ensureMember, ensureOrganization, type Hub } from '@tutti/hub';

export const DEMO_SUBNETS = ['127.20.1.0', '127.20.2.0', '127.20.3.0'];
export const DEMO_ORG_ACCOUNT = 'DEMO-0001';
export const DEMO_AGENT_NAME = 'Demo-Site';
/** Simulated devices listen on this telnet port: 23 would need root. */
export const DEMO_TELNET_PORT = 2323;
export const webDistDir = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface StartDemoOptions {
  port: number;
  host: string;
  dataDir: string;
  agentUiPort: number;
  devicesPerSubnet: number;
  adminEmail: string;
  adminPassword: string;
  /** Random faults now and then, so the dashboard moves. */
  activity: boolean;
  databaseUrl?: string;
  logger: Logger;
  /** Scan interval of the demo agent; short so devices show up quickly. */
  scanIntervalSeconds?: number;
}

export interface Demo {
  hub: Hub;
  agent: Agent;
  simulator: Simulator;
  url: string;
  close(): Promise<void>;
}

interface DemoSecrets {
  agentPassword: string;
}

/**
 * The demo signs its own Local Agent package with a key made once in the data dir (a real deployment uses the
 * release key of whoever builds its packages), so the Downloads page and the agent's update check have a package.
 */
async function ensureDemoAgentPackage(dataDir: string, packagesDir: string, log: Logger): Promise<string> {
  const keyFile = join(dataDir, 'demo-release-key.pem');
  if (!existsSync(keyFile)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  const signingKeyPem = readFileSync(keyFile, 'utf8');
  if (!existsSync(join(packagesDir, `tutti-agent-${AGENT_VERSION}.json`))) {
    const built = await buildAgentPackage({ outDir: packagesDir, signingKeyPem });
    log.info({ file: built.archivePath }, 'built the Local Agent package');
  }
  return agentPackagePublicKey(signingKeyPem);
}

/** The agent's password is made once and kept beside the data, so restarts reuse the same account. */
function demoSecrets(dataDir: string): DemoSecrets {
  const file = join(dataDir, 'demo-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoSecrets;
  const secrets = { agentPassword: `Ag-${randomBytes(12).toString('base64url')}-7!` };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

function startActivity(simulator: Simulator, log: Logger): () => void {
  const devices = simulator.devices();
  const faults = [
    (device: (typeof devices)[number]) => device.setLocate(true),
    (device: (typeof devices)[number]) => device.setTemperature(78),
    (device: (typeof devices)[number]) => device.setTemperature(41),
    (device: (typeof devices)[number]) => device.setSafetyMute(true),
    (device: (typeof devices)[number]) => device.setSafetyMute(false),
  ];
  const timer = setInterval(() => {
    const device = devices[Math.floor(Math.random() * devices.length)];
    const fault = faults[Math.floor(Math.random() * faults.length)];
    if (!device || !fault) return;
    try {
      fault(device);
    } catch (error) {
      log.debug({ err: error }, 'demo activity skipped');
    }
  }, 7_000);
  timer.unref();
  return () => clearInterval(timer);
}

/** Hub + agent + a simulated site of about 60 devices over 3 subnets, with a demo organization and admin. */
export async function startDemo(options: StartDemoOptions): Promise<Demo> {
  const dataDir = resolve(options.dataDir);
  const log = options.logger;
  const agentPackagesDir = join(dataDir, 'hub', 'agent-packages');
  const releasePublicKey = await ensureDemoAgentPackage(dataDir, agentPackagesDir, log);
  const hub = await createHub({
    logger: log.child({ component: 'hub' }),
    config: {
      host: options.host,
      port: options.port,
      dataDir: join(dataDir, 'hub'),
      agentPackagesDir,
      webDir: webDistDir,
      // Alert text messages go to the log: the demo has no SMS provider.
      sms: { provider: 'console' },
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    },
  });
  const url = await hub.start();
  const db = hub.database.db;
  const org = await ensureOrganization(
    db,
    { name: 'Demo Organization', kind: 'client', accountNumber: DEMO_ORG_ACCOUNT },
    'demo',
  );
  await ensureMember(
    db,
    {
      orgId: org.id,
      email: options.adminEmail,
      name: 'Demo Administrator',
      password: options.adminPassword,
      role: 'owner',
    },
    'demo',
  );
  const secrets = demoSecrets(dataDir);
  await ensureAgentAccount(db, org.id, DEMO_AGENT_NAME, secrets.agentPassword, 'demo');

  const simulator = createSimulator({
    devices: createSiteSpec({ subnets: DEMO_SUBNETS, devicesPerSubnet: options.devicesPerSubnet, seed: 2026 }),
    port: DEMO_TELNET_PORT,
  });
  await simulator.start();

  const agent = createAgent({
    logger: log.child({ component: 'agent' }),
    config: parseAgentConfig({
      dataDir: join(dataDir, 'agent'),
      uiPort: options.agentUiPort,
      serverName: DEMO_AGENT_NAME,
      hub: { url, agentName: DEMO_AGENT_NAME, password: secrets.agentPassword, organization: DEMO_ORG_ACCOUNT },
      subnets: DEMO_SUBNETS.map((subnet) => ({ subnet, interfaceName: 'lo', enabled: true })),
      telnetPort: DEMO_TELNET_PORT,
      scanIntervalSeconds: options.scanIntervalSeconds ?? 30,
      // Runs from source, so it reports newer packages without installing them.
      selfUpdate: { mode: 'manual', trustedKeys: [releasePublicKey] },
    }),
  });
  await agent.start();
  const stopActivity = options.activity ? startActivity(simulator, log) : () => undefined;

  return {
    hub,
    agent,
    simulator,
    url,
    async close() {
      stopActivity();
      await agent.close();
      await simulator.close();
      await hub.close();
    },
  };
}
