import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createSimulator, createSiteSpec } from '@tutti/devices';
import { createAgent } from './agent.ts';
import { parseAgentConfig } from './config/agent-config.ts';
import { startFakeHub } from './test-support/fake-hub.ts';
const subnets = ['127.35.1.0', '127.35.2.0'];
const sim = createSimulator({
  devices: createSiteSpec({ subnets, devicesPerSubnet: 8, seed: 5 }),
  port: 24_035,
  discoveryPort: 50_435,
});
await sim.start();
const hub = await startFakeHub();
const agent = createAgent({
  config: parseAgentConfig({
    dataDir: mkdtempSync(join(tmpdir(), 'ui-')),
    uiPort: 18_090,
    telnetPort: 24_035,
    discoveryPort: 50_435,
    discoveryTimeoutMs: 200,
    scanIntervalSeconds: 5,
    hub: { url: hub.url, agentName: 'demo-site', password: hub.password },
    subnets: [
      { subnet: subnets[0]!, enabled: true },
      { subnet: subnets[1]!, enabled: false },
    ],
  }),
  logger: pino({ level: 'warn' }),
});
await agent.start();
sim.devices()[0]!.setLocate(true);
console.log(agent.uiUrl);
setTimeout(() => {
  void agent
    .close()
    .then(() => hub.close())
    .then(() => sim.close());
}, 25_000);
