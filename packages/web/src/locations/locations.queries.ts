import { queryOptions } from '@tanstack/react-query';
import type { LocationDto } from '@tutti/protocol';
import { api } from '../api.ts';

export const locationsQueryKey = ['locations'] as const;

export const locationsQueryOptions = queryOptions({ queryKey: locationsQueryKey, queryFn: () => api.listLocations() });

/** How deep each node sits (0 at the top), from the tree-ordered list the hub returns. */
export function depths(items: readonly LocationDto[]): Map<string, number> {
  const depth = new Map<string, number>();
  for (const item of items) depth.set(item.id, item.parentId === null ? 0 : (depth.get(item.parentId) ?? -1) + 1);
  return depth;
}

/** A node and everything below it: where it may not move. */
export function subtreeIds(items: readonly LocationDto[], rootId: string): Set<string> {
  const ids = new Set([rootId]);
  // Tree order puts every child after its parent, so one pass collects the subtree.
  for (const item of items) if (item.parentId !== null && ids.has(item.parentId)) ids.add(item.id);
  return ids;
}
