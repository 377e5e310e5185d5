import { z } from 'zod';
import { deviceFamilySchema, deviceModelSchema } from './models.ts';
import { deviceStatusSchema, monitoringStatusSchema, severitySchema } from './statuses.ts';
import { ipv4Schema } from './network.ts';
import { locationDtoSchema } from './locations.ts';
import { MAX_VOIP_LINES, voipLineReportSchema } from './voip.ts';

export const serialNumberSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/);

/** Where a device sits: the "CASH" path Server > Subnet > Stack > C-Link > P-Link. */
export const deviceConnectionSchema = z.strictObject({
  subnet: z.string().max(64),
  interfaceName: z.string().max(32).nullable(),
  stack: z.string().max(64).nullable(),
  /** Position of the DSP unit on the expansion bus, 0-based as users see it ("C-Link 00"). */
  clink: z.number().int().min(0).max(8).nullable(),
  /** P-Link port position of a peripheral on its host DSP, 1-based ("P-Link 01"). */
  plink: z.number().int().min(1).max(99).nullable(),
  /** Serial number of the DSP a peripheral hangs off. */
  hostSerial: serialNumberSchema.nullable(),
});
export type DeviceConnection = z.infer<typeof deviceConnectionSchema>;

/** What an agent knows about one device: identity, address, place in the stack and current status. */
export const deviceReportSchema = z.strictObject({
  serial: serialNumberSchema,
  model: deviceModelSchema,
  name: z.string().max(128),
  mac: z.string().max(32),
  firmware: z.string().max(64),
  accessIp: ipv4Schema,
  port: z.number().int().min(1).max(65535),
  connection: deviceConnectionSchema,
  status: deviceStatusSchema,
  statusSince: z.iso.datetime(),
  /** CONVERGE Pro 2 units with VoIP: each line's account and registration. Added in agent 0.3. */
  voipLines: z.array(voipLineReportSchema).max(MAX_VOIP_LINES).optional(),
  /**
   * `NETWORK FTP_ENABLE` as the unit itself reports it; null when it does not tell. Older agents omit it, and a report
   * without it leaves the hub's value as it was.
   */
  ftpEnabled: z.boolean().nullable().optional(),
});
export type DeviceReport = z.infer<typeof deviceReportSchema>;

/** `Server Site-A > Subnet 127.20.1.0 (lo) > Stack Boardroom > C-Link 00 > P-Link 01` */
export function formatConnectionPath(serverName: string | null, connection: DeviceConnection): string {
  const parts: string[] = [];
  if (serverName) parts.push(`Server ${serverName}`);
  parts.push(`Subnet ${connection.subnet}${connection.interfaceName ? ` (${connection.interfaceName})` : ''}`);
  if (connection.stack) parts.push(`Stack ${connection.stack}`);
  if (connection.clink !== null) parts.push(`C-Link ${String(connection.clink).padStart(2, '0')}`);
  if (connection.plink !== null) parts.push(`P-Link ${String(connection.plink).padStart(2, '0')}`);
  return parts.join(' > ');
}

/** A device as the REST API and the live feed show it. */
export const deviceDtoSchema = z.object({
  id: z.string(),
  serial: z.string(),
  model: deviceModelSchema,
  modelName: z.string(),
  family: deviceFamilySchema,
  name: z.string(),
  mac: z.string(),
  firmware: z.string(),
  accessIp: z.string(),
  status: deviceStatusSchema,
  severity: severitySchema,
  statusSince: z.string(),
  lastSeenAt: z.string(),
  serverName: z.string().nullable(),
  connection: deviceConnectionSchema,
  connectionPath: z.string(),
  /** Where the device is installed, e.g. `Virginia > Terry's Demo Kit`; null while unassigned. */
  location: z.string().nullable(),
  /** "Update Available": the newest catalog firmware of the device's family when newer than its own, else null. */
  updateAvailable: z.string().nullable(),
  locationId: z.string().nullable(),
});
export type DeviceDto = z.infer<typeof deviceDtoSchema>;

export const deviceSortFields = [
  'status',
  'model',
  'name',
  'serial',
  'firmware',
  'accessIp',
  'statusSince',
  'connection',
  'location',
] as const;
export const deviceSortSchema = z
  .string()
  .regex(/^-?(status|model|name|serial|firmware|accessIp|statusSince|connection|location)$/, {
    message: `sort is one of ${deviceSortFields.join(', ')}, optionally prefixed with - for descending`,
  });

/** A query parameter given once or repeated (`?model=A&model=B`), as a list. */
function oneOrMany<T extends z.ZodType>(item: T) {
  return z
    .union([item, z.array(item).max(100)])
    .optional()
    .transform((value): z.output<T>[] | undefined =>
      value === undefined ? undefined : Array.isArray(value) ? value : [value],
    );
}

const filterTextSchema = z.string().trim().min(1).max(128);

export const deviceListQuerySchema = z.strictObject({
  q: z.string().trim().max(200).optional(),
  status: oneOrMany(deviceStatusSchema),
  severity: severitySchema.optional(),
  model: oneOrMany(deviceModelSchema),
  family: oneOrMany(deviceFamilySchema),
  /** Exact firmware versions. */
  firmware: oneOrMany(filterTextSchema),
  /** Server (agent) names. */
  server: oneOrMany(filterTextSchema),
  /** Subnet network addresses, e.g. `127.20.1.0`. */
  subnet: oneOrMany(filterTextSchema),
  /** Stack names. */
  stack: oneOrMany(filterTextSchema),
  /** A location id (the devices there and anywhere below it), or `none` for devices without a location. */
  location: z.union([z.uuid(), z.literal('none')]).optional(),
  /** `true`: only devices with an update available in the firmware catalog; `false`: only those without. */
  updateAvailable: z.stringbool().optional(),
  sort: deviceSortSchema.default('name'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /**
   * `false`: the page alone, without the total and the counts by severity (a `DevicePage`). Counting reads every
   * matching device, so a client that already has the counts of these filters (turning pages, sorting anew) skips it.
   */
  counts: z.stringbool().default(true),
});
export type DeviceListQuery = z.input<typeof deviceListQuerySchema>;

/** Columns of the device list, in their default order; the CSV export and the column chooser use the same keys. */
export const deviceColumns = [
  'status',
  'name',
  'model',
  'serial',
  'firmware',
  'accessIp',
  'mac',
  'server',
  'connection',
  'location',
  'statusSince',
  'lastSeenAt',
] as const;
export const deviceColumnSchema = z.enum(deviceColumns);
export type DeviceColumn = z.infer<typeof deviceColumnSchema>;

/** The most rows one CSV export holds. */
export const DEVICE_EXPORT_LIMIT = 100_000;

/** `GET /devices/export.csv`: the list's filters and sort, and the columns to write (all by default). */
export const deviceExportQuerySchema = deviceListQuerySchema.omit({ page: true, limit: true, counts: true }).extend({
  columns: oneOrMany(deviceColumnSchema),
});
export type DeviceExportQuery = z.input<typeof deviceExportQuerySchema>;

/** A page of the device list without its counts (`counts=false`). */
export const devicePageSchema = z.object({
  items: z.array(deviceDtoSchema),
  page: z.number().int(),
  limit: z.number().int(),
});
export type DevicePage = z.infer<typeof devicePageSchema>;

export const deviceListSchema = devicePageSchema.extend({
  total: z.number().int(),
  counts: z.object({ healthy: z.number().int(), issue: z.number().int(), down: z.number().int() }),
});
export type DeviceList = z.infer<typeof deviceListSchema>;

/** A DSP unit of a stack with the peripherals on its P-Link ports. */
export const stackMemberSchema = z.object({
  device: deviceDtoSchema,
  peripherals: z.array(deviceDtoSchema),
});
export type StackMember = z.infer<typeof stackMemberSchema>;

/** `GET /devices/:id`: the device, where it sits and what it is linked to. */
export const deviceDetailSchema = deviceDtoSchema.extend({
  port: z.number().int(),
  lostAt: z.string().nullable(),
  firstSeenAt: z.string(),
  /** The DSP a peripheral hangs off; null for DSP units. */
  host: deviceDtoSchema.nullable(),
  /** Peripherals on this unit's P-Link ports (empty for peripherals). */
  peripherals: z.array(deviceDtoSchema),
  /** Every unit on the C-Link expansion bus of the device's stack, by position; null outside a stack. */
  stack: z
    .object({
      name: z.string(),
      members: z.array(stackMemberSchema),
    })
    .nullable(),
});
export type DeviceDetail = z.infer<typeof deviceDetailSchema>;

export const deviceHistoryQuerySchema = z.strictObject({
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type DeviceHistoryQuery = z.input<typeof deviceHistoryQuerySchema>;

export const deviceHistoryKinds = ['seen', 'status', 'lost'] as const;

/** One entry of a device's status timeline, newest first. */
export const deviceHistoryEntrySchema = z.object({
  id: z.string(),
  kind: z.enum(deviceHistoryKinds),
  /** When the agent observed the event. */
  at: z.string(),
  /** Status after the event; `down` for a lost device. */
  status: deviceStatusSchema,
  severity: severitySchema,
  /** When that status began at the device (equal to `at` for a lost device). */
  since: z.string(),
  /** Address and firmware as reported with a `seen` event. */
  accessIp: z.string().nullable(),
  firmware: z.string().nullable(),
});
export type DeviceHistoryEntry = z.infer<typeof deviceHistoryEntrySchema>;

export const deviceHistorySchema = z.object({
  items: z.array(deviceHistoryEntrySchema),
  nextCursor: z.string().nullable(),
});
export type DeviceHistory = z.infer<typeof deviceHistorySchema>;

const severityCountsSchema = z.object({
  healthy: z.number().int(),
  issue: z.number().int(),
  down: z.number().int(),
});

/** `GET /dashboard`: the numbers of the organization's front page. */
export const dashboardSchema = z.object({
  devices: severityCountsSchema.extend({ total: z.number().int() }),
  byModel: z.array(
    severityCountsSchema.extend({
      model: deviceModelSchema,
      modelName: z.string(),
      family: deviceFamilySchema,
      total: z.number().int(),
    }),
  ),
  byServer: z.array(
    severityCountsSchema.extend({
      id: z.string(),
      name: z.string(),
      connected: z.boolean(),
      monitoring: monitoringStatusSchema,
      lastSeenAt: z.string().nullable(),
      version: z.string().nullable(),
      total: z.number().int(),
    }),
  ),
  /** The location tree with rolled-up counts per node, and the devices without a location. */
  locations: z.array(locationDtoSchema),
  unassigned: severityCountsSchema.extend({ total: z.number().int() }),
  /** A support organization's client organizations with their devices by severity (empty for other kinds). */
  clients: z.array(severityCountsSchema.extend({ id: z.string(), name: z.string(), total: z.number().int() })),
  recentChanges: z.array(
    z.object({
      deviceId: z.string().nullable(),
      serial: z.string(),
      name: z.string().nullable(),
      kind: z.enum(deviceHistoryKinds),
      status: deviceStatusSchema,
      severity: severitySchema,
      at: z.string(),
    }),
  ),
});
export type Dashboard = z.infer<typeof dashboardSchema>;
