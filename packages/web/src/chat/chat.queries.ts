import { queryOptions } from '@tanstack/react-query';
import { api } from '../api.ts';

export const chatRootKey = ['chat'] as const;

export const conversationsQueryOptions = queryOptions({
  queryKey: [...chatRootKey, 'conversations'],
  queryFn: () => api.listConversations(),
});

export const chatPeopleQueryOptions = queryOptions({
  queryKey: [...chatRootKey, 'people'],
  queryFn: () => api.chatPeople(),
  staleTime: 60_000,
});

/** People of a conversation's organization (the current one, or a client organization the person chats in). */
export const chatPeopleOfQueryOptions = (organizationId: string) =>
  queryOptions({
    queryKey: [...chatRootKey, 'people', organizationId],
    queryFn: () => api.chatPeople(organizationId),
    staleTime: 60_000,
  });
