import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSiteSpec } from '@tutti/devices';
import { startSimulatedSite, type SimulatedSite } from './test-support/simulated-site.ts';
import { waitFor } from './test-support/wait-for.ts';

// This file owns 127.38.x.0/24 and its own ports.
const OCTET = 1 + Math.floor(Math.random() * 200);
const SUBNET = `127.38.${OCTET}.0`;
const TELNET_PORT = 27_000 + Math.floor(Math.random() * 800);
const DISCOVERY_PORT = TELNET_PORT + 26_000;

describe('an agent whose outbox cannot be kept on disk', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tutti-outbox-failure-'));
  let site: SimulatedSite;

  beforeAll(async () => {
    // A directory where the outbox's database file belongs: SQLite cannot open it, as with a damaged disk.
    mkdirSync(join(dataDir, 'outbox.sqlite'));
    site = await startSimulatedSite({
      simulator: { devices: createSiteSpec({ subnets: [SUBNET], devicesPerSubnet: 4, seed: 38 }) },
      telnetPort: TELNET_PORT,
      discoveryPort: DISCOVERY_PORT,
      subnet: SUBNET,
      agentName: 'No-Disk',
      config: { dataDir },
    });
  });
  afterAll(async () => {
    await site?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps monitoring, buffers in memory, and says it cannot buffer on disk', async () => {
    const [first] = site.simulator.devices();
    await waitFor(() => site.statusIs(first!.spec.serial, 'healthy'));
    const status = site.agent.status();
    expect(status.outbox.storage).toBe('memory');
    expect(status.outbox.storageError).toBeTruthy();
    expect(status.monitoring).toBe('issue');

    first!.setTemperature(85);
    await waitFor(() =>
      site.hub
        .events()
        .some(
          (event) =>
            event.kind === 'device.status' && event.serial === first!.spec.serial && event.status === 'overheating',
        ),
    );
    // The hub hears it too: the agent's state says Monitoring System Issue.
    await waitFor(() =>
      site.hub.events().some((event) => event.kind === 'agent.state' && event.monitoring === 'issue'),
    );
  });
});
