import { appError } from './errors.ts';
import { FIRMWARE_PACKAGE_MAGIC, firmwareManifestSchema, type FirmwareManifest } from './jobs.ts';
import type { DeviceFamily } from './models.ts';

/** SHA-256 as lowercase hex; given by the caller so this file also runs where `node:crypto` does not. */
export type Sha256Hex = (bytes: Uint8Array) => string;

const NEWLINE = 0x0a;

/** Builds a package: magic line, manifest line, image (tests, the demo and benchmarks make their packages so). */
export function buildFirmwarePackage(
  modelFamily: DeviceFamily,
  version: string,
  image: Uint8Array,
  sha256Hex: Sha256Hex,
): Uint8Array {
  const manifest: FirmwareManifest = {
    modelFamily,
    version,
    imageBytes: image.byteLength,
    imageSha256: sha256Hex(image),
  };
  const head = new TextEncoder().encode(`${FIRMWARE_PACKAGE_MAGIC}\n${JSON.stringify(manifest)}\n`);
  const bytes = new Uint8Array(head.byteLength + image.byteLength);
  bytes.set(head, 0);
  bytes.set(image, head.byteLength);
  return bytes;
}

/**
 * Reads and checks a package: the magic line, a valid manifest, and an image of exactly the announced length whose
 * SHA-256 matches. Anything else (another file, a truncated or altered one) is FIRMWARE_PACKAGE_INVALID with the
 * reason in its details. The hub checks on upload, the agent again before it touches a device.
 */
export function readFirmwarePackage(
  content: Uint8Array,
  sha256Hex: Sha256Hex,
): { manifest: FirmwareManifest; image: Uint8Array } {
  const magicEnd = content.indexOf(NEWLINE);
  const manifestEnd = magicEnd < 0 ? -1 : content.indexOf(NEWLINE, magicEnd + 1);
  const decoder = new TextDecoder();
  if (manifestEnd < 0 || decoder.decode(content.subarray(0, magicEnd)) !== FIRMWARE_PACKAGE_MAGIC) {
    throw appError('FIRMWARE_PACKAGE_INVALID', { reason: 'not a firmware package' });
  }
  let manifest: FirmwareManifest;
  try {
    manifest = firmwareManifestSchema.parse(JSON.parse(decoder.decode(content.subarray(magicEnd + 1, manifestEnd))));
  } catch {
    throw appError('FIRMWARE_PACKAGE_INVALID', { reason: 'manifest unreadable' });
  }
  const image = content.subarray(manifestEnd + 1);
  if (image.byteLength !== manifest.imageBytes) {
    throw appError('FIRMWARE_PACKAGE_INVALID', {
      reason: 'incomplete',
      expectedBytes: manifest.imageBytes,
      actualBytes: image.byteLength,
    });
  }
  if (sha256Hex(image) !== manifest.imageSha256) {
    throw appError('FIRMWARE_PACKAGE_INVALID', { reason: 'image checksum mismatch' });
  }
  return { manifest, image };
}
