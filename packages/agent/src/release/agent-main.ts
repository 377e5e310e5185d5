import { parseArgs } from 'node:util';
import { createAgent } from '../agent.ts';
import { loadAgentConfig } from '../config/agent-config.ts';
import { AGENT_VERSION } from '../version.ts';

/*
 * Entry point of the packaged Local Agent (`node tutti-agent.mjs --config /etc/tutti-agent/config.json`), bundled
 * into one file by build-agent-package.ts. The service unit restarts the process when it exits, which is how a
 * self-update takes effect.
 */

const usage = `Usage: tutti-agent --config <file>   run the Local Agent
       tutti-agent --version         print the version
       tutti-agent --check           load the configuration and the native modules, then exit`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      version: { type: 'boolean' },
      check: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return void process.stdout.write(`${usage}\n`);
  if (values.version) return void process.stdout.write(`${AGENT_VERSION}\n`);
  if (!values.config) {
    process.stderr.write(`${usage}\n`);
    process.exitCode = 2;
    return;
  }
  const config = loadAgentConfig(values.config);
  if (values.check) {
    // Opening SQLite in memory proves the bundled native module matches this Node.js.
    const { default: Database } = await import('better-sqlite3');
    new Database(':memory:').close();
    process.stdout.write(`configuration ${values.config} is valid; agent ${AGENT_VERSION} ready\n`);
    return;
  }
  let stopping = false;
  const agent = createAgent({
    config,
    onUpdateInstalled: () => void stop(0),
  });
  async function stop(code: number): Promise<void> {
    if (stopping) return;
    stopping = true;
    await agent.close();
    process.exit(code);
  }
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  await agent.start();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
