import { z } from 'zod';
import { deviceFamilySchema, deviceModelSchema } from './models.ts';
import { deviceStatusSchema, severitySchema } from './statuses.ts';
import { ipv4Schema } from './network.ts';

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
  location: z.string().nullable(),
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
] as const;
export const deviceSortSchema = z
  .string()
  .regex(/^-?(status|model|name|serial|firmware|accessIp|statusSince|connection)$/, {
    message: `sort is one of ${deviceSortFields.join(', ')}, optionally prefixed with - for descending`,
  });

export const deviceListQuerySchema = z.strictObject({
  q: z.string().trim().max(200).optional(),
  status: z
    .union([deviceStatusSchema, z.array(deviceStatusSchema)])
    .optional()
    .transform((value) => (value === undefined ? undefined : Array.isArray(value) ? value : [value])),
  severity: severitySchema.optional(),
  sort: deviceSortSchema.default('name'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type DeviceListQuery = z.input<typeof deviceListQuerySchema>;

export const deviceListSchema = z.object({
  items: z.array(deviceDtoSchema),
  total: z.number().int(),
  page: z.number().int(),
  limit: z.number().int(),
  counts: z.object({ healthy: z.number().int(), issue: z.number().int(), down: z.number().int() }),
});
export type DeviceList = z.infer<typeof deviceListSchema>;
