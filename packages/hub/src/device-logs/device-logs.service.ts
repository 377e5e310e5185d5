import { zipSync } from 'fflate';
import { appError, deviceModelSchema, type DeviceLogDto, type DeviceLogList } from '@tutti/protocol';
import type { Queryable, Tx } from '../db/index.ts';
import { sha256Hex } from '../firmware/index.ts';
import type { HubContext } from '../hub-context.ts';
import {
  deleteDeviceLogsBefore,
  deviceLogContent,
  deviceLogOfTarget,
  findDeviceLogRow,
  insertDeviceLog,
  jobLogContents,
  listDeviceLogRows,
  type DeviceLogRow,
} from './device-logs.queries.ts';

function toDeviceLogDto(row: DeviceLogRow): DeviceLogDto {
  return {
    id: row.id,
    deviceId: row.deviceId,
    serial: row.serial,
    deviceName: row.deviceName,
    model: deviceModelSchema.parse(row.model),
    jobId: row.jobId,
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listDeviceLogs(
  db: Queryable,
  orgId: string,
  filter: { deviceId?: string | undefined; jobId?: string | undefined },
): Promise<DeviceLogList> {
  return { items: (await listDeviceLogRows(db, orgId, filter)).map(toDeviceLogDto) };
}

export async function getDeviceLog(db: Queryable, orgId: string, id: string): Promise<DeviceLogDto> {
  const row = await findDeviceLogRow(db, orgId, id);
  if (!row) throw appError('DEVICE_LOG_NOT_FOUND', { id });
  return toDeviceLogDto(row);
}

function checked(id: string, content: Uint8Array, sha256: string): Buffer {
  const bytes = Buffer.from(content);
  if (sha256Hex(bytes) !== sha256) throw appError('DEVICE_LOG_CORRUPT', { id });
  return bytes;
}

/** One stored log, checked against its SHA-256 before it is handed out. */
export async function readDeviceLogContent(db: Queryable, orgId: string, id: string): Promise<Buffer> {
  const row = await deviceLogContent(db, orgId, id);
  if (!row) throw appError('DEVICE_LOG_NOT_FOUND', { id });
  return checked(id, row.content, row.sha256);
}

/** A file name safe in a ZIP and a Content-Disposition header: the serial and the time it was collected. */
export function deviceLogFileName(log: Pick<DeviceLogDto, 'serial' | 'createdAt'>): string {
  const stamp = log.createdAt.replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
  return `${log.serial.replace(/[^A-Za-z0-9._-]/g, '_')}-${stamp}.log`;
}

/**
 * A ZIP with the newest log of each device of a job (each checked against its checksum first), named by serial.
 * A job that stored no log yet has nothing to zip.
 */
export async function zipJobLogs(db: Queryable, orgId: string, jobId: string): Promise<Uint8Array> {
  const rows = await jobLogContents(db, orgId, jobId);
  const files: Record<string, Uint8Array> = {};
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.serial)) continue;
    seen.add(row.serial);
    files[deviceLogFileName(toDeviceLogDto(row))] = checked(row.id, row.content, row.sha256);
  }
  if (seen.size === 0) throw appError('DEVICE_LOG_NOT_FOUND', { jobId });
  return zipSync(files, { level: 6 });
}

export interface DeviceLogUpload {
  orgId: string;
  jobId: string;
  targetId: string;
  attempt: number;
  deviceId: string | null;
  serial: string;
  deviceName: string;
  model: string;
  sha256: string;
  content: Buffer;
}

/**
 * Stores an agent's upload when its checksum matches what the agent computed; the same target attempt uploaded
 * again (its answer was lost) returns the log already stored.
 */
export async function storeDeviceLog(tx: Tx, upload: DeviceLogUpload): Promise<{ logId: string; sizeBytes: number }> {
  const actual = sha256Hex(upload.content);
  if (actual !== upload.sha256) throw appError('VALIDATION_FAILED', { reason: 'checksum mismatch', actual });
  const existing = await deviceLogOfTarget(tx, upload.targetId, upload.attempt);
  if (existing) return { logId: existing.id, sizeBytes: existing.sizeBytes };
  const stored = await insertDeviceLog(tx, {
    orgId: upload.orgId,
    deviceId: upload.deviceId,
    serial: upload.serial,
    deviceName: upload.deviceName,
    model: upload.model,
    sizeBytes: upload.content.byteLength,
    sha256: actual,
    content: upload.content,
    jobId: upload.jobId,
    targetId: upload.targetId,
    attempt: upload.attempt,
  });
  return { logId: stored.id, sizeBytes: upload.content.byteLength };
}

/** How long collected device logs are kept: long enough to compare a fault with last quarter's. */
export const KEEP_DEVICE_LOGS_MS = 90 * 86_400_000;

/** Deletes logs past their retention; runs once a day on one node. */
export async function pruneDeviceLogs(db: Queryable, now: Date): Promise<number> {
  return deleteDeviceLogsBefore(db, new Date(now.getTime() - KEEP_DEVICE_LOGS_MS));
}

export function scheduleDeviceLogTasks(context: HubContext): void {
  context.scheduler.every('device-logs.prune', 86_400_000, async ({ tickAt }) => {
    const deleted = await pruneDeviceLogs(context.db, tickAt);
    if (deleted > 0) context.log.info({ deleted }, 'deleted device logs past their retention');
  });
}
