import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { create } from 'tar';
import { AGENT_PACKAGE_PLATFORM, agentVersionSchema, type SignedAgentPackage } from '@tutti/protocol';
import { signAgentPackage } from '../self-update/package-signature.ts';
import { AGENT_VERSION } from '../version.ts';
import { installScript, serviceUnit } from './install-files.ts';

export interface BuildAgentPackageOptions {
  /** Directory the archive and its signed manifest are written to (the hub's `agentPackagesDir`). */
  outDir: string;
  /** Ed25519 private key (PEM) that signs the manifest. */
  signingKeyPem: string;
  /** Version baked into the bundle; defaults to the agent's own. */
  version?: string;
}

export interface BuiltAgentPackage {
  archivePath: string;
  manifestPath: string;
  signed: SignedAgentPackage;
}

const require = createRequire(import.meta.url);
const entry = join(dirname(fileURLToPath(import.meta.url)), 'agent-main.ts');

/** The native SQLite module stays outside the bundle; these files of it (and its loader) ship beside it. */
function nativeModuleFiles(): { from: string; to: string }[] {
  const sqliteRoot = dirname(require.resolve('better-sqlite3/package.json'));
  const bindingsRoot = dirname(require.resolve('bindings/package.json'));
  const fileUriRoot = dirname(createRequire(join(bindingsRoot, 'x.js')).resolve('file-uri-to-path/package.json'));
  return [
    { from: join(sqliteRoot, 'package.json'), to: 'node_modules/better-sqlite3/package.json' },
    { from: join(sqliteRoot, 'lib'), to: 'node_modules/better-sqlite3/lib' },
    {
      from: join(sqliteRoot, 'build', 'Release', 'better_sqlite3.node'),
      to: 'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    },
    { from: bindingsRoot, to: 'node_modules/bindings' },
    { from: fileUriRoot, to: 'node_modules/file-uri-to-path' },
  ];
}

/**
 * Builds the self-contained Local Agent package: `tutti-agent.mjs` (the agent and every pure-JavaScript
 * dependency in one file), the native SQLite module it loads, an install script and a systemd unit, as
 * `tutti-agent-<version>.tar.gz`, plus `tutti-agent-<version>.json` with its size, SHA-256 and Ed25519 signature.
 */
export async function buildAgentPackage(options: BuildAgentPackageOptions): Promise<BuiltAgentPackage> {
  const version = agentVersionSchema.parse(options.version ?? AGENT_VERSION);
  const staging = await mkdtemp(join(tmpdir(), 'tutti-agent-package-'));
  try {
    await build({
      entryPoints: [entry],
      outfile: join(staging, 'tutti-agent.mjs'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      external: ['better-sqlite3'],
      legalComments: 'none',
      // Bundled CommonJS code still calls require(); give the ES module one.
      banner: {
        js: "import { createRequire as __tuttiRequire } from 'node:module'; const require = __tuttiRequire(import.meta.url);",
      },
      plugins: [
        {
          name: 'agent-version',
          setup(context) {
            context.onLoad({ filter: /[\\/]agent[\\/]src[\\/]version\.ts$/ }, () => ({
              contents: `export const AGENT_VERSION = ${JSON.stringify(version)};`,
              loader: 'ts',
            }));
          },
        },
      ],
      logLevel: 'silent',
    });
    for (const file of nativeModuleFiles()) {
      await mkdir(dirname(join(staging, file.to)), { recursive: true });
      await cp(file.from, join(staging, file.to), { recursive: true });
    }
    await writeFile(join(staging, 'install.sh'), installScript(version), { mode: 0o755 });
    await writeFile(join(staging, 'tutti-agent.service'), serviceUnit());
    await writeFile(join(staging, 'VERSION'), `${version}\n`);

    await mkdir(options.outDir, { recursive: true });
    const file = `tutti-agent-${version}.tar.gz`;
    const archivePath = join(options.outDir, file);
    await create({ gzip: true, cwd: staging, file: archivePath, portable: true }, [
      'tutti-agent.mjs',
      'node_modules',
      'install.sh',
      'tutti-agent.service',
      'VERSION',
    ]);
    const archive = await readFile(archivePath);
    const signed = signAgentPackage(options.signingKeyPem, {
      product: 'tutti-agent',
      version,
      platform: AGENT_PACKAGE_PLATFORM,
      nodeAbi: process.versions.modules,
      file,
      size: archive.length,
      sha256: createHash('sha256').update(archive).digest('hex'),
      builtAt: new Date().toISOString(),
    });
    const manifestPath = join(options.outDir, `tutti-agent-${version}.json`);
    await writeFile(manifestPath, `${JSON.stringify(signed, null, 2)}\n`);
    return { archivePath, manifestPath, signed };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
