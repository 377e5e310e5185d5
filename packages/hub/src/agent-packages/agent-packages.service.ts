import { createReadStream, type ReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  API_PREFIX,
  appError,
  compareAgentVersions,
  signedAgentPackageSchema,
  type AgentPackageDto,
  type AgentPackageList,
  type SignedAgentPackage,
} from '@tutti/protocol';

/**
 * Local Agent packages the hub offers: `tutti-agent-<version>.tar.gz` with its signed manifest
 * `tutti-agent-<version>.json` in the packages directory, as `tutti admin agent-package build` writes them. The
 * hub does not need the signing key; agents check the signature themselves.
 */
export async function readAgentPackages(dir: string): Promise<SignedAgentPackage[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const packages: SignedAgentPackage[] = [];
  for (const name of names.filter((entry) => /^tutti-agent-.+\.json$/.test(entry))) {
    try {
      const signed = signedAgentPackageSchema.parse(JSON.parse(await readFile(join(dir, name), 'utf8')));
      const archive = await stat(join(dir, signed.manifest.file));
      // A manifest whose archive is missing or of another size is a half-copied release: not offered.
      if (archive.size === signed.manifest.size) packages.push(signed);
    } catch {
      continue;
    }
  }
  return packages.sort((a, b) => compareAgentVersions(b.manifest.version, a.manifest.version));
}

function toDto(signed: SignedAgentPackage): AgentPackageDto {
  const { version, platform, size, sha256, builtAt } = signed.manifest;
  return {
    version,
    platform,
    size,
    sha256,
    builtAt,
    downloadPath: `${API_PREFIX}/agent-packages/${version}/archive`,
  };
}

export async function listAgentPackages(dir: string): Promise<AgentPackageList> {
  const packages = await readAgentPackages(dir);
  return { items: packages.map(toDto), latest: packages[0]?.manifest.version ?? null };
}

export async function latestAgentPackage(dir: string): Promise<SignedAgentPackage> {
  const [latest] = await readAgentPackages(dir);
  if (!latest) throw appError('AGENT_PACKAGE_NOT_FOUND', { version: 'latest' });
  return latest;
}

export async function openAgentPackageArchive(
  dir: string,
  version: string,
): Promise<{ signed: SignedAgentPackage; stream: ReadStream }> {
  const signed = (await readAgentPackages(dir)).find((candidate) => candidate.manifest.version === version);
  if (!signed) throw appError('AGENT_PACKAGE_NOT_FOUND', { version });
  return { signed, stream: createReadStream(join(dir, signed.manifest.file)) };
}
