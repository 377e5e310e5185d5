import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChatClientMessage, ChatServerMessage } from '@tutti/protocol';
import { createContext, useContext, useEffect, useMemo, useRef, type ReactNode } from 'react';
import { usePermissions } from '../session/permissions.ts';
import { sessionQueryOptions } from '../session/session.ts';
import { connectChat, type ChatConnection } from './chat-connection.ts';
import { chatRootKey } from './chat.queries.ts';

type Listener = (message: ChatServerMessage) => void;

interface ChatContextValue {
  send: (message: ChatClientMessage) => void;
  /** Every event of the chat socket (messages, typing, calls); returns the unsubscribe function. */
  subscribe: (listener: Listener) => () => void;
}

const ChatContext = createContext<ChatContextValue | null>(null);

/** One chat socket per signed-in organization, shared by the chat screen, unread badges and calls. */
export function ChatProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const { data: session } = useQuery(sessionQueryOptions);
  const { can } = usePermissions();
  const enabled = can('chat.use');
  const orgId = session?.currentOrganizationId;
  const listeners = useRef(new Set<Listener>());
  const connection = useRef<ChatConnection | null>(null);

  useEffect(() => {
    if (!enabled || !orgId) return undefined;
    const opened = connectChat((message, reconnected) => {
      if (
        message.type === 'message.created' ||
        message.type === 'conversation.read' ||
        message.type === 'conversation.opened'
      ) {
        void queryClient.invalidateQueries({ queryKey: chatRootKey });
      }
      // Messages may have been missed while disconnected.
      if (message.type === 'ready' && reconnected) void queryClient.invalidateQueries({ queryKey: chatRootKey });
      for (const listener of listeners.current) listener(message);
    });
    connection.current = opened;
    return () => {
      connection.current = null;
      opened.close();
    };
  }, [enabled, orgId, queryClient]);

  const value = useMemo<ChatContextValue>(
    () => ({
      send: (message) => connection.current?.send(message),
      subscribe: (listener) => {
        listeners.current.add(listener);
        return () => listeners.current.delete(listener);
      },
    }),
    [],
  );
  return <ChatContext.Provider value={value}>{children}</ChatContext.Provider>;
}

export function useChat(): ChatContextValue {
  const value = useContext(ChatContext);
  if (!value) throw new Error('useChat outside ChatProvider');
  return value;
}

/** Calls `listener` for every chat socket event while the component is mounted. */
export function useChatEvents(listener: Listener): void {
  const { subscribe } = useChat();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => subscribe((message) => latest.current(message)), [subscribe]);
}
