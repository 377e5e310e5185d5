import {
  appError,
  deviceModelSchema,
  voipLineCount,
  voipLineStateSchema,
  voipTransportSchema,
  type JobDetail,
  type VoipCsvPreview,
  type VoipCsvRowError,
  type VoipLineReport,
  type VoipLineSettings,
  type VoipLines,
} from '@tutti/protocol';
import { recordAudit } from '../audit/index.ts';
import type { AuthContext, ClientInfo } from '../auth/index.ts';
import type { Queryable, Tx } from '../db/index.ts';
import { createJobWithInputs } from '../jobs/index.ts';
import type { SecretBox } from '../secrets/index.ts';
import { readVoipCsv } from './voip-csv.ts';
import { sealVoipLines, type VoipTargetInput } from './voip-input.ts';
import {
  devicesBySerial,
  findVoipDevice,
  listVoipLines,
  upsertVoipLines,
  type VoipDeviceRow,
  type VoipLineInput,
  type VoipLineRow,
} from './voip.queries.ts';

function toLineDto(row: VoipLineRow) {
  return {
    line: row.line,
    state: voipLineStateSchema.parse(row.state),
    reason: row.reason,
    server: row.server,
    port: row.port,
    transport: voipTransportSchema.parse(row.transport),
    user: row.user,
    extension: row.extension,
    displayName: row.displayName,
    since: row.since.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** What the audit log keeps of provisioned lines: never the password. */
function auditedLines(lines: readonly VoipLineSettings[]) {
  return lines.map(({ password: _password, ...rest }) => rest);
}

function requireProvision(auth: AuthContext): void {
  if (!auth.permissions.includes('voip.provision')) throw appError('FORBIDDEN', { permission: 'voip.provision' });
}

export async function getVoipLines(tx: Queryable, orgId: string, deviceId: string): Promise<VoipLines> {
  const device = await findVoipDevice(tx, orgId, deviceId);
  if (!device) throw appError('DEVICE_NOT_FOUND', { id: deviceId });
  return { deviceId, lines: (await listVoipLines(tx, orgId, deviceId)).map(toLineDto) };
}

function lineErrors(device: VoipDeviceRow, line: number): VoipCsvRowError | null {
  const count = voipLineCount(deviceModelSchema.parse(device.model));
  if (count === 0) return { column: 'serial', code: 'no_voip_lines' };
  if (line > count) return { column: 'line', code: 'line_not_on_device' };
  return null;
}

async function startProvisioning(
  tx: Tx,
  auth: AuthContext,
  byDevice: ReadonlyMap<string, { device: VoipDeviceRow; lines: VoipLineSettings[] }>,
  secrets: SecretBox,
  client: ClientInfo,
  now: Date,
  source: 'form' | 'csv',
): Promise<JobDetail> {
  const inputs = new Map<string, VoipTargetInput>();
  for (const [deviceId, { lines }] of byDevice) inputs.set(deviceId, sealVoipLines(secrets, lines));
  const job = await createJobWithInputs(
    tx,
    auth,
    { operation: { kind: 'voip_provision' }, deviceIds: [...byDevice.keys()] },
    inputs,
    client,
    now,
  );
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'voip.provision',
    target: `job:${job.id}`,
    after: {
      source,
      devices: [...byDevice.values()].slice(0, 100).map(({ device, lines }) => ({
        serial: device.serial,
        lines: auditedLines(lines),
      })),
    },
    ip: client.ip,
  });
  return job;
}

/** Writes SIP accounts to lines of one device: a voip_provision job with one target. */
export async function provisionVoip(
  tx: Tx,
  auth: AuthContext,
  deviceId: string,
  lines: readonly VoipLineSettings[],
  secrets: SecretBox,
  client: ClientInfo,
  now: Date,
): Promise<JobDetail> {
  requireProvision(auth);
  const device = await findVoipDevice(tx, auth.orgId, deviceId);
  if (!device) throw appError('DEVICE_NOT_FOUND', { id: deviceId });
  for (const line of lines) {
    const error = lineErrors(device, line.line);
    if (error) throw appError('VOIP_LINE_NOT_ON_DEVICE', { serial: device.serial, line: line.line });
  }
  return startProvisioning(
    tx,
    auth,
    new Map([[device.id, { device, lines: [...lines] }]]),
    secrets,
    client,
    now,
    'form',
  );
}

interface CheckedCsv {
  preview: VoipCsvPreview;
  byDevice: Map<string, { device: VoipDeviceRow; lines: VoipLineSettings[] }>;
}

/** Reads and checks every row: the file, each value, the device (known, with that line), each line once. */
async function checkVoipCsv(tx: Queryable, orgId: string, csv: string): Promise<CheckedCsv> {
  const file = readVoipCsv(csv);
  const byDevice = new Map<string, { device: VoipDeviceRow; lines: VoipLineSettings[] }>();
  const empty = { validRows: 0, invalidRows: 0, devices: 0 };
  if (file.error) {
    return {
      preview: { rows: [], fileError: file.error, missingColumns: file.missingColumns, ...empty },
      byDevice,
    };
  }
  const known = new Map(
    (await devicesBySerial(tx, orgId, [...new Set(file.rows.map((row) => row.serial))])).map((device) => [
      device.serial,
      device,
    ]),
  );
  const seen = new Set<string>();
  const rows = file.rows.map((row) => {
    const errors = [...row.errors];
    const device = row.serial === '' ? undefined : known.get(row.serial);
    if (row.serial !== '' && !device) errors.push({ column: 'serial', code: 'unknown_device' });
    if (device && row.settings) {
      const error = lineErrors(device, row.settings.line);
      if (error) errors.push(error);
      const key = `${device.id}:${row.settings.line}`;
      if (seen.has(key)) errors.push({ column: 'row', code: 'duplicate_line' });
      seen.add(key);
    }
    if (errors.length === 0 && device && row.settings) {
      const entry = byDevice.get(device.id) ?? { device, lines: [] };
      entry.lines.push(row.settings);
      byDevice.set(device.id, entry);
    }
    return {
      row: row.row,
      serial: row.serial,
      line: row.settings?.line ?? row.line,
      deviceId: device?.id ?? null,
      deviceName: device?.name ?? null,
      server: row.server,
      user: row.user,
      transport: row.settings?.transport ?? row.transport,
      errors,
    };
  });
  const invalidRows = rows.filter((row) => row.errors.length > 0).length;
  return {
    preview: {
      rows,
      fileError: rows.length === 0 ? 'empty' : null,
      missingColumns: [],
      validRows: rows.length - invalidRows,
      invalidRows,
      devices: byDevice.size,
    },
    byDevice,
  };
}

/** The dry run of a bulk provisioning: every row with its errors; nothing is stored. */
export async function previewVoipCsv(tx: Queryable, auth: AuthContext, csv: string): Promise<VoipCsvPreview> {
  requireProvision(auth);
  return (await checkVoipCsv(tx, auth.orgId, csv)).preview;
}

/** Provisions every row of the file as one job (a target per device), only when no row has an error. */
export async function provisionVoipCsv(
  tx: Tx,
  auth: AuthContext,
  csv: string,
  secrets: SecretBox,
  client: ClientInfo,
  now: Date,
): Promise<JobDetail> {
  requireProvision(auth);
  const { preview, byDevice } = await checkVoipCsv(tx, auth.orgId, csv);
  if (preview.fileError || preview.invalidRows > 0 || byDevice.size === 0) {
    throw appError('VOIP_CSV_INVALID', {
      fileError: preview.fileError,
      invalidRows: preview.rows
        .filter((row) => row.errors.length > 0)
        .map((row) => row.row)
        .slice(0, 50),
    });
  }
  return startProvisioning(tx, auth, byDevice, secrets, client, now, 'csv');
}

export interface VoipReport {
  serial: string;
  lines: readonly VoipLineReport[];
  at: string;
}

/** Stores the lines agents reported with their devices (inside the ingestion transaction). */
export async function storeVoipReports(db: Queryable, orgId: string, reports: readonly VoipReport[]): Promise<void> {
  const rows: VoipLineInput[] = reports.flatMap((report) =>
    report.lines.map((line) => ({
      serial: report.serial,
      line: line.line,
      state: line.state,
      reason: line.reason,
      server: line.server,
      port: line.port,
      transport: line.transport,
      user: line.user,
      extension: line.extension,
      display_name: line.displayName,
      at: report.at,
    })),
  );
  await upsertVoipLines(
    db,
    orgId,
    rows,
    reports.map((report) => report.serial),
  );
}
