import {
  appError,
  deviceModelSchema,
  type BackupDiff,
  type BackupDto,
  type BackupList,
  type BackupVerification,
} from '@tutti/protocol';
import type { Queryable, Tx } from '../db/index.ts';
import { diffProjects, projectXmlOf } from '../configurations/index.ts';
import { sha256Hex } from '../firmware/index.ts';
import {
  backupContent,
  backupOfTarget,
  findBackupRow,
  insertBackup,
  listBackupRows,
  newestBackups,
  type BackupRow,
} from './backups.queries.ts';

function toBackupDto(row: BackupRow): BackupDto {
  return {
    id: row.id,
    deviceId: row.deviceId,
    serial: row.serial,
    model: deviceModelSchema.parse(row.model),
    version: row.version,
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    jobId: row.jobId,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listBackups(tx: Queryable, orgId: string, deviceId: string | undefined): Promise<BackupList> {
  return { items: (await listBackupRows(tx, orgId, deviceId)).map(toBackupDto) };
}

export async function getBackup(tx: Queryable, orgId: string, id: string): Promise<BackupDto> {
  const row = await findBackupRow(tx, orgId, id);
  if (!row) throw appError('BACKUP_NOT_FOUND', { id });
  return toBackupDto(row);
}

/** The newest backup of each device, by device id. */
export async function newestBackupsOf(tx: Queryable, orgId: string, deviceIds: readonly string[]) {
  return new Map((await newestBackups(tx, orgId, deviceIds)).map((row) => [row.deviceId!, toBackupDto(row)]));
}

/** The stored configuration, checked against its SHA-256 on every read: a damaged copy is never handed out. */
export async function readBackupContent(db: Queryable, orgId: string, id: string): Promise<Buffer> {
  const row = await backupContent(db, orgId, id);
  if (!row) throw appError('BACKUP_NOT_FOUND', { id });
  const content = Buffer.from(row.content);
  if (sha256Hex(content) !== row.sha256) throw appError('BACKUP_CORRUPT', { id });
  return content;
}

export interface BackupUpload {
  orgId: string;
  jobId: string;
  targetId: string;
  attempt: number;
  deviceId: string | null;
  serial: string;
  model: string;
  sha256: string;
  content: Buffer;
}

/**
 * Stores an agent's upload as the device's next version, in one transaction: it is there completely or not at all.
 * The checksum must match what the agent computed; a repeated upload of the same target attempt (its answer was
 * lost) returns the version already stored.
 */
export async function storeBackup(tx: Tx, upload: BackupUpload): Promise<{ backupId: string; version: number }> {
  const actual = sha256Hex(upload.content);
  if (actual !== upload.sha256) throw appError('VALIDATION_FAILED', { reason: 'checksum mismatch', actual });
  const existing = await backupOfTarget(tx, upload.targetId, upload.attempt);
  if (existing) return { backupId: existing.id, version: existing.version };
  const stored = await insertBackup(tx, {
    orgId: upload.orgId,
    deviceId: upload.deviceId,
    serial: upload.serial,
    model: upload.model,
    sizeBytes: upload.content.byteLength,
    sha256: actual,
    content: upload.content,
    jobId: upload.jobId,
    targetId: upload.targetId,
    attempt: upload.attempt,
  });
  return { backupId: stored.id, version: stored.version };
}

/** The settings that differ between two stored backups (each checked against its SHA-256 first). */
export async function diffBackups(db: Queryable, orgId: string, fromId: string, toId: string): Promise<BackupDiff> {
  const from = await getBackup(db, orgId, fromId);
  const to = await getBackup(db, orgId, toId);
  const changes = diffProjects(
    projectXmlOf(await readBackupContent(db, orgId, fromId)),
    projectXmlOf(await readBackupContent(db, orgId, toId)),
  );
  return { from, to, changes };
}

/** Reads back every stored version of a device and checks it against its SHA-256. */
export async function verifyBackups(db: Queryable, orgId: string, deviceId: string): Promise<BackupVerification> {
  const items: BackupVerification['items'] = [];
  for (const row of await listBackupRows(db, orgId, deviceId)) {
    const stored = await backupContent(db, orgId, row.id);
    items.push({ id: row.id, verified: stored !== undefined && sha256Hex(Buffer.from(stored.content)) === row.sha256 });
  }
  return { items };
}
