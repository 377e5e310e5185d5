import { queryOptions } from '@tanstack/react-query';
import { ApiError } from '@tutti/client';
import { errorCodes, type ErrorCode, type SessionInfo } from '@tutti/protocol';
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

export interface SignInSearch {
  redirect?: string;
  /** Why single sign-on sent the browser back (an error code of the hub). */
  error?: ErrorCode;
  /** The organization (account number) whose single sign-on the page offers. */
  organization?: string;
}

export function parseSignInSearch(search: Record<string, unknown>): SignInSearch {
  const parsed: SignInSearch = {};
  if (typeof search.redirect === 'string') parsed.redirect = search.redirect;
  if (typeof search.error === 'string' && (errorCodes as string[]).includes(search.error)) {
    parsed.error = search.error as ErrorCode;
  }
  if (typeof search.organization === 'string' && /^[\w-]{1,64}$/.test(search.organization)) {
    parsed.organization = search.organization;
  }
  return parsed;
}
