import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAppError } from '@tutti/protocol';
import { loadAgentConfig, parseAgentConfig } from './agent-config.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function configFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tutti-agent-config-'));
  dirs.push(dir);
  const file = join(dir, 'agent.json');
  writeFileSync(file, content);
  return file;
}

function issuesOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (isAppError(error) && error.code === 'CONFIG_INVALID') {
      return (error.details as { issues: { path: string; message: string }[] }).issues;
    }
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('agent config', () => {
  it('fills in the defaults', () => {
    const config = loadAgentConfig();
    expect(config).toMatchObject({
      uiHost: '127.0.0.1',
      uiPort: 8090,
      hub: null,
      subnets: [],
      deviceCredentials: { username: 'clearone', password: 'converge' },
      telnetPort: 23,
      discoveryPort: 50123,
    });
  });

  it('reads the file and lays the overrides on top, ignoring undefined overrides', () => {
    const file = configFile(
      JSON.stringify({
        uiPort: 9000,
        dataDir: '/tmp/from-file',
        hub: { url: 'https://hub.example.com', agentName: 'site-a', password: 'pw' },
        subnets: [{ subnet: '127.32.10.0/24', enabled: true }],
      }),
    );
    const config = loadAgentConfig(file, { uiPort: 9100, dataDir: undefined, scanIntervalSeconds: 5 });
    expect(config.uiPort).toBe(9100);
    expect(config.dataDir).toBe('/tmp/from-file');
    expect(config.scanIntervalSeconds).toBe(5);
    expect(config.hub).toMatchObject({ url: 'https://hub.example.com', agentName: 'site-a' });
    expect(config.subnets).toEqual([{ subnet: '127.32.10.0', interfaceName: 'lo', enabled: true }]);
  });

  it('lists every bad setting in one error', () => {
    const issues = issuesOf(() =>
      parseAgentConfig({
        uiPort: 70000,
        scanIntervalSeconds: -1,
        subnets: [{ subnet: '10.1.2.0', enabled: true }, { subnet: '127.32.11.5' }],
        hub: { url: 'ftp://nope', agentName: '', password: 'x' },
        telnetPort: 'twenty-three',
        unknownSetting: true,
      }),
    );
    const paths = issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'uiPort',
        'scanIntervalSeconds',
        'subnets.0.subnet',
        'subnets.1.subnet',
        'hub.url',
        'hub.agentName',
        'telnetPort',
        '(root)',
      ]),
    );
  });

  it('names the file when it is missing or not JSON', () => {
    expect(() => loadAgentConfig('/nonexistent/agent.json')).toThrow(/agent\.json/);
    expect(() => loadAgentConfig(configFile('{ not json'))).toThrow(/not valid JSON/);
  });
});
