import {
  deviceModelSchema,
  deviceStatusSchema,
  severitySchema,
  type DeviceModel,
  type DeviceStatus,
  type Severity,
} from '@tutti/protocol';

/** The Devices list's filters, kept in the URL so the dashboard can link to a filtered list. */
export interface DevicesSearch {
  q?: string;
  severity?: Severity;
  status?: DeviceStatus[];
  model?: DeviceModel[];
  /** A location id (that location and everything below it), or `none` for devices without a location. */
  location?: string;
  /** Only devices with a newer firmware in the catalog ("Update Available"). */
  updateAvailable?: true;
}

const locationFilter = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|none)$/i;

function list<T>(value: unknown, parse: (item: unknown) => T | null): T[] | undefined {
  const items = (Array.isArray(value) ? value : value === undefined ? [] : [value])
    .map(parse)
    .filter((item): item is T => item !== null);
  return items.length > 0 ? items : undefined;
}

/** Reads filters from any search object, dropping what is not valid (a hand-edited or stale link). */
export function parseDevicesSearch(search: Record<string, unknown>): DevicesSearch {
  const out: DevicesSearch = {};
  if (typeof search.q === 'string' && search.q.trim() !== '') out.q = search.q;
  const severity = severitySchema.safeParse(search.severity);
  if (severity.success) out.severity = severity.data;
  const status = list(search.status, (item) => {
    const parsed = deviceStatusSchema.safeParse(item);
    return parsed.success ? parsed.data : null;
  });
  if (status) out.status = status;
  const model = list(search.model, (item) => {
    const parsed = deviceModelSchema.safeParse(item);
    return parsed.success ? parsed.data : null;
  });
  if (model) out.model = model;
  if (typeof search.location === 'string' && locationFilter.test(search.location)) out.location = search.location;
  if (search.updateAvailable === true || search.updateAvailable === 'true') out.updateAvailable = true;
  return out;
}
