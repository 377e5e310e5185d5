import { queryOptions } from '@tanstack/react-query';
import { ApiError } from '@tutti/client';
import type { SessionInfo } from '@tutti/protocol';
import { api } from '../api.ts';

export const sessionQueryKey = ['session'] as const;

/** The signed-in user, or null when the hub says the browser has no session. */
export const sessionQueryOptions = queryOptions({
  queryKey: sessionQueryKey,
  queryFn: async (): Promise<SessionInfo | null> => {
    try {
      return await api.me();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') return null;
      throw error;
    }
  },
  staleTime: 5 * 60_000,
});

export function organizationName(session: SessionInfo): string | null {
  return (
    session.memberships.find((membership) => membership.organizationId === session.currentOrganizationId)
      ?.organizationName ?? null
  );
}

/** Platform and support organizations have organizations below them (the Organizations screen). */
export function hasClientOrganizations(session: SessionInfo): boolean {
  const kind = session.memberships.find(
    (membership) => membership.organizationId === session.currentOrganizationId,
  )?.organizationKind;
  return kind === 'platform' || kind === 'support';
}
