import { posix } from 'node:path';
import { unzipSync } from 'fflate';
import {
  appError,
  FIRMWARE_CATALOG_MANIFEST,
  firmwareCatalogManifestSchema,
  isAppError,
  MAX_FIRMWARE_BYTES,
  type FirmwareCatalogImport,
  type importFirmwareCatalogRequestSchema,
} from '@tutti/protocol';
import type { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import type { AuthContext, ClientInfo } from '../auth/index.ts';
import type { Tx } from '../db/index.ts';
import { sha256Hex } from './firmware-package.ts';
import { addFirmwarePackage } from './firmware.service.ts';

function invalid(reason: string, details: Record<string, unknown> = {}): never {
  throw appError('FIRMWARE_CATALOG_INVALID', { reason, ...details });
}

/** The files of a catalog ZIP by path; a file that inflates past the package limit is refused rather than read. */
function unpackCatalog(content: Uint8Array): Record<string, Uint8Array> {
  try {
    return unzipSync(content, {
      filter: (file) => {
        if (file.originalSize > MAX_FIRMWARE_BYTES)
          invalid('a file inflates past the package size limit', { file: file.name });
        return !file.name.endsWith('/');
      },
    });
  } catch (error) {
    if (isAppError(error)) throw error;
    return invalid('not a ZIP file, or a damaged or incomplete one');
  }
}

/**
 * Imports a catalog file: a ZIP with `catalog.json` (each package's file, model family, version, release notes and
 * SHA-256) and the package files. Each listed package is checked exactly as a single upload is and added, or
 * refused with the code a single upload would have given; one bad package does not keep out the others. A catalog
 * that is not readable at all, or whose own checksum does not match, adds nothing.
 */
export async function importFirmwareCatalog(
  tx: Tx,
  auth: AuthContext,
  request: z.output<typeof importFirmwareCatalogRequestSchema>,
  client: ClientInfo,
): Promise<FirmwareCatalogImport> {
  const content = Buffer.from(request.contentBase64, 'base64');
  const actual = sha256Hex(content);
  if (actual !== request.sha256) {
    throw appError('FIRMWARE_CHECKSUM_MISMATCH', { expected: request.sha256, actual, sizeBytes: content.byteLength });
  }
  const files = unpackCatalog(content);
  const manifestBytes = files[FIRMWARE_CATALOG_MANIFEST];
  if (!manifestBytes) invalid(`no ${FIRMWARE_CATALOG_MANIFEST} in the catalog`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(manifestBytes));
  } catch {
    invalid(`${FIRMWARE_CATALOG_MANIFEST} is not JSON`);
  }
  const manifest = firmwareCatalogManifestSchema.safeParse(json);
  if (!manifest.success) {
    invalid(`${FIRMWARE_CATALOG_MANIFEST} does not describe a catalog`, {
      issues: manifest.error.issues
        .slice(0, 20)
        .map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  const result: FirmwareCatalogImport = { added: [], refused: [] };
  for (const entry of manifest.data.packages) {
    const packageBytes = files[entry.file];
    if (!packageBytes) {
      result.refused.push({
        file: entry.file,
        modelFamily: entry.modelFamily,
        version: entry.version,
        code: 'FIRMWARE_PACKAGE_INVALID',
        reason: 'The catalog lists this file but does not hold it.',
      });
      continue;
    }
    try {
      result.added.push(
        await addFirmwarePackage(
          tx,
          auth,
          {
            modelFamily: entry.modelFamily,
            version: entry.version,
            releaseNotes: entry.releaseNotes,
            fileName: posix.basename(entry.file),
            sha256: entry.sha256,
          },
          Buffer.from(packageBytes),
          client,
        ),
      );
    } catch (error) {
      if (!isAppError(error)) throw error;
      const details = error.details as { reason?: unknown } | undefined;
      result.refused.push({
        file: entry.file,
        modelFamily: entry.modelFamily,
        version: entry.version,
        code: error.code,
        reason: typeof details?.reason === 'string' ? `${error.message} (${details.reason})` : error.message,
      });
    }
  }
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'firmware.import',
    target: `firmware-catalog:${actual}`,
    after: {
      fileName: request.fileName,
      sha256: actual,
      added: result.added.map((item) => `${item.modelFamily} ${item.version}`),
      refused: result.refused.map((item) => ({ file: item.file, code: item.code })),
    },
    ip: client.ip,
  });
  return result;
}
