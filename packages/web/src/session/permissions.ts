import { useQuery } from '@tanstack/react-query';
import type { Permission } from '@tutti/protocol';
import { sessionQueryOptions } from './session.ts';

/** What the signed-in user's role allows here: screens hide every action it does not. */
export function usePermissions(): { can: (permission: Permission) => boolean } {
  const { data: session } = useQuery(sessionQueryOptions);
  const held = new Set(session?.permissions ?? []);
  return { can: (permission) => held.has(permission) };
}
