import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JOB_TOKEN_HEADER, readFirmwarePackage, type AgentJobFile, type FirmwareManifest } from '@tutti/protocol';
import { TargetFailure } from './device-operations.ts';
import { hubFileRequest, type HubEndpoint } from './hub-files.ts';

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export interface FirmwareImages {
  /** The package of `file`, downloaded once per agent and checked before use; throws a TargetFailure otherwise. */
  verified(file: AgentJobFile): Promise<FirmwareManifest>;
}

async function download(hub: HubEndpoint, file: AgentJobFile): Promise<Buffer> {
  const response = await hubFileRequest(hub, 'GET', file.path, { [JOB_TOKEN_HEADER]: file.token }, file.sizeBytes);
  if (response.status !== 200) {
    throw new TargetFailure('package_invalid', `The hub refused the download (HTTP ${response.status}).`);
  }
  return response.body;
}

/**
 * Firmware packages in `<dataDir>/firmware/<sha256>.pkg`, written only after the checksum and the manifest were
 * verified; targets of one job share one download.
 */
export function createFirmwareImages(dataDir: string, hub: () => HubEndpoint | null): FirmwareImages {
  const directory = join(dataDir, 'firmware');
  const pending = new Map<string, Promise<FirmwareManifest>>();

  function check(content: Buffer, file: AgentJobFile): FirmwareManifest {
    if (content.byteLength !== file.sizeBytes || sha256Hex(content) !== file.sha256) {
      throw new TargetFailure(
        'package_invalid',
        `The downloaded package does not match its SHA-256 (${content.byteLength} of ${file.sizeBytes} bytes).`,
      );
    }
    const { manifest } = readFirmwarePackage(content, sha256Hex);
    if (manifest.modelFamily !== file.modelFamily || manifest.version !== file.version) {
      throw new TargetFailure(
        'wrong_model',
        `The package holds ${manifest.modelFamily} ${manifest.version}, not ${file.modelFamily} ${file.version}.`,
      );
    }
    return manifest;
  }

  async function load(file: AgentJobFile): Promise<FirmwareManifest> {
    const path = join(directory, `${file.sha256}.pkg`);
    if (existsSync(path)) return check(readFileSync(path), file);
    const endpoint = hub();
    if (!endpoint) throw new TargetFailure('package_invalid', 'No hub is configured to download the package from.');
    let content: Buffer;
    try {
      content = await download(endpoint, file);
    } catch (error) {
      if (error instanceof TargetFailure) throw error;
      throw new TargetFailure('package_invalid', `The package could not be downloaded: ${(error as Error).message}`);
    }
    const manifest = check(content, file);
    mkdirSync(directory, { recursive: true });
    writeFileSync(`${path}.part`, content);
    renameSync(`${path}.part`, path);
    return manifest;
  }

  return {
    verified(file) {
      let loading = pending.get(file.sha256);
      if (!loading) {
        loading = load(file);
        pending.set(file.sha256, loading);
        // A failed download may succeed with the next token; a good one stays cached on disk.
        void loading.then(
          () => pending.delete(file.sha256),
          () => pending.delete(file.sha256),
        );
      }
      return loading;
    },
  };
}
