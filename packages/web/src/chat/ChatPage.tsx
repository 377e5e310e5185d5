import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  FileButton,
  Grid,
  Group,
  Loader,
  Menu,
  NavLink,
  ScrollArea,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import {
  IconAt,
  IconDeviceSpeaker,
  IconHash,
  IconListCheck,
  IconPaperclip,
  IconPhone,
  IconSearch,
  IconSend,
  IconUser,
  IconVideo,
  IconX,
} from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  CHAT_ATTACHMENT_MAX_BYTES,
  type ChatPerson,
  type ConversationDto,
  type ConversationKind,
  type MessageDto,
} from '@tutti/protocol';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { useCalls } from '../calls/CallProvider.tsx';
import { formatIsoDateTime, isolate } from '../i18n/format.ts';
import { currentLanguage, intlLocale } from '../i18n/i18n.ts';
import { sessionQueryOptions } from '../session/session.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { usePageTitle } from '../shell/usePageTitle.ts';
import {
  chatPeopleOfQueryOptions,
  chatPeopleQueryOptions,
  chatRootKey,
  conversationsQueryOptions,
} from './chat.queries.ts';
import { useChat, useChatEvents } from './ChatProvider.tsx';
import { mentionsIn, splitMentions } from './mentions.ts';

const kindIcons: Record<ConversationKind, typeof IconHash> = {
  channel: IconHash,
  device: IconDeviceSpeaker,
  job: IconListCheck,
  direct: IconUser,
};
/** How long a typing indicator stays without a new one. */
const TYPING_SHOWN_MS = 4000;

function conversationTitle(conversation: ConversationDto, myId: string | undefined): string {
  if (conversation.kind === 'direct') {
    return conversation.members.find((member) => member.userId !== myId)?.name ?? '';
  }
  return conversation.title ?? '';
}

function fileToBase64(file: File): Promise<string> {
  return file.arrayBuffer().then((buffer) => {
    let binary = '';
    const bytes = new Uint8Array(buffer);
    for (let index = 0; index < bytes.length; index += 0x8000) {
      binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
    }
    return btoa(binary);
  });
}

function ConversationList({
  selectedId,
  onSelect,
}: {
  selectedId: string | undefined;
  onSelect: (id: string) => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { data: session } = useQuery(sessionQueryOptions);
  const conversations = useQuery(conversationsQueryOptions);
  const people = useQuery(chatPeopleQueryOptions);
  const [channelName, setChannelName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const myId = session?.user.id;

  async function open(request: Parameters<typeof api.openConversation>[0]) {
    setError(null);
    try {
      const conversation = await api.openConversation(request);
      await queryClient.invalidateQueries({ queryKey: chatRootKey });
      onSelect(conversation.id);
    } catch (failure) {
      setError(failure);
    }
  }

  return (
    <Card withBorder padding="sm" radius="md" h="100%">
      <Stack gap="sm">
        <Text fw={600}>{t('chat.conversations')}</Text>
        <form
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            if (channelName.trim())
              void open({ kind: 'channel', title: channelName.trim() }).then(() => setChannelName(''));
          }}
        >
          <Group gap="xs" wrap="nowrap">
            <TextInput
              flex={1}
              size="xs"
              aria-label={t('chat.channelName')}
              placeholder={t('chat.channelName')}
              value={channelName}
              onChange={(event) => setChannelName(event.currentTarget.value)}
              maxLength={100}
              data-testid="new-channel-name"
            />
            <Button size="xs" type="submit" variant="light" data-testid="new-channel">
              {t('chat.newChannel')}
            </Button>
          </Group>
        </form>
        <Select
          size="xs"
          searchable
          aria-label={t('chat.messagePerson')}
          placeholder={t('chat.messagePerson')}
          data={(people.data?.items ?? [])
            .filter((person) => person.userId !== myId)
            .map((person) => ({ value: person.userId, label: `${person.name} (${person.email})` }))}
          value={null}
          onChange={(userId) => {
            if (userId) void open({ kind: 'direct', userId });
          }}
          data-testid="message-person"
        />
        {error ? (
          <Alert color="red" variant="light" role="alert">
            {t(errorKey(error))}
          </Alert>
        ) : null}
        {conversations.isError ? (
          <LoadError
            title={t('chat.loadFailed')}
            error={conversations.error}
            onRetry={() => void conversations.refetch()}
          />
        ) : null}
        {conversations.data?.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('chat.noConversations')}
          </Text>
        ) : null}
        <ScrollArea.Autosize mah="60vh">
          {(conversations.data?.items ?? []).map((conversation) => {
            const KindIcon = kindIcons[conversation.kind];
            return (
              <NavLink
                key={conversation.id}
                active={conversation.id === selectedId}
                onClick={() => onSelect(conversation.id)}
                label={conversationTitle(conversation, myId)}
                description={
                  conversation.organizationId === session?.currentOrganizationId ? undefined : (
                    <bdi data-testid="conversation-organization">{conversation.organizationName}</bdi>
                  )
                }
                leftSection={<KindIcon size={16} aria-label={t(`chat.kind.${conversation.kind}`)} />}
                data-testid="conversation"
                data-conversation-id={conversation.id}
                rightSection={
                  conversation.unread > 0 ? (
                    <Badge
                      size="sm"
                      circle
                      color={conversation.unreadMentions > 0 ? 'red' : 'blue'}
                      aria-label={t('chat.unreadLabel', { number: conversation.unread })}
                      data-testid="unread-badge"
                    >
                      {new Intl.NumberFormat(intlLocale(currentLanguage())).format(conversation.unread)}
                    </Badge>
                  ) : null
                }
                style={{ borderRadius: 'var(--mantine-radius-sm)' }}
              />
            );
          })}
        </ScrollArea.Autosize>
      </Stack>
    </Card>
  );
}

function MessageItem({
  message,
  myId,
  people,
}: {
  message: MessageDto;
  myId: string | undefined;
  people: ChatPerson[];
}) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const names = people.filter((person) => message.mentions.includes(person.userId)).map((person) => person.name);
  const mentionsMe = myId !== undefined && message.mentions.includes(myId);
  return (
    <Stack
      gap={2}
      p="xs"
      data-testid="message"
      style={{
        borderRadius: 'var(--mantine-radius-sm)',
        background: mentionsMe ? 'var(--mantine-color-yellow-light)' : undefined,
      }}
    >
      <Group gap="xs">
        <Text size="sm" fw={600}>
          {message.author.name}
        </Text>
        <Text size="xs" c="dimmed">
          {formatIsoDateTime(language, message.createdAt)}
        </Text>
        {mentionsMe ? (
          <Badge size="xs" color="yellow" variant="light">
            {t('chat.mentionedYou')}
          </Badge>
        ) : null}
      </Group>
      {message.body ? (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid="message-body">
          {splitMentions(message.body, names).map((part, index) =>
            part.mention ? (
              <Text key={index} span fw={700} c="blue">
                {part.text}
              </Text>
            ) : (
              <span key={index}>{part.text}</span>
            ),
          )}
        </Text>
      ) : null}
      {message.attachment ? (
        <Anchor
          size="sm"
          href={api.attachmentUrl(message.conversationId, message.attachment.id)}
          download={message.attachment.name}
          data-testid="attachment"
        >
          <Group gap={4} component="span">
            <IconPaperclip size={14} aria-hidden />
            {`${message.attachment.name} (${new Intl.NumberFormat(intlLocale(language), {
              style: 'unit',
              unit: 'kilobyte',
              maximumFractionDigits: 1,
            }).format(message.attachment.size / 1024)})`}
          </Group>
        </Anchor>
      ) : null}
    </Stack>
  );
}

function Thread({ conversation }: { conversation: ConversationDto }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { send } = useChat();
  const { startCall } = useCalls();
  const { data: session } = useQuery(sessionQueryOptions);
  const people = useQuery(chatPeopleOfQueryOptions(conversation.organizationId)).data?.items ?? [];
  const myId = session?.user.id;
  const [messages, setMessages] = useState<MessageDto[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [search, setSearch] = useState('');
  const [activeSearch, setActiveSearch] = useState('');
  const [draft, setDraft] = useState('');
  const [picked, setPicked] = useState<ChatPerson[]>([]);
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tooLarge, setTooLarge] = useState(false);
  const [typing, setTyping] = useState<Map<string, { name: string; at: number }>>(new Map());
  const bottom = useRef<HTMLDivElement>(null);
  const other = conversation.kind === 'direct' ? conversation.members.find((m) => m.userId !== myId) : undefined;

  const load = useCallback(
    async (q: string) => {
      setLoading(true);
      setError(null);
      try {
        const page = await api.messageHistory(conversation.id, q ? { q } : {});
        setMessages(page.items);
        setNextBefore(page.nextBefore);
      } catch (failure) {
        setError(failure);
      } finally {
        setLoading(false);
      }
    },
    [conversation.id],
  );

  useEffect(() => {
    void load(activeSearch);
  }, [load, activeSearch]);

  const lastId = messages.at(-1)?.id;
  useEffect(() => {
    if (lastId !== undefined && !activeSearch) {
      void api.markRead(conversation.id, lastId).catch(() => undefined);
      bottom.current?.scrollIntoView({ block: 'end' });
    }
  }, [conversation.id, lastId, activeSearch]);

  useChatEvents((event) => {
    if (event.type === 'message.created' && event.message.conversationId === conversation.id && !activeSearch) {
      setMessages((current) =>
        current.some((message) => message.id === event.message.id) ? current : [...current, event.message],
      );
      setTyping((current) => {
        const next = new Map(current);
        if (event.message.author.userId) next.delete(event.message.author.userId);
        return next;
      });
    }
    if (event.type === 'typing' && event.conversationId === conversation.id && event.userId !== myId) {
      setTyping((current) => new Map(current).set(event.userId, { name: event.name, at: Date.now() }));
    }
  });

  useEffect(() => {
    if (typing.size === 0) return undefined;
    const timer = setTimeout(() => {
      setTyping((current) => new Map([...current].filter(([, entry]) => Date.now() - entry.at < TYPING_SHOWN_MS)));
    }, TYPING_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [typing]);

  async function loadOlder() {
    if (nextBefore === null) return;
    try {
      const page = await api.messageHistory(conversation.id, {
        before: nextBefore,
        ...(activeSearch ? { q: activeSearch } : {}),
      });
      setMessages((current) => [...page.items, ...current]);
      setNextBefore(page.nextBefore);
    } catch (failure) {
      setError(failure);
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!draft.trim() && !file) return;
    setError(null);
    try {
      const attachment = file
        ? { name: file.name, contentType: file.type || 'application/octet-stream', content: await fileToBase64(file) }
        : undefined;
      const message = await api.postMessage(conversation.id, {
        body: draft.trim(),
        mentions: mentionsIn(draft, picked),
        ...(attachment ? { attachment } : {}),
      });
      setMessages((current) => (current.some((m) => m.id === message.id) ? current : [...current, message]));
      setDraft('');
      setPicked([]);
      setFile(null);
    } catch (failure) {
      setError(failure);
    }
  }

  const typingNames = [...typing.values()].map((entry) => entry.name);
  return (
    <Card withBorder padding="sm" radius="md">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={2} size="h4" data-testid="thread-title">
            {conversationTitle(conversation, myId)}
          </Title>
          <Group gap="xs">
            {other ? (
              <>
                <ActionIcon
                  variant="light"
                  aria-label={t('calls.audioCall')}
                  title={t('calls.audioCall')}
                  onClick={() => startCall(other, 'audio')}
                  data-testid="start-audio-call"
                >
                  <IconPhone size={18} />
                </ActionIcon>
                <ActionIcon
                  variant="light"
                  aria-label={t('calls.videoCall')}
                  title={t('calls.videoCall')}
                  onClick={() => startCall(other, 'video')}
                  data-testid="start-video-call"
                >
                  <IconVideo size={18} />
                </ActionIcon>
              </>
            ) : null}
            <form
              onSubmit={(event: FormEvent) => {
                event.preventDefault();
                setActiveSearch(search.trim());
              }}
            >
              <TextInput
                size="xs"
                type="search"
                leftSection={<IconSearch size={14} aria-hidden />}
                aria-label={t('chat.searchMessages')}
                placeholder={t('chat.searchMessages')}
                value={search}
                onChange={(event) => {
                  setSearch(event.currentTarget.value);
                  if (!event.currentTarget.value) setActiveSearch('');
                }}
                data-testid="message-search"
              />
            </form>
          </Group>
        </Group>
        <ScrollArea.Autosize mah="55vh" data-testid="messages">
          <Stack gap={4}>
            {nextBefore !== null ? (
              <Button variant="subtle" size="xs" onClick={() => void loadOlder()} data-testid="load-older">
                {t('chat.loadOlder')}
              </Button>
            ) : null}
            {loading ? <Loader size="sm" mx="auto" /> : null}
            {!loading && messages.length === 0 ? (
              <Text size="sm" c="dimmed">
                {activeSearch ? t('chat.noResults') : t('chat.noMessages')}
              </Text>
            ) : null}
            {messages.map((message) => (
              <MessageItem key={message.id} message={message} myId={myId} people={people} />
            ))}
            <div ref={bottom} />
          </Stack>
        </ScrollArea.Autosize>
        <Text size="xs" c="dimmed" mih={18} aria-live="polite" data-testid="typing">
          {typingNames.length > 0
            ? t('chat.typing', {
                names: new Intl.ListFormat(intlLocale(language), { type: 'conjunction' }).format(
                  typingNames.map(isolate),
                ),
              })
            : ''}
        </Text>
        {error ? (
          <Alert color="red" variant="light" role="alert">
            {t(errorKey(error))}
          </Alert>
        ) : null}
        {tooLarge ? (
          <Alert color="red" variant="light" role="alert">
            {t('chat.attachmentTooLarge', {
              size: new Intl.NumberFormat(intlLocale(language), { style: 'unit', unit: 'kilobyte' }).format(
                CHAT_ATTACHMENT_MAX_BYTES / 1024,
              ),
            })}
          </Alert>
        ) : null}
        <form onSubmit={(event) => void submit(event)}>
          <Stack gap="xs">
            <Textarea
              autosize
              minRows={2}
              maxRows={6}
              maxLength={4000}
              aria-label={t('chat.composerPlaceholder')}
              placeholder={t('chat.composerPlaceholder')}
              value={draft}
              onChange={(event) => {
                setDraft(event.currentTarget.value);
                send({ type: 'typing', conversationId: conversation.id });
              }}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && !event.shiftKey) {
                  event.preventDefault();
                  event.currentTarget.form?.requestSubmit();
                }
              }}
              data-testid="composer"
            />
            <Group justify="space-between" wrap="wrap" gap="xs">
              <Group gap="xs">
                <Menu position="top-start" withinPortal>
                  <Menu.Target>
                    <ActionIcon
                      variant="light"
                      aria-label={t('chat.mention')}
                      title={t('chat.mention')}
                      data-testid="mention"
                    >
                      <IconAt size={18} />
                    </ActionIcon>
                  </Menu.Target>
                  <Menu.Dropdown>
                    {people
                      .filter((person) => person.userId !== myId)
                      .map((person) => (
                        <Menu.Item
                          key={person.userId}
                          onClick={() => {
                            setPicked((current) => [...current, person]);
                            setDraft(
                              (current) => `${current}${current && !current.endsWith(' ') ? ' ' : ''}@${person.name} `,
                            );
                          }}
                        >
                          {person.name}
                        </Menu.Item>
                      ))}
                  </Menu.Dropdown>
                </Menu>
                <FileButton
                  onChange={(chosen) => {
                    setTooLarge(chosen !== null && chosen.size > CHAT_ATTACHMENT_MAX_BYTES);
                    setFile(chosen !== null && chosen.size <= CHAT_ATTACHMENT_MAX_BYTES ? chosen : null);
                  }}
                >
                  {(props) => (
                    <ActionIcon
                      {...props}
                      variant="light"
                      aria-label={t('chat.attach')}
                      title={t('chat.attach')}
                      data-testid="attach"
                    >
                      <IconPaperclip size={18} />
                    </ActionIcon>
                  )}
                </FileButton>
                {file ? (
                  <Badge
                    variant="light"
                    rightSection={
                      <ActionIcon
                        size="xs"
                        variant="transparent"
                        aria-label={t('chat.removeAttachment')}
                        onClick={() => setFile(null)}
                      >
                        <IconX size={12} />
                      </ActionIcon>
                    }
                  >
                    {file.name}
                  </Badge>
                ) : null}
              </Group>
              <Button
                type="submit"
                size="sm"
                leftSection={<IconSend size={16} className="tutti-mirror" aria-hidden />}
                data-testid="send"
              >
                {t('chat.send')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    </Card>
  );
}

/** Chat: conversations with unread badges on one side, the chosen thread with its composer on the other. */
export function ChatPage({
  conversationId,
  onSelect,
}: {
  conversationId: string | undefined;
  onSelect: (id: string) => void;
}) {
  const { t } = useTranslation();
  usePageTitle(t('chat.title'));
  const conversations = useQuery(conversationsQueryOptions);
  const selected = conversations.data?.items.find((conversation) => conversation.id === conversationId);
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('chat.title')}
      </Title>
      <Grid>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <ConversationList selectedId={conversationId} onSelect={onSelect} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          {selected ? (
            <Thread key={selected.id} conversation={selected} />
          ) : (
            <Text c="dimmed" data-testid="choose-conversation">
              {t('chat.selectConversation')}
            </Text>
          )}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
