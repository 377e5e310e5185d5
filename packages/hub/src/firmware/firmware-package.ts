import { createHash } from 'node:crypto';
import {
  buildFirmwarePackage as buildPackage,
  readFirmwarePackage,
  type DeviceFamily,
  type FirmwareManifest,
} from '@tutti/protocol';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A firmware package of `image` (tests, the demo and benchmarks). */
export function buildFirmwarePackage(modelFamily: DeviceFamily, version: string, image: Uint8Array): Buffer {
  return Buffer.from(buildPackage(modelFamily, version, image, sha256Hex));
}

export function verifyFirmwarePackage(content: Uint8Array): FirmwareManifest {
  return readFirmwarePackage(content, sha256Hex).manifest;
}
