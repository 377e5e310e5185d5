import {
  appError,
  compareFirmwareVersions,
  deviceFamilySchema,
  type DeviceFamily,
  type FirmwareList,
  type FirmwarePackageDto,
  type uploadFirmwareRequestSchema,
} from '@tutti/protocol';
import type { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import type { AuthContext, ClientInfo } from '../auth/index.ts';
import type { Queryable, Tx } from '../db/index.ts';
import { sha256Hex, verifyFirmwarePackage } from './firmware-package.ts';
import {
  findFirmwareRow,
  firmwareContent,
  firmwareVersionExists,
  insertFirmware,
  latestVersions,
  listFirmwareRows,
  type FirmwareRow,
} from './firmware.queries.ts';

function toFirmwareDto(row: FirmwareRow): FirmwarePackageDto {
  return {
    id: row.id,
    modelFamily: deviceFamilySchema.parse(row.modelFamily),
    version: row.version,
    releaseNotes: row.releaseNotes,
    fileName: row.fileName,
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    uploadedBy: row.uploadedBy,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listFirmware(tx: Queryable, orgId: string): Promise<FirmwareList> {
  return { items: (await listFirmwareRows(tx, orgId)).map(toFirmwareDto) };
}

export async function getFirmware(tx: Queryable, orgId: string, id: string): Promise<FirmwarePackageDto> {
  const row = await findFirmwareRow(tx, orgId, id);
  if (!row) throw appError('FIRMWARE_NOT_FOUND', { id });
  return toFirmwareDto(row);
}

/** What the uploader says a package is, beside its bytes. */
export interface FirmwarePackageClaim {
  modelFamily: DeviceFamily;
  version: string;
  releaseNotes: string;
  fileName: string;
  /** The checksum the vendor published for the whole package file. */
  sha256: string;
}

/**
 * Adds a package to the catalog after checking, in this order: the checksum the uploader gave covers the file as
 * received (a truncated or altered transfer fails here), the file is a firmware package whose image matches its
 * manifest, and the manifest names the family and version the uploader chose.
 */
export async function addFirmwarePackage(
  tx: Tx,
  auth: AuthContext,
  claim: FirmwarePackageClaim,
  content: Buffer,
  client: ClientInfo,
): Promise<FirmwarePackageDto> {
  const actual = sha256Hex(content);
  if (actual !== claim.sha256) {
    throw appError('FIRMWARE_CHECKSUM_MISMATCH', { expected: claim.sha256, actual, sizeBytes: content.byteLength });
  }
  const manifest = verifyFirmwarePackage(content);
  if (manifest.modelFamily !== claim.modelFamily) {
    throw appError('FIRMWARE_WRONG_MODEL', { chosen: claim.modelFamily, package: manifest.modelFamily });
  }
  if (manifest.version !== claim.version) {
    throw appError('FIRMWARE_PACKAGE_INVALID', {
      reason: 'version differs',
      chosen: claim.version,
      package: manifest.version,
    });
  }
  if (await firmwareVersionExists(tx, auth.orgId, claim.modelFamily, claim.version)) {
    throw appError('FIRMWARE_VERSION_EXISTS', { modelFamily: claim.modelFamily, version: claim.version });
  }
  const { id } = await insertFirmware(tx, {
    orgId: auth.orgId,
    modelFamily: claim.modelFamily,
    version: claim.version,
    releaseNotes: claim.releaseNotes,
    fileName: claim.fileName,
    sizeBytes: content.byteLength,
    sha256: actual,
    content,
    uploadedBy: auth.email,
  });
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'firmware.upload',
    target: `firmware:${id}`,
    after: {
      modelFamily: claim.modelFamily,
      version: claim.version,
      sha256: actual,
      sizeBytes: content.byteLength,
    },
    ip: client.ip,
  });
  return getFirmware(tx, auth.orgId, id);
}

export async function uploadFirmware(
  tx: Tx,
  auth: AuthContext,
  request: z.output<typeof uploadFirmwareRequestSchema>,
  client: ClientInfo,
): Promise<FirmwarePackageDto> {
  const { contentBase64, ...claim } = request;
  return addFirmwarePackage(tx, auth, claim, Buffer.from(contentBase64, 'base64'), client);
}

/** The package bytes, checked against the stored checksum on every read. */
export async function readFirmwareContent(db: Queryable, orgId: string, id: string): Promise<Buffer> {
  const row = await firmwareContent(db, orgId, id);
  if (!row) throw appError('FIRMWARE_NOT_FOUND', { id });
  const content = Buffer.from(row.content);
  if (sha256Hex(content) !== row.sha256) throw appError('INTERNAL', { reason: 'stored firmware checksum mismatch' });
  return content;
}

/** Newest catalog version per model family. */
export async function newestFirmwareByFamily(db: Queryable, orgId: string): Promise<Map<DeviceFamily, string>> {
  const newest = new Map<DeviceFamily, string>();
  for (const row of await latestVersions(db, orgId)) {
    const family = deviceFamilySchema.parse(row.modelFamily);
    const current = newest.get(family);
    if (!current || compareFirmwareVersions(row.version, current) > 0) newest.set(family, row.version);
  }
  return newest;
}
