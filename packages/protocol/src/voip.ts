import { z } from 'zod';
import type { DeviceModel } from './models.ts';

/**
 * VoIP lines of CONVERGE Pro 2 units (the UA endpoints): their SIP accounts, how they are provisioned (one device, or
 * many from a CSV file) and the registration state each line reports.
 */

/** Most VoIP lines a unit may have (EPN `B01`…`B09`). */
export const MAX_VOIP_LINES = 9;

/** VoIP lines per model: the V models carry two SIP user agents; the others none. */
const voipLineCounts: Partial<Record<DeviceModel, number>> = {
  CONVERGE_PRO_2_128V: 2,
  CONVERGE_PRO_2_128VD: 2,
  CONVERGE_PRO_2_48V: 2,
};

export function voipLineCount(model: DeviceModel): number {
  return voipLineCounts[model] ?? 0;
}

export const voipTransports = ['UDP', 'TCP', 'TLS'] as const;
export const voipTransportSchema = z.enum(voipTransports);
export type VoipTransport = z.infer<typeof voipTransportSchema>;

/** SIP port when none is given: 5061 over TLS, 5060 otherwise (the project file's defaults). */
export function defaultVoipPort(transport: VoipTransport): number {
  return transport === 'TLS' ? 5061 : 5060;
}

export const voipLineNumberSchema = z.coerce.number().int().min(1).max(MAX_VOIP_LINES);

export const sipHostSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)*$/,
    'A SIP server host name or IPv4 address.',
  );
export const sipUserSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._+-]{1,64}$/, 'Up to 64 letters, digits or . _ + -');
export const sipPasswordSchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,128}$/, 'Up to 128 letters, digits or symbols, without spaces.');
export const sipDisplayNameSchema = z
  .string()
  .trim()
  .regex(/^[^;=\p{Cc}]{0,64}$/u, 'Up to 64 characters, without ; or =');

/** What provisioning writes to one line. Blank optional fields: auth user = user, extension = user. */
export const voipLineSettingsSchema = z
  .strictObject({
    line: voipLineNumberSchema,
    server: sipHostSchema,
    /** Default: 5060, or 5061 over TLS. */
    port: z.coerce.number().int().min(1).max(65535).optional(),
    transport: voipTransportSchema.default('UDP'),
    user: sipUserSchema,
    authUser: sipUserSchema.optional(),
    password: sipPasswordSchema,
    extension: sipUserSchema.optional(),
    displayName: sipDisplayNameSchema.default(''),
  })
  .transform((settings) => ({
    ...settings,
    port: settings.port ?? defaultVoipPort(settings.transport),
    authUser: settings.authUser ?? settings.user,
    extension: settings.extension ?? settings.user,
  }));
export type VoipLineSettingsInput = z.input<typeof voipLineSettingsSchema>;
export type VoipLineSettings = z.output<typeof voipLineSettingsSchema>;

/** The settings of one target of a `voip_provision` job as the agent receives them (password included). */
export const agentVoipLineSchema = z.strictObject({
  line: z.number().int().min(1).max(MAX_VOIP_LINES),
  server: sipHostSchema,
  port: z.number().int().min(1).max(65535),
  transport: voipTransportSchema,
  user: sipUserSchema,
  authUser: sipUserSchema,
  password: sipPasswordSchema,
  extension: sipUserSchema,
  displayName: sipDisplayNameSchema,
});
export type AgentVoipLine = z.infer<typeof agentVoipLineSchema>;

/**
 * A line's state as the fleet shows it: Registered, Failed (with a reason), Restart Pending (settings written, waiting
 * for a VoIP restart), Unregistered or Disabled.
 */
export const voipLineStates = ['registered', 'failed', 'restart_pending', 'unregistered', 'disabled'] as const;
export const voipLineStateSchema = z.enum(voipLineStates);
export type VoipLineState = z.infer<typeof voipLineStateSchema>;

/** One line as an agent reports it with its device (never the password). */
export const voipLineReportSchema = z.strictObject({
  line: z.number().int().min(1).max(MAX_VOIP_LINES),
  state: voipLineStateSchema,
  /** Why the registration failed, as the device says it (`401 Unauthorized`). */
  reason: z.string().max(200).nullable(),
  server: z.string().max(253),
  port: z.number().int().min(0).max(65535),
  transport: voipTransportSchema,
  user: z.string().max(64),
  extension: z.string().max(64),
  displayName: z.string().max(64),
});
export type VoipLineReport = z.infer<typeof voipLineReportSchema>;

export const voipLineDtoSchema = voipLineReportSchema.extend({
  /** When the line entered its state. */
  since: z.string(),
  updatedAt: z.string(),
});
export type VoipLineDto = z.infer<typeof voipLineDtoSchema>;
export const voipLinesSchema = z.object({ deviceId: z.string(), lines: z.array(voipLineDtoSchema) });
export type VoipLines = z.infer<typeof voipLinesSchema>;

/** Provisions lines of one device: a `voip_provision` job with one target. */
export const provisionVoipRequestSchema = z.strictObject({
  lines: z
    .array(voipLineSettingsSchema)
    .min(1)
    .max(MAX_VOIP_LINES)
    .refine((lines) => new Set(lines.map((line) => line.line)).size === lines.length, 'Each line once.'),
});
export type ProvisionVoipRequest = z.input<typeof provisionVoipRequestSchema>;

// ---- Bulk provisioning from a CSV file --------------------------------------------------------------------------

/** Largest CSV accepted, and most rows in it. */
export const MAX_VOIP_CSV_BYTES = 1024 * 1024;
export const MAX_VOIP_CSV_ROWS = 5000;

/** Columns of the CSV, by header name (case and spaces ignored); serial, line, sip_server, user and password are required. */
export const voipCsvColumns = [
  'serial',
  'line',
  'sip_server',
  'port',
  'transport',
  'user',
  'auth_user',
  'password',
  'extension',
  'display_name',
] as const;
export type VoipCsvColumn = (typeof voipCsvColumns)[number];
export const requiredVoipCsvColumns: readonly VoipCsvColumn[] = ['serial', 'line', 'sip_server', 'user', 'password'];

export const voipCsvRequestSchema = z.strictObject({ csv: z.string().min(1).max(MAX_VOIP_CSV_BYTES) });
export type VoipCsvRequest = z.input<typeof voipCsvRequestSchema>;

/** Why a row cannot be used, as a stable code the web app translates, with the column it is about. */
export const voipCsvRowErrorCodes = [
  'required',
  'invalid',
  'unknown_device',
  'no_voip_lines',
  'line_not_on_device',
  'duplicate_line',
] as const;
export const voipCsvRowErrorSchema = z.object({
  column: z.enum([...voipCsvColumns, 'row']),
  code: z.enum(voipCsvRowErrorCodes),
});
export type VoipCsvRowError = z.infer<typeof voipCsvRowErrorSchema>;

export const voipCsvRowSchema = z.object({
  /** Line number in the file (the header is line 1). */
  row: z.number().int(),
  serial: z.string(),
  line: z.number().int().nullable(),
  deviceId: z.string().nullable(),
  deviceName: z.string().nullable(),
  server: z.string(),
  user: z.string(),
  transport: z.string(),
  errors: z.array(voipCsvRowErrorSchema),
});
export type VoipCsvRow = z.infer<typeof voipCsvRowSchema>;

export const voipCsvPreviewSchema = z.object({
  rows: z.array(voipCsvRowSchema),
  /** A problem with the file itself (unreadable, no header, a required column missing, too many rows). */
  fileError: z.enum(['unreadable', 'missing_columns', 'too_many_rows', 'empty']).nullable(),
  missingColumns: z.array(z.string()),
  validRows: z.number().int(),
  invalidRows: z.number().int(),
  devices: z.number().int(),
});
export type VoipCsvPreview = z.infer<typeof voipCsvPreviewSchema>;

/**
 * Validates one CSV row (values by column) without the device lookup: returns the settings or the row's errors.
 * Pure, so the hub and tests share it.
 */
export function validateVoipCsvRow(
  values: Partial<Record<VoipCsvColumn, string>>,
): { settings: VoipLineSettings; serial: string; errors: [] } | { errors: VoipCsvRowError[] } {
  const errors: VoipCsvRowError[] = [];
  const text = (column: VoipCsvColumn) => (values[column] ?? '').trim();
  for (const column of requiredVoipCsvColumns) if (text(column) === '') errors.push({ column, code: 'required' });
  const optional = (column: VoipCsvColumn) => (text(column) === '' ? undefined : text(column));
  const candidate = {
    line: text('line'),
    server: text('sip_server'),
    port: optional('port'),
    transport: optional('transport')?.toUpperCase(),
    user: text('user'),
    authUser: optional('auth_user'),
    password: values.password ?? '',
    extension: optional('extension'),
    displayName: optional('display_name'),
  };
  const parsed = voipLineSettingsSchema.safeParse(candidate);
  if (!parsed.success) {
    const columnOf: Record<string, VoipCsvColumn> = {
      line: 'line',
      server: 'sip_server',
      port: 'port',
      transport: 'transport',
      user: 'user',
      authUser: 'auth_user',
      password: 'password',
      extension: 'extension',
      displayName: 'display_name',
    };
    for (const issue of parsed.error.issues) {
      const column = columnOf[String(issue.path[0])];
      if (column && !errors.some((error) => error.column === column)) errors.push({ column, code: 'invalid' });
    }
  }
  const serial = text('serial');
  if (errors.length > 0 || !parsed.success) return { errors };
  return { settings: parsed.data, serial, errors: [] };
}
