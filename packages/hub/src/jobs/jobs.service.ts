import {
  appError,
  deviceFamilySchema,
  deviceModelSchema,
  jobOperationSchema,
  jobPermissions,
  modelInfo,
  rolloutSchema,
  targetFailureCodeSchema,
  targetResultSchema,
  type createJobRequestSchema,
  type DeviceFtpState,
  type JobCounts,
  type JobDetail,
  type JobDto,
  type JobList,
  type jobListQuerySchema,
  type JobTargetDto,
  type JobTargetEventBody,
  type TargetState,
} from '@tutti/protocol';
import type { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import type { AuthContext, ClientInfo } from '../auth/index.ts';
import type { Queryable, Tx } from '../db/index.ts';
import { getBackup, newestBackupsOf } from '../backups/index.ts';
import { configurationMismatch, getConfiguration } from '../configurations/index.ts';
import { getFirmware } from '../firmware/index.ts';
import type { SecretBox } from '../secrets/index.ts';
import {
  applyTargetUpdate,
  cancelUndispatched,
  countTargets,
  devicesForTargets,
  findJob,
  firmwareSummaries,
  insertJob,
  insertTargets,
  latestSucceededTarget,
  listJobRows,
  listTargets,
  reportedFtpOf,
  requeueFailed,
  setTargetInputs,
  targetsByIds,
  updateJob,
  type CountsRow,
  type JobRow,
  type JobTargetRow,
} from './jobs.queries.ts';

function toCounts(rows: readonly CountsRow[] | undefined): { counts: JobCounts; progress: number } {
  const counts: JobCounts = { total: 0, queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
  let done = 0;
  for (const row of rows ?? []) {
    counts[row.state] += row.count;
    counts.total += row.count;
    done += row.state === 'running' ? row.progress : row.state === 'queued' ? 0 : row.count * 100;
  }
  return { counts, progress: counts.total === 0 ? 0 : Math.floor(done / counts.total) };
}

function toJobDto(
  row: JobRow,
  counts: readonly CountsRow[] | undefined,
  firmware: Map<string, { modelFamily: string; version: string }>,
): JobDto {
  const summary = row.firmwarePackageId ? firmware.get(row.firmwarePackageId) : undefined;
  return {
    id: row.id,
    operation: jobOperationSchema.parse(row.operation),
    firmware: summary ? { modelFamily: deviceFamilySchema.parse(summary.modelFamily), version: summary.version } : null,
    state: row.state,
    rollout: {
      concurrency: row.concurrency,
      waveSize: row.waveSize,
      wavePauseSeconds: row.wavePauseSeconds,
      failureThresholdPercent: row.failureThresholdPercent,
    },
    ...toCounts(counts),
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export function toTargetDto(row: JobTargetRow): JobTargetDto {
  return {
    id: row.id,
    deviceId: row.deviceId,
    serial: row.serial,
    deviceName: row.deviceName,
    model: deviceModelSchema.parse(row.model),
    state: row.state,
    progress: row.progress,
    failureCode: row.failureCode === null ? null : targetFailureCodeSchema.parse(row.failureCode),
    reason: row.reason,
    wave: row.wave,
    attempt: row.attempt,
    result: row.result === null ? null : targetResultSchema.parse(row.result),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

async function jobDtos(db: Queryable, rows: readonly JobRow[]): Promise<JobDto[]> {
  const counts = await countTargets(
    db,
    rows.map((row) => row.id),
  );
  const packageIds = rows.flatMap((row) => (row.firmwarePackageId ? [row.firmwarePackageId] : []));
  const firmware = new Map((await firmwareSummaries(db, packageIds)).map((summary) => [summary.id, summary]));
  return rows.map((row) => toJobDto(row, counts.get(row.id), firmware));
}

export async function jobDto(db: Queryable, row: JobRow): Promise<JobDto> {
  const [dto] = await jobDtos(db, [row]);
  return dto!;
}

async function existing(db: Queryable, orgId: string, id: string): Promise<JobRow> {
  const row = await findJob(db, orgId, id);
  if (!row) throw appError('JOB_NOT_FOUND', { id });
  return row;
}

export async function listJobs(
  tx: Queryable,
  orgId: string,
  query: z.output<typeof jobListQuerySchema>,
): Promise<JobList> {
  const { items, total } = await listJobRows(
    tx,
    {
      orgId,
      q: query.q,
      state: query.state,
      kind: query.kind,
      createdBy: query.createdBy,
      from: query.from,
      to: query.to,
    },
    query.sort,
    query.page,
    query.limit,
  );
  return { items: await jobDtos(tx, items), total, page: query.page, limit: query.limit };
}

export async function getJob(tx: Queryable, orgId: string, id: string): Promise<JobDetail> {
  const row = await existing(tx, orgId, id);
  const targets = await listTargets(tx, id);
  return { ...(await jobDto(tx, row)), targets: targets.map(toTargetDto) };
}

/** The job and the given targets as the live feed sends them. */
export async function jobChange(db: Queryable, orgId: string, jobId: string, targetIds: readonly string[]) {
  const row = await findJob(db, orgId, jobId);
  if (!row) return null;
  return { job: await jobDto(db, row), targets: (await targetsByIds(db, targetIds)).map(toTargetDto) };
}

/**
 * Which backup each device gets: the chosen one (onto a single device of its model: the original or a replacement),
 * or each device's newest. A device without a backup, or of another model, stops the job before it starts.
 */
async function backupsToRestore(
  tx: Tx,
  orgId: string,
  backupId: string | undefined,
  devices: readonly { id: string; serial: string; model: string }[],
): Promise<Map<string, string>> {
  const chosen = new Map<string, string>();
  if (backupId) {
    const backup = await getBackup(tx, orgId, backupId);
    if (devices.length !== 1) throw appError('VALIDATION_FAILED', { reason: 'one backup restores to one device' });
    const [device] = devices;
    if (device!.model !== backup.model) {
      throw appError('BACKUP_WRONG_MODEL', { backup: backup.model, device: device!.model });
    }
    chosen.set(device!.id, backup.id);
    return chosen;
  }
  const newest = await newestBackupsOf(
    tx,
    orgId,
    devices.map((device) => device.id),
  );
  const missing = devices.filter((device) => !newest.has(device.id));
  if (missing.length > 0) {
    throw appError('BACKUP_NOT_FOUND', { serials: missing.map((device) => device.serial).slice(0, 50) });
  }
  for (const device of devices) {
    const backup = newest.get(device.id)!;
    if (backup.model !== device.model) throw appError('BACKUP_WRONG_MODEL', { serial: device.serial });
    chosen.set(device.id, backup.id);
  }
  return chosen;
}

/** Purpose the new password of a change_credentials job is sealed for; only the dispatcher opens it. */
export const DEVICE_PASSWORD_PURPOSE = 'job-device-password';

/**
 * Starts a job on many devices. The caller needs the operation's permission. A firmware package must suit every
 * selected device's model family, or nothing starts. Devices no agent manages any more fail at once with a reason.
 * A new device password is sealed with `secrets` into each target's input: never stored, audited or logged in clear.
 */
export async function createJob(
  tx: Tx,
  auth: AuthContext,
  request: z.output<typeof createJobRequestSchema>,
  client: ClientInfo,
  now: Date,
  secrets?: SecretBox,
): Promise<JobDetail> {
  const { operation } = request;
  const permission = jobPermissions[operation.kind];
  if (!auth.permissions.includes(permission)) throw appError('FORBIDDEN', { permission });
  const deviceIds = [...new Set(request.deviceIds)];
  const found = await devicesForTargets(tx, auth.orgId, deviceIds);
  if (found.length !== deviceIds.length) {
    const known = new Set(found.map((device) => device.id));
    throw appError('DEVICE_NOT_FOUND', { ids: deviceIds.filter((id) => !known.has(id)).slice(0, 50) });
  }
  let firmwarePackageId: string | null = null;
  const inputs = new Map<string, { backupId: string }>();
  if (operation.kind === 'firmware_update') {
    const firmware = await getFirmware(tx, auth.orgId, operation.packageId);
    const mismatched = found.filter(
      (device) => modelInfo(deviceModelSchema.parse(device.model)).family !== firmware.modelFamily,
    );
    if (mismatched.length > 0) {
      throw appError('FIRMWARE_WRONG_MODEL', {
        package: firmware.modelFamily,
        serials: mismatched.map((device) => device.serial).slice(0, 50),
      });
    }
    firmwarePackageId = firmware.id;
  }
  if (operation.kind === 'restore') {
    for (const [deviceId, backupId] of await backupsToRestore(tx, auth.orgId, operation.backupId, found)) {
      inputs.set(deviceId, { backupId });
    }
  }
  // A device of another model is refused on its own, with the reason; the others still get the file.
  const wrongModel = new Map<string, string>();
  if (operation.kind === 'config_load') {
    const configuration = await getConfiguration(tx, auth.orgId, operation.configurationId);
    for (const device of found) {
      const reason = configurationMismatch(configuration, device.model);
      if (reason) wrongModel.set(device.id, reason);
    }
  }
  let sealedPassword: string | null = null;
  if (operation.kind === 'change_credentials') {
    if (!request.password || !secrets) throw appError('VALIDATION_FAILED', { field: 'password' });
    sealedPassword = secrets.seal(request.password, DEVICE_PASSWORD_PURPOSE);
  }
  const rollout = rolloutSchema.parse(request.rollout ?? {});
  const job = await insertJob(tx, {
    orgId: auth.orgId,
    kind: operation.kind,
    operation,
    firmwarePackageId,
    concurrency: rollout.concurrency,
    waveSize: rollout.waveSize,
    wavePauseSeconds: rollout.wavePauseSeconds,
    failureThresholdPercent: rollout.failureThresholdPercent,
    createdByUserId: auth.userId,
    createdBy: auth.email,
    createdAt: now,
  });
  const ordered = [...found].sort((a, b) => a.serial.localeCompare(b.serial));
  await insertTargets(
    tx,
    ordered.map((device, index) => {
      const unmanaged = device.agentId === null || device.lostAt !== null;
      return {
        jobId: job.id,
        orgId: auth.orgId,
        deviceId: device.id,
        agentId: device.agentId,
        serial: device.serial,
        deviceName: device.name,
        model: device.model,
        wave: rollout.waveSize ? Math.floor(index / rollout.waveSize) + 1 : 1,
        input: sealedPassword ? { sealedPassword } : (inputs.get(device.id) ?? null),
        ...(unmanaged
          ? {
              state: 'failed' as const,
              failureCode: 'device_not_managed' as const,
              reason: 'No Local Agent reaches this device now.',
              finishedAt: now,
            }
          : {}),
        ...(wrongModel.has(device.id)
          ? {
              state: 'failed' as const,
              failureCode: 'wrong_model' as const,
              reason: wrongModel.get(device.id)!,
              finishedAt: now,
            }
          : {}),
      };
    }),
  );
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'job.create',
    target: `job:${job.id}`,
    after: { operation, rollout, devices: ordered.length, serials: ordered.slice(0, 100).map((d) => d.serial) },
    ip: client.ip,
  });
  return getJob(tx, auth.orgId, job.id);
}

/** Cancels what has not started; targets already with an agent are cancelled there (or finish if they began). */
export async function cancelJob(
  tx: Tx,
  auth: AuthContext,
  id: string,
  client: ClientInfo,
  now: Date,
): Promise<JobDetail> {
  const job = await existing(tx, auth.orgId, id);
  if (job.state !== 'running') throw appError('CONFLICT', { state: job.state });
  const cancelled = await cancelUndispatched(tx, id, 'cancelled', 'Cancelled before it started.', now);
  await updateJob(tx, id, { state: 'cancelled', cancelRequestedAt: now });
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'job.cancel',
    target: `job:${id}`,
    after: { cancelledTargets: cancelled.length },
    ip: client.ip,
  });
  return getJob(tx, auth.orgId, id);
}

/** Runs the failed targets again, as a new attempt each; the job runs again until they finish. */
export async function retryJob(
  tx: Tx,
  auth: AuthContext,
  id: string,
  client: ClientInfo,
  now: Date,
): Promise<JobDetail> {
  const job = await existing(tx, auth.orgId, id);
  const operation = jobOperationSchema.parse(job.operation);
  const permission = jobPermissions[operation.kind];
  if (!auth.permissions.includes(permission)) throw appError('FORBIDDEN', { permission });
  // A configuration deleted from the library since would fail on every device: say so once, here.
  if (operation.kind === 'config_load') await getConfiguration(tx, auth.orgId, operation.configurationId);
  const requeued = await requeueFailed(tx, id, now);
  if (requeued.length === 0) throw appError('CONFLICT', { reason: 'no failed targets' });
  await updateJob(tx, id, { state: 'running', finishedAt: null, cancelRequestedAt: null, nextWaveAt: null });
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'job.retry',
    target: `job:${id}`,
    after: { retriedTargets: requeued.length },
    ip: client.ip,
  });
  return getJob(tx, auth.orgId, id);
}

/** What Tutti last set a device's FTP to, from its newest succeeded FTP job, and what the device itself reports. */
export async function deviceFtpState(tx: Queryable, orgId: string, deviceId: string): Promise<DeviceFtpState> {
  const device = await reportedFtpOf(tx, orgId, deviceId);
  if (!device) throw appError('DEVICE_NOT_FOUND', { id: deviceId });
  const reported = device.ftpEnabled;
  const row = await latestSucceededTarget(tx, orgId, deviceId, 'ftp');
  const result = row?.result ? targetResultSchema.parse(row.result) : null;
  if (!row || result?.ftpEnabled === undefined) return { enabled: null, setAt: null, jobId: null, reported };
  return { enabled: result.ftpEnabled, setAt: row.finishedAt?.toISOString() ?? null, jobId: row.jobId, reported };
}

export interface AppliedJobEvents {
  /** Changed target ids by job id. */
  changed: Map<string, string[]>;
}

/**
 * Stores agents' target reports inside the ingestion transaction. A report is about one attempt; reports of an
 * older attempt, or for a target that already finished, change nothing.
 */
export async function applyJobTargetEvents(
  tx: Queryable,
  orgId: string,
  events: readonly (JobTargetEventBody & { at: string })[],
): Promise<AppliedJobEvents> {
  const changed = new Map<string, string[]>();
  for (const event of events) {
    const state: TargetState = event.state;
    const jobId = await applyTargetUpdate(tx, orgId, event.targetId, event.attempt, {
      state,
      progress: state === 'succeeded' ? 100 : event.progress,
      failureCode: event.failureCode ?? null,
      reason: event.reason ?? null,
      result: event.result ?? null,
      at: new Date(event.at),
    });
    if (jobId) changed.set(jobId, [...(changed.get(jobId) ?? []), event.targetId]);
  }
  return { changed };
}

/**
 * Starts a job whose targets each carry their own input, by device id (voip_provision: each device's lines with sealed
 * passwords). The caller audits what the input holds; the job itself is audited here as every job is.
 */
export async function createJobWithInputs(
  tx: Tx,
  auth: AuthContext,
  request: z.output<typeof createJobRequestSchema>,
  inputs: ReadonlyMap<string, unknown>,
  client: ClientInfo,
  now: Date,
): Promise<JobDetail> {
  const job = await createJob(tx, auth, request, client, now);
  await setTargetInputs(tx, job.id, inputs);
  return job;
}
