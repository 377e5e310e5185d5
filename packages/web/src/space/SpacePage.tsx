import { Alert, Badge, Button, Card, Group, List, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconCloud, IconLink, IconMessages, IconRefresh, IconUnlink } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorCodes, type ErrorCode, type SpaceAccountDto } from '@tutti/protocol';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey, type ErrorKey } from '../api.ts';
import { chatPeopleQueryOptions } from '../chat/chat.queries.ts';
import { formatIsoDateTime } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { usePermissions } from '../session/permissions.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { usePageTitle } from '../shell/usePageTitle.ts';

const accountsKey = ['space', 'accounts'] as const;

const statusKey = {
  healthy: 'deviceStatus.healthy',
  down: 'deviceStatus.down',
  communication_service_failed: 'deviceStatus.communicationServiceFailed',
} as const;
const statusColor = { healthy: 'green', down: 'red', communication_service_failed: 'orange' } as const;

/** Opens a direct conversation with the Tutti person who has the same email as a Space user. */
function MessageButton({ email }: { email: string }) {
  const { t } = useTranslation();
  const { can } = usePermissions();
  const navigate = useNavigate();
  const people = useQuery({ ...chatPeopleQueryOptions, enabled: can('chat.use') });
  const person = people.data?.items.find((candidate) => candidate.email.toLowerCase() === email.toLowerCase());
  const open = useMutation({
    mutationFn: (userId: string) => api.openConversation({ kind: 'direct', userId }),
    onSuccess: (conversation) => navigate({ to: '/chat', search: { c: conversation.id } }),
  });
  if (!person) return null;
  return (
    <Button
      size="compact-xs"
      variant="subtle"
      leftSection={<IconMessages size={14} aria-hidden />}
      loading={open.isPending}
      onClick={() => open.mutate(person.userId)}
      data-testid="message-space-user"
    >
      {t('space.message')}
    </Button>
  );
}

function Directory({ account }: { account: SpaceAccountDto }) {
  const { t } = useTranslation();
  const directory = useQuery({
    queryKey: ['space', 'directory', account.id],
    queryFn: () => api.spaceDirectory(account.id),
    retry: false,
  });
  if (directory.isPending) return <Loader size="sm" />;
  if (directory.isError) {
    return (
      <Alert color="red" variant="light" role="alert">
        {t(errorKey(directory.error))}
      </Alert>
    );
  }
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} data-testid="space-directory">
      <Stack gap={4}>
        <Text size="sm" fw={600}>
          {t('space.rooms')}
        </Text>
        <List size="sm">
          {directory.data.rooms.map((room) => (
            <List.Item key={room.id}>
              <bdi>{room.name}</bdi>
            </List.Item>
          ))}
        </List>
      </Stack>
      <Stack gap={4}>
        <Text size="sm" fw={600}>
          {t('space.users')}
        </Text>
        <List size="sm">
          {directory.data.users.map((user) => (
            <List.Item key={user.id}>
              <bdi>{user.name}</bdi>{' '}
              <Text span size="xs" c="dimmed">
                <bdi>{user.email}</bdi>
              </Text>{' '}
              <MessageButton email={user.email} />
            </List.Item>
          ))}
        </List>
      </Stack>
    </SimpleGrid>
  );
}

function AccountCard({ account, onLink }: { account: SpaceAccountDto; onLink: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [showDirectory, setShowDirectory] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['space'] });
  const check = useMutation({ mutationFn: () => api.checkSpaceAccount(account.id), onSettled: refresh });
  const unlink = useMutation({ mutationFn: () => api.unlinkSpaceAccount(account.id), onSettled: refresh });
  const failure = check.error ?? unlink.error;
  return (
    <Card withBorder radius="md" padding="md" data-testid="space-account" data-link-state={account.linkState}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Stack gap={0}>
            <Text fw={600}>
              <bdi>{account.name}</bdi>
            </Text>
            <Text size="xs" c="dimmed">
              <bdi className="tutti-mono">{account.accountId}</bdi>
              {account.linkedEmail ? (
                <>
                  {' · '}
                  <bdi>{account.linkedEmail}</bdi>
                </>
              ) : null}
            </Text>
          </Stack>
          <Group gap="xs">
            <Badge color={statusColor[account.status]} variant="light" data-testid="space-status">
              {t(statusKey[account.status])}
            </Badge>
            <Badge color={account.linkState === 'linked' ? 'blue' : 'red'} variant="outline">
              {t(`space.linkState.${account.linkState}`)}
            </Badge>
          </Group>
        </Group>
        {account.linkState === 'relink_required' ? (
          <Alert color="orange" variant="light" role="status" data-testid="relink-prompt">
            <Group justify="space-between" wrap="wrap">
              <Text size="sm">{t('space.relinkPrompt')}</Text>
              <Button size="xs" leftSection={<IconLink size={14} />} onClick={onLink}>
                {t('space.linkAgain')}
              </Button>
            </Group>
          </Alert>
        ) : null}
        {account.checkedAt ? (
          <Text size="xs" c="dimmed">
            {t('space.checkedAt', { date: formatIsoDateTime(currentLanguage(), account.checkedAt) })}
          </Text>
        ) : null}
        {failure ? (
          <Alert color="red" variant="light" role="alert">
            {t(errorKey(failure))}
          </Alert>
        ) : null}
        <Group gap="xs">
          <Button
            size="xs"
            variant="light"
            leftSection={<IconRefresh size={14} />}
            loading={check.isPending}
            onClick={() => check.mutate()}
          >
            {t('space.check')}
          </Button>
          {account.linkState !== 'relink_required' ? (
            <Button
              size="xs"
              variant="light"
              onClick={() => setShowDirectory((shown) => !shown)}
              data-testid="show-directory"
            >
              {t('space.roomsAndUsers')}
            </Button>
          ) : null}
          <Button
            size="xs"
            variant="subtle"
            color="red"
            leftSection={<IconUnlink size={14} />}
            loading={unlink.isPending}
            onClick={() => unlink.mutate()}
          >
            {t('space.unlink')}
          </Button>
        </Group>
        {showDirectory ? <Directory account={account} /> : null}
      </Stack>
    </Card>
  );
}

function isErrorCode(value: string): value is ErrorCode {
  return (errorCodes as string[]).includes(value);
}

/** What the Space service's return trip (through the hub's callback) brought back. */
function outcomeMessage(outcome: {
  linked?: string;
  error?: string;
}): { ok: boolean; key: 'space.linked' | ErrorKey } | null {
  if (outcome.linked) return { ok: true, key: 'space.linked' };
  if (outcome.error)
    return { ok: false, key: isErrorCode(outcome.error) ? `error.${outcome.error}` : 'error.INTERNAL' };
  return null;
}

/** COLLABORATE Space: link accounts with the service's consent screen, see their status, rooms and users. */
export function SpacePage({ outcome }: { outcome: { linked?: string; error?: string } }) {
  const { t } = useTranslation();
  usePageTitle(t('space.title'));
  const accounts = useQuery({ queryKey: accountsKey, queryFn: () => api.listSpaceAccounts() });
  const [linkError, setLinkError] = useState<unknown>(null);
  const message = outcomeMessage(outcome);

  function link() {
    setLinkError(null);
    api
      .startSpaceLink()
      .then(({ authorizeUrl }) => window.location.assign(authorizeUrl))
      .catch(setLinkError);
  }

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          {t('space.title')}
        </Title>
        <Button leftSection={<IconCloud size={16} />} onClick={link} data-testid="link-space-account">
          {t('space.link')}
        </Button>
      </Group>
      {message ? (
        <Alert color={message.ok ? 'green' : 'red'} variant="light" role="status" data-testid="space-outcome">
          {t(message.key)}
        </Alert>
      ) : null}
      {linkError ? (
        <Alert color="red" variant="light" role="alert">
          {t(errorKey(linkError))}
        </Alert>
      ) : null}
      {accounts.isError ? (
        <LoadError title={t('space.loadFailed')} error={accounts.error} onRetry={() => void accounts.refetch()} />
      ) : null}
      {accounts.isPending ? <Loader mx="auto" /> : null}
      {accounts.data?.items.length === 0 ? <Text c="dimmed">{t('space.none')}</Text> : null}
      {accounts.data?.items.map((account) => (
        <AccountCard key={account.id} account={account} onLink={link} />
      ))}
    </Stack>
  );
}
