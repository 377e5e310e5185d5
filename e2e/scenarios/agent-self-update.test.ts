import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, readlinkSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '@tutti/client';
import {
  AGENT_VERSION,
  agentPackagePublicKey,
  buildAgentPackage,
  createAgent,
  parseAgentConfig,
  type Agent,
  type BuiltAgentPackage,
} from '@tutti/agent';
import {
  createHub,
  createTestDatabase,
  ensureAgentAccount,
  ensureMember,
  ensureOrganization,
  type Database,
  type Hub,
} from '@tutti/hub';

const NEW_VERSION = '9.9.0';
const agentName = 'Update-Site';
const agentPassword = 'Agent-pass-2026!';
const adminEmail = 'admin@update.tutti.test';
const adminPassword = 'Update-admin-2026!';

function privateKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

describe('Local Agent packages and self-update', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'tutti-self-update-'));
  const packagesDir = join(workDir, 'packages');
  const releaseKey = privateKeyPem();
  const releasePublicKey = agentPackagePublicKey(releaseKey);
  let built: BuiltAgentPackage;
  let database: Database;
  let hub: Hub;
  let baseUrl: string;
  const agents: Agent[] = [];

  beforeAll(async () => {
    built = await buildAgentPackage({ outDir: packagesDir, signingKeyPem: releaseKey, version: NEW_VERSION });
    database = await createTestDatabase('pglite');
    hub = await createHub({
      database,
      config: { host: '127.0.0.1', port: 0, logLevel: 'silent', agentPackagesDir: packagesDir },
    });
    baseUrl = await hub.start();
    const org = await ensureOrganization(database.db, { name: 'Update Organization', kind: 'client' }, 'test');
    await ensureMember(
      database.db,
      { orgId: org.id, email: adminEmail, name: 'Update Admin', password: adminPassword, role: 'owner' },
      'test',
    );
    await ensureAgentAccount(database.db, org.id, agentName, agentPassword, 'test');
  });

  afterAll(async () => {
    for (const agent of agents) await agent.close();
    await hub?.close();
    await database?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  /** An agent linked to the hub that updates on request into its own install directory. */
  async function startAgent(name: string, overrides: { trustedKeys?: string[]; password?: string } = {}) {
    const installDir = join(workDir, name, 'install');
    const installed: string[] = [];
    const agent = createAgent({
      ui: false,
      onUpdateInstalled: (version) => installed.push(version),
      config: parseAgentConfig({
        dataDir: join(workDir, name, 'data'),
        hub: { url: baseUrl, agentName, password: overrides.password ?? agentPassword },
        hubReconnect: { initialMs: 100, maxMs: 500 },
        logLevel: 'silent',
        selfUpdate: { mode: 'manual', installDir, trustedKeys: overrides.trustedKeys ?? [releasePublicKey] },
      }),
    });
    agents.push(agent);
    await agent.start();
    return { agent, installDir, installed };
  }

  it('offers its packages to signed-in people, newest first, and serves the exact archive', async () => {
    const client = createApiClient({ baseUrl, keepCookies: true });
    await client.signIn({ email: adminEmail, password: adminPassword });
    const list = await client.listAgentPackages();
    expect(list.latest).toBe(NEW_VERSION);
    expect(list.items).toEqual([
      expect.objectContaining({ version: NEW_VERSION, sha256: built.signed.manifest.sha256 }),
    ]);
    const anonymous = await fetch(`${baseUrl}${list.items[0]!.downloadPath}`);
    expect(anonymous.status).toBe(401);
  });

  it('installs the newest package, points current at it and asks to be restarted; the bundle runs', async () => {
    expect(AGENT_VERSION).not.toBe(NEW_VERSION);
    const { agent, installDir, installed } = await startAgent('trusting');
    await expect(agent.updateNow()).resolves.toBe(NEW_VERSION);
    expect(installed).toEqual([NEW_VERSION]);
    expect(agent.status().update).toMatchObject({ phase: 'restarting', availableVersion: NEW_VERSION });
    expect(readlinkSync(join(installDir, 'current'))).toBe(join('versions', NEW_VERSION));
    const bundle = join(installDir, 'current', 'tutti-agent.mjs');
    expect(execFileSync(process.execPath, [bundle, '--version'], { encoding: 'utf8' }).trim()).toBe(NEW_VERSION);
    const config = join(workDir, 'check-config.json');
    writeFileSync(config, JSON.stringify({ dataDir: join(workDir, 'check-data') }));
    // --check opens SQLite through the native module shipped in the package.
    expect(execFileSync(process.execPath, [bundle, '--config', config, '--check'], { encoding: 'utf8' })).toContain(
      `agent ${NEW_VERSION} ready`,
    );
  });

  it('refuses a package signed by a key it does not trust, and installs nothing', async () => {
    const { agent, installDir, installed } = await startAgent('sceptical', {
      trustedKeys: [agentPackagePublicKey(privateKeyPem())],
    });
    await expect(agent.updateNow()).resolves.toBeNull();
    expect(agent.status().update).toMatchObject({ phase: 'failed' });
    expect(agent.status().update.lastError).toContain('untrusted signature');
    expect(installed).toEqual([]);
    expect(existsSync(join(installDir, 'current'))).toBe(false);
  });

  it('refuses a tampered archive whose checksum no longer matches, and installs nothing', async () => {
    const original = readFileSync(built.archivePath);
    const tampered = Buffer.from(original);
    tampered[tampered.length >> 1] = (tampered[tampered.length >> 1]! + 1) % 256;
    writeFileSync(built.archivePath, tampered);
    try {
      const { agent, installDir, installed } = await startAgent('tampered');
      await expect(agent.updateNow()).resolves.toBeNull();
      expect(agent.status().update.lastError).toContain('checksum mismatch');
      expect(installed).toEqual([]);
      expect(existsSync(join(installDir, 'current'))).toBe(false);
    } finally {
      writeFileSync(built.archivePath, original);
    }
  });

  it('gets nothing with a wrong agent password', async () => {
    const { agent, installed } = await startAgent('stranger', { password: 'Not-the-password-1!' });
    await expect(agent.updateNow()).resolves.toBeNull();
    expect(agent.status().update).toMatchObject({ phase: 'failed', availableVersion: null });
    expect(installed).toEqual([]);
  });
});
