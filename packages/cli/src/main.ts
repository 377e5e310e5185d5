#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { isAppError } from '@tutti/protocol';
import { agentPackagePublicKey, buildAgentPackage, createAgent, loadAgentConfig } from '@tutti/agent';
import { readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import {
  createHub,
  ensureAgentAccount,
  ensureMember,
  ensureOrganization,
  signLicense,
  verifyAuditChain,
} from '@tutti/hub';
import { startDemo, webDistDir } from './demo.ts';
import { createCliLogger } from './logger.ts';
import { buildSimSite, runSim, type SimFlags } from './sim.ts';

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) throw new InvalidArgumentError('Not a port number.');
  return parsed;
}

function positiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('Not a positive whole number.');
  return parsed;
}

function nonNegativeInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError('Not a whole number ≥ 0.');
  return parsed;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Runs until Ctrl-C or SIGTERM, then closes everything once. */
function untilSignalled(close: () => Promise<void>): void {
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    process.stderr.write(`\n${signal} received, stopping…\n`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Stopping failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

const program = new Command()
  .name('tutti')
  .description('Tutti: fleet management for ClearOne professional audio/video installations')
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent', process.env.LOG_LEVEL ?? 'info');

program
  .command('demo')
  .description('Start a hub, a Local Agent and a simulated site of about 60 devices, with a demo login')
  .option('-p, --port <port>', 'hub HTTP port', port, 8080)
  .option('--host <address>', 'address the hub listens on', '127.0.0.1')
  .option('--data-dir <dir>', 'where the demo keeps its data', process.env.TUTTI_DATA_DIR ?? 'data')
  .option('--agent-ui-port <port>', "port of the agent's own web UI", port, 8090)
  .option('--devices-per-subnet <n>', 'simulated devices in each of the 3 subnets', positiveInt, 20)
  .option('--no-activity', 'keep the simulated site still (no random faults)')
  .action(
    async (options: {
      port: number;
      host: string;
      dataDir: string;
      agentUiPort: number;
      devicesPerSubnet: number;
      activity: boolean;
    }) => {
      const log = createCliLogger(program.opts<{ logLevel: string }>().logLevel, true);
      const adminEmail = process.env.TUTTI_ADMIN_EMAIL ?? 'admin@demo.tutti.test';
      const adminPassword = process.env.TUTTI_ADMIN_PASSWORD ?? 'Tutti-demo-2026!';
      const demo = await startDemo({
        ...options,
        adminEmail,
        adminPassword,
        logger: log,
        ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
      });
      const lines = [
        '',
        '  Tutti demo is running',
        `  Web app:     ${demo.url}`,
        `  Sign in as:  ${adminEmail}`,
        `  Password:    ${adminPassword}`,
        `  Local Agent: ${demo.agent.uiUrl ?? '(UI off)'}`,
        `  API docs:    ${demo.url}/api/docs`,
        `  Data:        ${options.dataDir}${process.env.DATABASE_URL ? ' (database: DATABASE_URL)' : ' (embedded PGlite)'}`,
        '  Stop with Ctrl-C.',
        '',
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      untilSignalled(() => demo.close());
    },
  );

program
  .command('hub')
  .description('Run a hub node (PGlite in --data-dir, or PostgreSQL from DATABASE_URL)')
  .option('-p, --port <port>', 'HTTP port', port, 8080)
  .option('--host <address>', 'listen address', '127.0.0.1')
  .option('--data-dir <dir>', 'data directory for the embedded database')
  .option('--web-dir <dir>', 'built web app to serve', webDistDir)
  .option('--nats <url>', 'NATS server(s) shared by the hub nodes of one deployment, e.g. nats://127.0.0.1:4222')
  .action(async (options: { port: number; host: string; dataDir?: string; webDir: string; nats?: string }) => {
    const logLevel = program.opts<{ logLevel: string }>().logLevel;
    const hub = await createHub({
      logger: createCliLogger(logLevel, false),
      config: {
        port: options.port,
        host: options.host,
        webDir: options.webDir,
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        ...(options.nats ? { natsUrl: options.nats } : {}),
      },
    });
    await hub.start();
    untilSignalled(() => hub.close());
  });

program
  .command('agent')
  .description('Run a Local Agent')
  .option('-c, --config <file>', 'JSON configuration file')
  .option('--data-dir <dir>', 'where the outbox and settings live')
  .option('--ui-port <port>', 'port of the local web UI', port)
  .option('--hub-url <url>', 'hub to connect to, e.g. https://hub.example.com')
  .option('--agent-name <name>', 'agent server account name')
  .option('--subnet <subnet>', 'enable scanning of a loopback /24 (repeatable)', collect, [])
  .option('--telnet-port <port>', 'device telnet port', port)
  .action(
    async (options: {
      config?: string;
      dataDir?: string;
      uiPort?: number;
      hubUrl?: string;
      agentName?: string;
      subnet: string[];
      telnetPort?: number;
    }) => {
      const logLevel = program.opts<{ logLevel: string }>().logLevel;
      const password = process.env.TUTTI_AGENT_PASSWORD;
      const config = loadAgentConfig(options.config, {
        dataDir: options.dataDir,
        uiPort: options.uiPort,
        telnetPort: options.telnetPort,
        ...(options.hubUrl && options.agentName && password
          ? { hub: { url: options.hubUrl, agentName: options.agentName, password } }
          : {}),
        ...(options.subnet.length > 0 ? { subnets: options.subnet.map((subnet) => ({ subnet, enabled: true })) } : {}),
      });
      const agent = createAgent({ config, logger: createCliLogger(logLevel, false) });
      await agent.start();
      untilSignalled(() => agent.close());
    },
  );

program
  .command('sim')
  .description(
    'Run simulated ClearOne devices on loopback subnets; type fault commands (help, list, down <serial>, …) while it runs',
  )
  .option('--site <file>', 'YAML or JSON site file (subnets, stacks, product mix, up to 10,000 devices)')
  .option('--subnet <subnet>', 'loopback /24 to populate (repeatable)', collect, [])
  .option('--devices-per-subnet <n>', 'devices in each subnet, peripherals included', positiveInt, 20)
  .option('--telnet-port <port>', 'telnet port of every simulated device (default 2323)', port)
  .option('--discovery-port <port>', 'UDP discovery port (default 50123)', port)
  .option('--seed <n>', 'layout seed', positiveInt, 1)
  .option('--mix <weights>', 'units by weight, e.g. CONVERGE_PRO_2_128V=3,CONVERGE_HUDDLE=1,COLLABORATE_LIVE_600=1')
  .option('--peripheral-mix <weights>', 'P-Link peripherals by weight, e.g. BMA_2=2,DIALOG_20=1')
  .option('--stack-size <n|min-max>', 'boxes per CONVERGE Pro 2 stack (default 1-3)')
  .option('--max-peripherals <n>', 'most P-Link peripherals per DSP (default 4)', nonNegativeInt)
  .action(async (flags: SimFlags) => {
    const sim = await runSim(await buildSimSite(flags), process.stdin, process.stdout);
    untilSignalled(() => sim.close());
  });

const admin = program.command('admin').description('Administer a hub database (uses DATABASE_URL or --data-dir)');
admin.option('--data-dir <dir>', 'data directory of an embedded-database hub');

async function withHubDatabase<T>(work: (hub: Awaited<ReturnType<typeof createHub>>) => Promise<T>): Promise<T> {
  const dataDir = admin.opts<{ dataDir?: string }>().dataDir;
  const hub = await createHub({ config: { logLevel: 'warn', ...(dataDir ? { dataDir } : {}) } });
  try {
    await hub.database.migrate();
    return await work(hub);
  } finally {
    await hub.close();
  }
}

admin
  .command('migrate')
  .description('Apply database migrations')
  .action(async () => {
    await withHubDatabase(async () => undefined);
    process.stdout.write('Migrations applied.\n');
  });

admin
  .command('create-org')
  .description('Create an organization')
  .requiredOption('--name <name>')
  .option('--kind <kind>', 'support, client or enterprise', 'client')
  .option('--account <number>', 'account number (generated when left out)')
  .action(async (options: { name: string; kind: 'support' | 'client' | 'enterprise'; account?: string }) => {
    const org = await withHubDatabase((hub) =>
      ensureOrganization(
        hub.database.db,
        { name: options.name, kind: options.kind, ...(options.account ? { accountNumber: options.account } : {}) },
        'cli',
      ),
    );
    process.stdout.write(`Organization ${org.name}: account ${org.accountNumber}, id ${org.id}\n`);
  });

admin
  .command('create-user')
  .description('Create a user (password from TUTTI_USER_PASSWORD) with a role in an organization')
  .requiredOption('--org <id>', 'organization id')
  .requiredOption('--email <email>')
  .option('--name <name>', 'display name', 'Administrator')
  .option('--role <role>', 'owner, administrator, technician, monitor or billing', 'administrator')
  .action(
    async (options: {
      org: string;
      email: string;
      name: string;
      role: 'owner' | 'administrator' | 'technician' | 'monitor' | 'billing';
    }) => {
      const password = process.env.TUTTI_USER_PASSWORD;
      if (!password) throw new InvalidArgumentError('Set TUTTI_USER_PASSWORD to the new password.');
      await withHubDatabase((hub) =>
        ensureMember(
          hub.database.db,
          { orgId: options.org, email: options.email, name: options.name, password, role: options.role },
          'cli',
        ),
      );
      process.stdout.write(`User ${options.email} can sign in.\n`);
    },
  );

admin
  .command('create-agent')
  .description('Create an agent server account (password from TUTTI_AGENT_PASSWORD)')
  .requiredOption('--org <id>', 'organization id')
  .requiredOption('--name <name>', 'agent name, unique within the organization')
  .action(async (options: { org: string; name: string }) => {
    const password = process.env.TUTTI_AGENT_PASSWORD;
    if (!password) throw new InvalidArgumentError('Set TUTTI_AGENT_PASSWORD to the agent password.');
    await withHubDatabase((hub) => ensureAgentAccount(hub.database.db, options.org, options.name, password, 'cli'));
    process.stdout.write(`Agent account ${options.name} is ready.\n`);
  });

admin
  .command('audit')
  .description('Audit log tools')
  .command('verify')
  .description('Recompute the audit hash chain; exits 1 when an entry was changed, removed or inserted')
  .action(async () => {
    const report = await withHubDatabase((hub) => verifyAuditChain(hub.database.db));
    if (report.ok) {
      process.stdout.write(`Audit chain intact: ${report.entries} entries.\n`);
      return;
    }
    process.stdout.write(`Audit chain broken at entry ${report.brokenAt?.id} (${report.brokenAt?.reason}).\n`);
    process.exitCode = 1;
  });

admin
  .command('license')
  .description('Enterprise licenses')
  .command('issue')
  .description('Sign an enterprise license (Ed25519) and print it as JSON, or write it with --out')
  .requiredOption('--key <pem>', 'Ed25519 private key file (PEM) of the license issuer')
  .requiredOption('--customer <name>', 'customer the license is for')
  .requiredOption('--max-devices <n>', 'most Pro Audio devices managed', (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('A whole number, 0 or more.');
    return n;
  })
  .requiredOption('--expires <date>', 'expiry, e.g. 2027-06-30 or 2027-06-30T00:00:00Z')
  .option('--features <list>', 'comma-separated features, e.g. ldap,sso', '')
  .option('--id <licenseId>', 'license id (generated when left out)')
  .option('--out <file>', 'write the license file here instead of printing it')
  .action(
    (options: {
      key: string;
      customer: string;
      maxDevices: number;
      expires: string;
      features: string;
      id?: string;
      out?: string;
    }) => {
      const expires = new Date(options.expires);
      if (Number.isNaN(expires.getTime())) throw new InvalidArgumentError('--expires: not a date.');
      const signed = signLicense(readFileSync(options.key, 'utf8'), {
        licenseId: options.id ?? `LIC-${randomUUID().slice(0, 8).toUpperCase()}`,
        customer: options.customer,
        maxProAudioDevices: options.maxDevices,
        features: options.features
          .split(',')
          .map((feature) => feature.trim())
          .filter(Boolean),
        issuedAt: new Date().toISOString(),
        expiresAt: expires.toISOString(),
      });
      const text = `${JSON.stringify(signed, null, 2)}\n`;
      if (options.out) {
        writeFileSync(options.out, text);
        process.stdout.write(`License ${signed.license.licenseId} written to ${options.out}.\n`);
      } else {
        process.stdout.write(text);
      }
    },
  );

admin
  .command('agent-package')
  .description('Local Agent packages')
  .command('build')
  .description('Build the self-contained Local Agent package (tar.gz) and its signed manifest into a directory')
  .requiredOption('--key <pem>', 'Ed25519 private key file (PEM) that signs the package')
  .option('--out <dir>', "directory to write to: the hub's agent packages directory", 'data/hub/agent-packages')
  .option('--version <version>', 'version to stamp into the bundle (default: the agent version)')
  .action(async (options: { key: string; out: string; version?: string }) => {
    const built = await buildAgentPackage({
      outDir: options.out,
      signingKeyPem: readFileSync(options.key, 'utf8'),
      ...(options.version ? { version: options.version } : {}),
    });
    process.stdout.write(
      `Local Agent ${built.signed.manifest.version} package written to ${built.archivePath} ` +
        `(${built.signed.manifest.size} bytes, SHA-256 ${built.signed.manifest.sha256}).\n` +
        `Agents trust it with this public key in selfUpdate.trustedKeys:\n${agentPackagePublicKey(readFileSync(options.key, 'utf8'))}`,
    );
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`${isAppError(error) || error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
