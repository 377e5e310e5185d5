import { z } from 'zod';
import type { Permission } from './api.ts';
import { deviceFamilySchema, deviceModelSchema } from './models.ts';

const uuid = z.uuid();
const pageFields = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(50),
};

/** Most devices one job may target. */
export const MAX_JOB_TARGETS = 5000;

export const firmwareVersionSchema = z
  .string()
  .regex(/^\d{1,4}(\.\d{1,6}){1,3}$/, 'A version of dot-separated numbers such as 5.3.0.1.');

/** A device login name: printable ASCII without spaces (the telnet login and the device commands split on spaces). */
export const deviceUsernameSchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,32}$/, 'A username of 1 to 32 letters, digits or symbols, without spaces.');
export const devicePasswordSchema = z
  .string()
  .regex(/^[\x21-\x7e]{8,64}$/, 'A password of 8 to 64 letters, digits or symbols, without spaces.');

/** What a job does to each of its devices (DESIGN.md §6). */
export const jobOperationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('locate'), on: z.boolean() }),
  z.strictObject({ kind: z.literal('safety_mute'), on: z.boolean() }),
  z.strictObject({ kind: z.literal('reboot') }),
  z.strictObject({ kind: z.literal('firmware_update'), packageId: uuid }),
  /** Downloads each device's running configuration into a new backup version. */
  z.strictObject({ kind: z.literal('backup') }),
  /**
   * Loads a backup: the given one onto one device of the same model (the device it came from or a replacement), or
   * without `backupId` each device's newest backup.
   */
  z.strictObject({ kind: z.literal('restore'), backupId: uuid.optional() }),
  /** Loads a project file of the organization's configuration library onto devices of its model. */
  z.strictObject({ kind: z.literal('config_load'), configurationId: uuid }),
  /** Turns each device's FTP server on or off (NETWORK FTP_ENABLE). */
  z.strictObject({ kind: z.literal('ftp'), on: z.boolean() }),
  /**
   * Changes the login of each device's stack to `username` and the request's `password`; the agent then signs in with
   * them. The password is never part of the operation: it travels beside it, sealed, and is never stored in clear.
   */
  z.strictObject({ kind: z.literal('change_credentials'), username: deviceUsernameSchema }),
  /** Reads each device's log and stores it on the hub, to download one by one or as a ZIP of the job. */
  z.strictObject({ kind: z.literal('collect_logs') }),
  /** Writes SIP accounts to VoIP lines (each target's own lines, passwords sealed), restarts VoIP, reports registration. */
  z.strictObject({ kind: z.literal('voip_provision') }),
]);
export type JobOperation = z.infer<typeof jobOperationSchema>;
export type JobKind = JobOperation['kind'];
export const jobKinds = [
  'locate',
  'safety_mute',
  'reboot',
  'firmware_update',
  'backup',
  'restore',
  'config_load',
  'ftp',
  'change_credentials',
  'collect_logs',
  'voip_provision',
] as const satisfies readonly JobKind[];

/** The permission each operation needs. */
export const jobPermissions: Record<JobKind, Permission> = {
  locate: 'devices.control',
  safety_mute: 'devices.control',
  reboot: 'devices.control',
  firmware_update: 'firmware.update',
  backup: 'devices.control',
  restore: 'devices.control',
  config_load: 'devices.control',
  ftp: 'devices.control',
  change_credentials: 'devices.control',
  collect_logs: 'devices.control',
  voip_provision: 'voip.provision',
};

/**
 * How targets are released: at most `concurrency` running at once across the job, in waves of `waveSize` (all at
 * once when null) with `wavePauseSeconds` between waves; the job halts once failed targets exceed
 * `failureThresholdPercent` of those finished (never when 100).
 */
export const rolloutSchema = z.strictObject({
  concurrency: z.number().int().min(1).max(500).default(10),
  waveSize: z.number().int().min(1).max(MAX_JOB_TARGETS).nullable().default(null),
  wavePauseSeconds: z.number().int().min(0).max(86_400).default(0),
  failureThresholdPercent: z.number().int().min(0).max(100).default(100),
});
export type Rollout = z.infer<typeof rolloutSchema>;

export const createJobRequestSchema = z
  .strictObject({
    operation: jobOperationSchema,
    deviceIds: z.array(uuid).min(1).max(MAX_JOB_TARGETS),
    rollout: rolloutSchema.optional(),
    /** The new device password of a `change_credentials` job, and only of one. */
    password: devicePasswordSchema.optional(),
  })
  .refine((request) => (request.operation.kind === 'change_credentials') === (request.password !== undefined), {
    path: ['password'],
    message: 'A new password goes with a change of credentials, and only with one.',
  })
  .refine((request) => request.operation.kind !== 'voip_provision', {
    path: ['operation', 'kind'],
    message:
      "VoIP lines are provisioned through /devices/{id}/voip or /voip/csv/jobs, which carry each device's lines.",
  });
export type CreateJobRequest = z.input<typeof createJobRequestSchema>;

export const jobStates = ['running', 'completed', 'cancelled', 'halted'] as const;
export const jobStateSchema = z.enum(jobStates);
export type JobState = z.infer<typeof jobStateSchema>;

export const targetStates = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const targetStateSchema = z.enum(targetStates);
export type TargetState = z.infer<typeof targetStateSchema>;
export const terminalTargetStates: readonly TargetState[] = ['succeeded', 'failed', 'cancelled'];

/** Why a target did not succeed, as a stable code the web app translates; `reason` adds the detail. */
export const targetFailureCodes = [
  'device_unreachable',
  'login_failed',
  'device_refused',
  'firmware_failed',
  'package_invalid',
  'wrong_model',
  'agent_restarted',
  /** The hub gave up on a target held by an agent that stopped reporting (hub setting `jobAgentSilenceMinutes`). */
  'agent_unreachable',
  /** The agent could not reach the hub to move the target's file (backup upload, restore download). */
  'hub_unreachable',
  'timeout',
  'cancelled',
  'halted',
  'device_not_managed',
  /** A VoIP line did not register after provisioning; the reason names the line and what the registrar answered. */
  'voip_registration_failed',
] as const;
export const targetFailureCodeSchema = z.enum(targetFailureCodes);
export type TargetFailureCode = z.infer<typeof targetFailureCodeSchema>;

export const targetResultSchema = z.strictObject({
  /** Firmware the device reports after the operation. */
  firmware: z.string().max(64).optional(),
  /** The backup a backup target stored, or a restore target loaded. */
  backupId: z.uuid().optional(),
  backupVersion: z.number().int().min(1).optional(),
  /** FTP_ENABLE as the device reads it back after an FTP job. */
  ftpEnabled: z.boolean().optional(),
  /** The log a collect_logs target stored, and its size. */
  logId: z.uuid().optional(),
  logBytes: z.number().int().min(0).optional(),
});
export type TargetResult = z.infer<typeof targetResultSchema>;

export const jobCountsSchema = z.object({
  total: z.number().int(),
  queued: z.number().int(),
  running: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
});
export type JobCounts = z.infer<typeof jobCountsSchema>;

export const jobDtoSchema = z.object({
  id: z.string(),
  operation: jobOperationSchema,
  /** For firmware updates: the package's family and version, for the list. */
  firmware: z.object({ modelFamily: deviceFamilySchema, version: z.string() }).nullable(),
  state: jobStateSchema,
  rollout: rolloutSchema,
  counts: jobCountsSchema,
  /** Overall progress 0–100: finished targets count 100, running ones their percentage. */
  progress: z.number().int().min(0).max(100),
  createdBy: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type JobDto = z.infer<typeof jobDtoSchema>;

export const jobTargetDtoSchema = z.object({
  id: z.string(),
  deviceId: z.string().nullable(),
  serial: z.string(),
  deviceName: z.string(),
  model: deviceModelSchema,
  state: targetStateSchema,
  progress: z.number().int().min(0).max(100),
  failureCode: targetFailureCodeSchema.nullable(),
  reason: z.string().nullable(),
  wave: z.number().int(),
  attempt: z.number().int(),
  result: targetResultSchema.nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type JobTargetDto = z.infer<typeof jobTargetDtoSchema>;

export const jobDetailSchema = jobDtoSchema.extend({ targets: z.array(jobTargetDtoSchema) });
export type JobDetail = z.infer<typeof jobDetailSchema>;

/** List columns a job list sorts by; `operation` is the job's kind. */
export const jobSorts = ['operation', 'state', 'createdBy', 'createdAt'] as const;
const jobSortSchema = z.enum([...jobSorts, ...jobSorts.map((s) => `-${s}` as const)]);

export const jobListQuerySchema = z
  .strictObject({
    /** Matches the operation (kind, `_` or space between words), the creator's name or email, or a job id prefix. */
    q: z.string().trim().max(200).optional(),
    sort: jobSortSchema.default('-createdAt'),
    ...pageFields,
    state: jobStateSchema.optional(),
    kind: z.enum(jobKinds).optional(),
    /** Part of the creator's name or email address. */
    createdBy: z.string().trim().max(254).optional(),
    /** Created at or after / at or before these instants. */
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((value) => !value.from || !value.to || Date.parse(value.from) <= Date.parse(value.to), {
    message: '`from` is after `to`.',
    path: ['to'],
  });
export type JobListQuery = z.input<typeof jobListQuerySchema>;

export const jobListSchema = z.object({
  items: z.array(jobDtoSchema),
  total: z.number().int(),
  page: z.number().int(),
  limit: z.number().int(),
});
export type JobList = z.infer<typeof jobListSchema>;

// ---- Firmware catalog -------------------------------------------------------------------------------------------

/**
 * A Tutti firmware package: the magic line, one line of JSON manifest, then the image bytes. The manifest names the
 * model family and version and the image's length and SHA-256, so a truncated or altered upload, or a package for
 * another family, is refused before any device is touched.
 */
export const FIRMWARE_PACKAGE_MAGIC = 'TUTTI-FIRMWARE/1';
export const firmwareManifestSchema = z.strictObject({
  modelFamily: deviceFamilySchema,
  version: firmwareVersionSchema,
  imageBytes: z.number().int().min(1),
  imageSha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type FirmwareManifest = z.infer<typeof firmwareManifestSchema>;

/** Largest firmware package the hub accepts. */
export const MAX_FIRMWARE_BYTES = 32 * 1024 * 1024;

export const sha256Schema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{64}$/, 'A SHA-256 checksum: 64 hexadecimal digits.');

export const uploadFirmwareRequestSchema = z.strictObject({
  modelFamily: deviceFamilySchema,
  version: firmwareVersionSchema,
  releaseNotes: z.string().max(20_000).default(''),
  fileName: z.string().trim().min(1).max(255),
  /** The checksum the vendor published for the whole package file. */
  sha256: sha256Schema,
  contentBase64: z
    .string()
    .min(1)
    .max(Math.ceil((MAX_FIRMWARE_BYTES * 4) / 3) + 4),
});
export type UploadFirmwareRequest = z.input<typeof uploadFirmwareRequestSchema>;

export const firmwarePackageDtoSchema = z.object({
  id: z.string(),
  modelFamily: deviceFamilySchema,
  version: z.string(),
  releaseNotes: z.string(),
  fileName: z.string(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  uploadedBy: z.string(),
  createdAt: z.string(),
});
export type FirmwarePackageDto = z.infer<typeof firmwarePackageDtoSchema>;
export const firmwareListSchema = z.object({ items: z.array(firmwarePackageDtoSchema) });
export type FirmwareList = z.infer<typeof firmwareListSchema>;

/** Compares dotted version numbers (5.10.0.1 > 5.9.3.0); negative when `a` is older. */
export function compareFirmwareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (Number.isNaN(difference)) return a.localeCompare(b);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** WebSocket of live job progress for browsers, beside `/live` for devices. */
export const JOBS_LIVE_PATH = '/live/jobs';

/** Hub → browser over `/live/jobs`: a job's new counts and progress with the targets that changed. */
export const jobLiveMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('job.changed'), job: jobDtoSchema, targets: z.array(jobTargetDtoSchema) }),
]);
export type JobLiveMessage = z.infer<typeof jobLiveMessageSchema>;

// ---- Configuration backups ----------------------------------------------------------------------------------------

/** Largest configuration a device may hand over in one backup. */
export const MAX_BACKUP_BYTES = 4 * 1024 * 1024;
/** Where agents upload (PUT …/<targetId>/<attempt>) and download (GET …/<backupId>) configurations. */
export const BACKUP_FILES_PATH = '/agent/v1/files/backups';
/** Header with the SHA-256 of an uploaded configuration. */
export const SHA256_HEADER = 'x-tutti-sha256';

export const backupDtoSchema = z.object({
  id: z.string(),
  deviceId: z.string().nullable(),
  serial: z.string(),
  model: deviceModelSchema,
  version: z.number().int(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  jobId: z.string().nullable(),
  createdAt: z.string(),
});
export type BackupDto = z.infer<typeof backupDtoSchema>;
export const backupListQuerySchema = z.strictObject({ deviceId: uuid.optional() });
export type BackupListQuery = z.input<typeof backupListQuerySchema>;
export const backupListSchema = z.object({ items: z.array(backupDtoSchema) });
export type BackupList = z.infer<typeof backupListSchema>;
export const backupUploadResultSchema = z.object({ backupId: z.string(), version: z.number().int() });

// ---- Device logs --------------------------------------------------------------------------------------------------

/** Largest log one device may hand over in one collect_logs target. */
export const MAX_DEVICE_LOG_BYTES = 2 * 1024 * 1024;
/** Where agents upload (PUT …/<targetId>/<attempt>) the log a collect_logs target read. */
export const DEVICE_LOG_FILES_PATH = '/agent/v1/files/device-logs';
export const deviceLogUploadResultSchema = z.object({ logId: z.string(), sizeBytes: z.number().int() });

export const deviceLogDtoSchema = z.object({
  id: z.string(),
  deviceId: z.string().nullable(),
  serial: z.string(),
  deviceName: z.string(),
  model: deviceModelSchema,
  jobId: z.string().nullable(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  createdAt: z.string(),
});
export type DeviceLogDto = z.infer<typeof deviceLogDtoSchema>;
/** Logs of one device, or of one job, newest first. */
export const deviceLogListQuerySchema = z.strictObject({ deviceId: uuid.optional(), jobId: uuid.optional() });
export type DeviceLogListQuery = z.input<typeof deviceLogListQuerySchema>;
export const deviceLogListSchema = z.object({ items: z.array(deviceLogDtoSchema) });
export type DeviceLogList = z.infer<typeof deviceLogListSchema>;

/**
 * A device's FTP: `enabled` as the newest succeeded FTP job left it (null when no job of Tutti set it yet), and
 * `reported` as the device itself last told its agent (null when it never did, or cannot tell).
 */
export const deviceFtpStateSchema = z.object({
  enabled: z.boolean().nullable(),
  setAt: z.string().nullable(),
  jobId: z.string().nullable(),
  reported: z.boolean().nullable(),
});
export type DeviceFtpState = z.infer<typeof deviceFtpStateSchema>;
