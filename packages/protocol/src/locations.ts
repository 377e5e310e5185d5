import { z } from 'zod';

export const locationKinds = ['building', 'floor', 'room', 'other'] as const;
export const locationKindSchema = z.enum(locationKinds);
export type LocationKind = z.infer<typeof locationKindSchema>;

/** How parts of a location path are joined: `Virginia > Terry's Demo Kit`. */
export const LOCATION_PATH_SEPARATOR = ' > ';

const locationName = z.string().trim().min(1).max(120);
const uuid = z.uuid();

const severityCountsSchema = z.object({
  healthy: z.number().int(),
  issue: z.number().int(),
  down: z.number().int(),
  total: z.number().int(),
});
export type LocationDeviceCounts = z.infer<typeof severityCountsSchema>;

/** One node of an organization's location tree. */
export const locationDtoSchema = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  name: z.string(),
  kind: locationKindSchema,
  sort: z.number().int(),
  /** Names from the top-level location down to this one, joined with ` > `. */
  path: z.string(),
  /** Devices assigned here or anywhere below, by severity (Overflowed devices count as issues). */
  devices: severityCountsSchema,
  /** Devices assigned to this node itself. */
  directDevices: z.number().int(),
});
export type LocationDto = z.infer<typeof locationDtoSchema>;

/** `GET /locations`: the whole tree in display order (parents before children, siblings by sort then name). */
export const locationListSchema = z.object({
  items: z.array(locationDtoSchema),
  /** Devices without a location. */
  unassigned: severityCountsSchema,
});
export type LocationList = z.infer<typeof locationListSchema>;

export const createLocationRequestSchema = z.strictObject({
  name: locationName,
  kind: locationKindSchema.default('other'),
  parentId: uuid.nullable().default(null),
  sort: z.number().int().min(0).max(1_000_000).optional(),
});
export type CreateLocationRequest = z.input<typeof createLocationRequestSchema>;

/** Rename, change the kind, move under another parent (null: to the top level), or reorder. */
export const updateLocationRequestSchema = z
  .strictObject({
    name: locationName.optional(),
    kind: locationKindSchema.optional(),
    parentId: uuid.nullable().optional(),
    sort: z.number().int().min(0).max(1_000_000).optional(),
  })
  .refine((value) => Object.keys(value).length > 0, { message: 'Change at least one field.' });
export type UpdateLocationRequest = z.input<typeof updateLocationRequestSchema>;

/** `DELETE /locations/:id`: its devices and sub-locations move to its parent (or become unassigned/top-level). */
export const deleteLocationResultSchema = z.object({
  /** Where the devices went: the parent location, or null when they became unassigned. */
  devicesMovedTo: z.string().nullable(),
  devicesMoved: z.number().int(),
  childrenMoved: z.number().int(),
});
export type DeleteLocationResult = z.infer<typeof deleteLocationResultSchema>;

/** Put devices into a location (or take them out with null). */
export const assignLocationRequestSchema = z.strictObject({
  locationId: uuid.nullable(),
  deviceIds: z.array(uuid).min(1).max(1000),
});
export type AssignLocationRequest = z.input<typeof assignLocationRequestSchema>;

export const assignLocationResultSchema = z.object({ assigned: z.number().int() });
export type AssignLocationResult = z.infer<typeof assignLocationResultSchema>;

/** Each location's full path (`Virginia > Terry's Demo Kit`) from a flat list of the tree's nodes. */
export function locationPaths(
  nodes: ReadonlyArray<{ id: string; parentId: string | null; name: string }>,
): Map<string, string> {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const paths = new Map<string, string>();
  const pathOf = (id: string, seen: Set<string>): string => {
    const known = paths.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id)!;
    // A parent outside the list, or a loop, ends the path here.
    const parent = node.parentId !== null && byId.has(node.parentId) && !seen.has(node.parentId) ? node.parentId : null;
    const path = parent === null ? node.name : `${pathOf(parent, seen.add(id))}${LOCATION_PATH_SEPARATOR}${node.name}`;
    paths.set(id, path);
    return path;
  };
  for (const node of nodes) pathOf(node.id, new Set());
  return paths;
}
