import { z } from 'zod';

/** Self-contained Local Agent packages: one bundled JavaScript file, its native SQLite module, install script. */
export const AGENT_PACKAGE_PLATFORM = 'linux-x64';

/** `1.4.0`, `0.2.0-rc.1`: the agent's own version numbers (semantic versioning). */
export const agentVersionSchema = z
  .string()
  .max(32)
  .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/, 'a version such as 1.4.0');

export const agentPackageManifestSchema = z.strictObject({
  product: z.literal('tutti-agent'),
  version: agentVersionSchema,
  platform: z.literal(AGENT_PACKAGE_PLATFORM),
  /** Node.js module ABI the native SQLite module was built for (`process.versions.modules`). */
  nodeAbi: z.string().regex(/^\d+$/),
  /** The package archive next to the manifest. */
  file: z.string().regex(/^tutti-agent-[0-9A-Za-z.-]+\.tar\.gz$/),
  size: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  builtAt: z.iso.datetime(),
});
export type AgentPackageManifest = z.infer<typeof agentPackageManifestSchema>;

/** The `.json` file published beside each archive: the manifest and a base64url Ed25519 signature of it. */
export const signedAgentPackageSchema = z.strictObject({
  manifest: agentPackageManifestSchema,
  signature: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, 'base64url'),
});
export type SignedAgentPackage = z.infer<typeof signedAgentPackageSchema>;

/** The bytes a package signature covers: the manifest's fields in a fixed order. */
export function canonicalAgentPackageJson(manifest: AgentPackageManifest): string {
  return JSON.stringify({
    product: manifest.product,
    version: manifest.version,
    platform: manifest.platform,
    nodeAbi: manifest.nodeAbi,
    file: manifest.file,
    size: manifest.size,
    sha256: manifest.sha256,
    builtAt: manifest.builtAt,
  });
}

function versionParts(version: string): { core: number[]; pre: string | null } {
  const [core = '', pre] = version.split('-', 2);
  return { core: core.split('.').map(Number), pre: pre ?? null };
}

/** Semantic-version order: negative when `a` is older than `b`; a pre-release sorts before its release. */
export function compareAgentVersions(a: string, b: string): number {
  const left = versionParts(a);
  const right = versionParts(b);
  for (let index = 0; index < 3; index += 1) {
    const difference = (left.core[index] ?? 0) - (right.core[index] ?? 0);
    if (difference !== 0) return difference;
  }
  if (left.pre === right.pre) return 0;
  if (left.pre === null) return 1;
  if (right.pre === null) return -1;
  return left.pre.localeCompare(right.pre, 'en', { numeric: true });
}

/** A package as the Downloads page and the Servers screen list it. */
export const agentPackageDtoSchema = z.strictObject({
  version: agentVersionSchema,
  platform: z.literal(AGENT_PACKAGE_PLATFORM),
  size: z.number().int().positive(),
  sha256: z.string(),
  builtAt: z.string(),
  /** Path of the archive under the API, for a signed-in person. */
  downloadPath: z.string(),
});
export type AgentPackageDto = z.infer<typeof agentPackageDtoSchema>;

export const agentPackageListSchema = z.strictObject({
  items: z.array(agentPackageDtoSchema),
  /** Newest version, or null when the hub offers no package. */
  latest: agentVersionSchema.nullable(),
});
export type AgentPackageList = z.infer<typeof agentPackageListSchema>;

/** What an agent reports about its own updates (agent UI and its status). */
export const agentUpdateStateSchema = z.strictObject({
  mode: z.enum(['off', 'manual', 'automatic']),
  currentVersion: agentVersionSchema,
  availableVersion: agentVersionSchema.nullable(),
  phase: z.enum(['idle', 'checking', 'downloading', 'installing', 'restarting', 'failed']),
  lastCheckAt: z.iso.datetime().nullable(),
  lastError: z.string().max(500).nullable(),
});
export type AgentUpdateState = z.infer<typeof agentUpdateStateSchema>;
