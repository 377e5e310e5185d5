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
