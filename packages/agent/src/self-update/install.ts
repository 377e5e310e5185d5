import { mkdir, rename, rm, symlink, writeFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar';

/**
 * Unpacks a verified archive into `<installDir>/versions/<version>` and points `<installDir>/current` at it with
 * an atomic rename of a fresh symlink, so a crash leaves either the old or the new version, never half of one.
 * The previous version stays on disk for a manual roll-back.
 */
export async function installAgentPackage(installDir: string, version: string, archive: Buffer): Promise<string> {
  const versionsDir = join(installDir, 'versions');
  const target = join(versionsDir, version);
  const staging = join(versionsDir, `.${version}.staging`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  // tar refuses absolute paths and `..` by default (no `preservePaths`), so the archive cannot write elsewhere.
  await pipeline(Readable.from(archive), extract({ cwd: staging, strict: true }));
  await rm(target, { recursive: true, force: true });
  await rename(staging, target);
  const link = join(installDir, 'current');
  const nextLink = join(installDir, '.current.next');
  await rm(nextLink, { force: true });
  await symlink(join('versions', version), nextLink);
  await rename(nextLink, link);
  await writeFile(join(installDir, 'installed-version'), `${version}\n`);
  return target;
}

/** The version `<installDir>/current` points at, or null when there is none. */
export async function currentInstalledVersion(installDir: string): Promise<string | null> {
  try {
    const target = await readlink(join(installDir, 'current'));
    return target.split('/').at(-1) ?? null;
  } catch {
    return null;
  }
}
