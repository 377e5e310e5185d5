import {
  appError,
  deviceModelSchema,
  modelInfo,
  takesConfigurationFile,
  type ConfigurationDto,
  type ConfigurationList,
  type renameConfigurationRequestSchema,
  type uploadConfigurationRequestSchema,
} from '@tutti/protocol';
import type { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import type { AuthContext, ClientInfo } from '../auth/index.ts';
import type { Queryable, Tx } from '../db/index.ts';
import { sha256Hex } from '../firmware/index.ts';
import {
  configurationContent,
  deleteConfigurationRow,
  findConfigurationRow,
  insertConfiguration,
  jobsLoadingConfiguration,
  listConfigurationRows,
  renameConfigurationRow,
  type ConfigurationRow,
} from './configurations.queries.ts';
import { readProjectFile } from './project-file.ts';

function toConfigurationDto(row: ConfigurationRow): ConfigurationDto {
  return {
    id: row.id,
    name: row.name,
    fileName: row.fileName,
    model: deviceModelSchema.parse(row.model),
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    uploadedBy: row.uploadedBy,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listConfigurations(tx: Queryable, orgId: string): Promise<ConfigurationList> {
  return { items: (await listConfigurationRows(tx, orgId)).map(toConfigurationDto) };
}

export async function getConfiguration(tx: Queryable, orgId: string, id: string): Promise<ConfigurationDto> {
  const row = await findConfigurationRow(tx, orgId, id);
  if (!row) throw appError('CONFIGURATION_NOT_FOUND', { id });
  return toConfigurationDto(row);
}

/**
 * Adds a project file to the library after checking, in this order: the checksum covers the file as received (a
 * truncated transfer fails here), it is a ZIP holding one readable project XML, the project names a model that takes
 * project files, and that model is the one the uploader chose. Nothing reaches a device before all of this holds.
 */
export async function uploadConfiguration(
  tx: Tx,
  auth: AuthContext,
  request: z.output<typeof uploadConfigurationRequestSchema>,
  client: ClientInfo,
): Promise<ConfigurationDto> {
  const content = Buffer.from(request.contentBase64, 'base64');
  const actual = sha256Hex(content);
  if (actual !== request.sha256) {
    throw appError('CONFIGURATION_CHECKSUM_MISMATCH', {
      expected: request.sha256,
      actual,
      sizeBytes: content.byteLength,
    });
  }
  const project = readProjectFile(content);
  if (!takesConfigurationFile(project.model)) {
    throw appError('CONFIGURATION_WRONG_MODEL', { file: project.model, reason: 'this model takes no project file' });
  }
  if (request.model && request.model !== project.model) {
    throw appError('CONFIGURATION_WRONG_MODEL', { chosen: request.model, file: project.model });
  }
  const { id } = await insertConfiguration(tx, {
    orgId: auth.orgId,
    name: request.name || request.fileName,
    fileName: request.fileName,
    model: project.model,
    sizeBytes: content.byteLength,
    sha256: actual,
    content,
    uploadedBy: auth.email,
  });
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'configuration.upload',
    target: `configuration:${id}`,
    after: { fileName: request.fileName, model: project.model, sha256: actual, sizeBytes: content.byteLength },
    ip: client.ip,
  });
  return getConfiguration(tx, auth.orgId, id);
}

export async function renameConfiguration(
  tx: Tx,
  auth: AuthContext,
  id: string,
  request: z.output<typeof renameConfigurationRequestSchema>,
  client: ClientInfo,
): Promise<ConfigurationDto> {
  const before = await getConfiguration(tx, auth.orgId, id);
  await renameConfigurationRow(tx, auth.orgId, id, request.name);
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'configuration.rename',
    target: `configuration:${id}`,
    before: { name: before.name },
    after: { name: request.name },
    ip: client.ip,
  });
  return getConfiguration(tx, auth.orgId, id);
}

/**
 * Removes a file from the library; refused while a running or halted job loads it. A finished job that loaded it
 * keeps its history, and a retry of it is refused (the file is gone) rather than failing on every device.
 */
export async function deleteConfiguration(tx: Tx, auth: AuthContext, id: string, client: ClientInfo): Promise<void> {
  const configuration = await getConfiguration(tx, auth.orgId, id);
  const loading = await jobsLoadingConfiguration(tx, auth.orgId, id);
  if (loading.length > 0) throw appError('CONFIGURATION_IN_USE', { jobIds: loading });
  await deleteConfigurationRow(tx, auth.orgId, id);
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'configuration.delete',
    target: `configuration:${id}`,
    before: {
      name: configuration.name,
      fileName: configuration.fileName,
      model: configuration.model,
      sha256: configuration.sha256,
    },
    ip: client.ip,
  });
}

/** The stored file, checked against its SHA-256 on every read: a damaged copy is never handed out. */
export async function readConfigurationFile(db: Queryable, orgId: string, id: string): Promise<Buffer> {
  const row = await configurationContent(db, orgId, id);
  if (!row) throw appError('CONFIGURATION_NOT_FOUND', { id });
  const content = Buffer.from(row.content);
  if (sha256Hex(content) !== row.sha256)
    throw appError('INTERNAL', { reason: 'stored configuration checksum mismatch' });
  return content;
}

/** The project XML a `config_load` job sends to its devices, from the checked file. */
export async function readConfigurationProject(db: Queryable, orgId: string, id: string): Promise<Buffer> {
  return Buffer.from(readProjectFile(await readConfigurationFile(db, orgId, id)).xml, 'utf8');
}

/** Why a device cannot take this configuration, or null when it can. */
export function configurationMismatch(configuration: ConfigurationDto, deviceModel: string): string | null {
  if (deviceModel === configuration.model) return null;
  const device = deviceModelSchema.safeParse(deviceModel);
  const deviceName = device.success ? modelInfo(device.data).name : deviceModel;
  return `The configuration file is for ${modelInfo(configuration.model).name}; this device is ${deviceName}.`;
}
