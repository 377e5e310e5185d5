import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createSimulator, type Simulator, type SimulatorOptions } from '@tutti/devices';
import type { DeviceStatus } from '@tutti/protocol';
import { createAgent, type Agent } from '../agent.ts';
import { parseAgentConfig, type AgentConfigInput } from '../config/agent-config.ts';
import { startFakeHub, type FakeHub } from './fake-hub.ts';

export interface StartSimulatedSiteOptions {
  simulator: Omit<SimulatorOptions, 'port' | 'discoveryPort'>;
  telnetPort: number;
  discoveryPort: number;
  subnet: string;
  interfaceName?: string;
  agentName: string;
  /** Settings on top of the quick-scanning defaults every site test shares. */
  config?: Partial<AgentConfigInput>;
}

export interface SimulatedSite {
  simulator: Simulator;
  hub: FakeHub;
  agent: Agent;
  device(serial: string): ReturnType<Agent['status']>['devices'][number] | undefined;
  statusIs(serial: string, status: DeviceStatus): boolean;
  close(): Promise<void>;
}

/** A simulated site watched by a real agent that reports to a fake hub: the set-up of the agent's site tests. */
export async function startSimulatedSite(options: StartSimulatedSiteOptions): Promise<SimulatedSite> {
  const simulator = createSimulator({
    ...options.simulator,
    port: options.telnetPort,
    discoveryPort: options.discoveryPort,
  });
  await simulator.start();
  const hub = await startFakeHub();
  const dataDir = mkdtempSync(join(tmpdir(), `tutti-agent-${options.agentName}-`));
  const agent = createAgent({
    config: parseAgentConfig({
      dataDir,
      uiPort: 0,
      telnetPort: options.telnetPort,
      discoveryPort: options.discoveryPort,
      discoveryTimeoutMs: 100,
      scanIntervalSeconds: 0.3,
      missingScansBeforeLost: 100,
      hub: { url: hub.url, agentName: options.agentName, password: hub.password },
      subnets: [
        {
          subnet: options.subnet,
          enabled: true,
          ...(options.interfaceName ? { interfaceName: options.interfaceName } : {}),
        },
      ],
      deviceRetry: { initialMs: 50, maxMs: 200 },
      hubReconnect: { initialMs: 20, maxMs: 100 },
      credentialsKey: 'c'.repeat(64),
      ...options.config,
    }),
    logger: pino({ level: 'silent' }),
  });
  await agent.start();
  const device = (serial: string) => agent.status().devices.find((candidate) => candidate.serial === serial);
  return {
    simulator,
    hub,
    agent,
    device,
    statusIs: (serial, status) => device(serial)?.status === status,
    async close() {
      await agent.close();
      await hub.close();
      await simulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
