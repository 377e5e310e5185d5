import { ActionIcon, Alert, Button, Group, Loader, Menu, Modal, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import {
  IconDots,
  IconMailForward,
  IconSearch,
  IconTrash,
  IconUserCheck,
  IconUserCog,
  IconUserOff,
  IconUserPlus,
} from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { canGrantRole, type OrgUserDto } from '@tutti/protocol';
import { DataTable, type DataTableColumn, type DataTableSortStatus } from 'mantine-datatable';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { formatDate, formatNumber, isolate } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { usePermissions } from '../session/permissions.ts';
import { sessionQueryOptions } from '../session/session.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { RecordCards, type CardField } from '../shell/RecordCards.tsx';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { EditRoleDialog, InviteUsersDialog } from './InviteUsersDialog.tsx';
import { UserStatus } from './UserBadges.tsx';
import { usersQueryKey, usersQueryOptions } from './users.queries.ts';

const sortable = new Set(['status', 'name', 'email', 'role', 'lastAccessedAt', 'type']);
type Action = 'disable' | 'enable' | 'remove' | 'resend';

export function UsersPage() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const isPhone = useMediaQuery('(max-width: 48em)');
  const queryClient = useQueryClient();
  const { can } = usePermissions();
  const { data: session } = useQuery(sessionQueryOptions);
  usePageTitle(t('nav.users'));

  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [page, setPage] = useState(1);
  const [sortStatus, setSortStatus] = useState<DataTableSortStatus<OrgUserDto>>({
    columnAccessor: 'name',
    direction: 'asc',
  });
  const [inviting, setInviting] = useState(false);
  const [editing, setEditing] = useState<OrgUserDto | null>(null);
  const [removing, setRemoving] = useState<OrgUserDto | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const limit = 25;
  const column = String(sortStatus.columnAccessor);
  const sort = `${sortStatus.direction === 'desc' ? '-' : ''}${sortable.has(column) ? column : 'name'}`;
  const users = useQuery(usersQueryOptions({ q, page, limit, sort }));
  const list = users.data;

  const act = useMutation({
    mutationFn: async ({ user, action }: { user: OrgUserDto; action: Action }) => {
      switch (action) {
        case 'disable':
          await api.updateUser(user.id, { disabled: true });
          return;
        case 'enable':
          await api.updateUser(user.id, { disabled: false });
          return;
        case 'remove':
          await api.removeUser(user.id);
          return;
        case 'resend':
          await api.resendInvitation(user.id);
          return;
      }
    },
    onMutate: () => setNotice(null),
    onSuccess: async (_, { user, action }) => {
      if (action === 'resend') setNotice(t('users.invitationResent', { email: isolate(user.email) }));
      setRemoving(null);
      await queryClient.invalidateQueries({ queryKey: usersQueryKey });
    },
  });

  /** Actions on a user: only with users.manage, never on oneself, and Owner only for those who may grant it. */
  function manageable(user: OrgUserDto): boolean {
    if (!can('users.manage') || user.id === session?.user.id) return false;
    return canGrantRole(session?.permissions ?? [], user.role);
  }

  function actions(user: OrgUserDto) {
    if (!manageable(user)) return null;
    return (
      <Menu position="bottom-end" shadow="md" withinPortal>
        <Menu.Target>
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label={t('users.actionsFor', { name: isolate(user.name) })}
            data-testid={`user-actions-${user.email}`}
          >
            <IconDots size={18} aria-hidden />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item leftSection={<IconUserCog size={16} aria-hidden />} onClick={() => setEditing(user)}>
            {t('users.editRole')}
          </Menu.Item>
          {user.status === 'invited' ? (
            <Menu.Item
              leftSection={<IconMailForward size={16} aria-hidden />}
              onClick={() => act.mutate({ user, action: 'resend' })}
              data-testid={`user-resend-${user.email}`}
            >
              {t('users.resendInvitation')}
            </Menu.Item>
          ) : null}
          {user.status === 'disabled' ? (
            <Menu.Item
              leftSection={<IconUserCheck size={16} aria-hidden />}
              onClick={() => act.mutate({ user, action: 'enable' })}
            >
              {t('action.enable')}
            </Menu.Item>
          ) : (
            <Menu.Item
              leftSection={<IconUserOff size={16} aria-hidden />}
              onClick={() => act.mutate({ user, action: 'disable' })}
            >
              {t('action.disable')}
            </Menu.Item>
          )}
          <Menu.Divider />
          <Menu.Item color="red" leftSection={<IconTrash size={16} aria-hidden />} onClick={() => setRemoving(user)}>
            {t('users.remove')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    );
  }

  const lastAccessed = (user: OrgUserDto) => {
    const at = user.lastAccessedAt === null ? Number.NaN : Date.parse(user.lastAccessedAt);
    return Number.isNaN(at) ? (
      <Text span size="sm" c="dimmed">
        {t('users.never')}
      </Text>
    ) : (
      formatDate(language, at)
    );
  };
  const columns: DataTableColumn<OrgUserDto>[] = [
    { accessor: 'status', title: t('users.columns.status'), sortable: true, render: (u) => <UserStatus user={u} /> },
    {
      accessor: 'name',
      title: t('users.columns.name'),
      sortable: true,
      render: (u) => (
        <Text size="sm" fw={500}>
          <bdi>{u.name}</bdi>
        </Text>
      ),
    },
    { accessor: 'email', title: t('users.columns.email'), sortable: true, render: (u) => <bdi>{u.email}</bdi> },
    { accessor: 'role', title: t('users.columns.role'), sortable: true, render: (u) => t(`role.${u.role}`) },
    { accessor: 'lastAccessedAt', title: t('users.columns.lastAccessed'), sortable: true, render: lastAccessed },
    { accessor: 'type', title: t('users.columns.type'), sortable: true, render: (u) => t(`users.type.${u.type}`) },
    ...(can('users.manage')
      ? [{ accessor: 'actions', title: '', width: 56, render: actions } satisfies DataTableColumn<OrgUserDto>]
      : []),
  ];
  const fields: CardField<OrgUserDto>[] = [
    { key: 'email', label: t('users.columns.email'), render: (u) => <bdi>{u.email}</bdi> },
    { key: 'role', label: t('users.columns.role'), render: (u) => t(`role.${u.role}`) },
    { key: 'last', label: t('users.columns.lastAccessed'), render: lastAccessed },
    { key: 'type', label: t('users.columns.type'), render: (u) => t(`users.type.${u.type}`) },
  ];

  return (
    <Stack gap="md">
      <Group justify="space-between" align="center" gap="sm">
        <Group align="baseline" gap="sm">
          <Title order={1} size="h2">
            {t('nav.users')}
          </Title>
          {list ? (
            <Text c="dimmed" size="sm">
              {t('users.count', { count: list.total })}
            </Text>
          ) : null}
          {users.isFetching ? <Loader size="xs" aria-hidden /> : null}
        </Group>
        {can('users.manage') ? (
          <Button
            leftSection={<IconUserPlus size={16} aria-hidden />}
            onClick={() => setInviting(true)}
            data-testid="invite-users"
          >
            {t('users.invite.title')}
          </Button>
        ) : null}
      </Group>
      <TextInput
        aria-label={t('users.searchLabel')}
        placeholder={t('users.searchPlaceholder')}
        leftSection={<IconSearch size={16} aria-hidden />}
        type="search"
        value={search}
        onChange={(event) => {
          setSearch(event.currentTarget.value);
          setPage(1);
        }}
        maw={420}
        data-testid="users-search"
      />
      {act.isError ? (
        <Alert color="red" variant="light" role="alert" withCloseButton onClose={() => act.reset()}>
          {t(errorKey(act.error))}
        </Alert>
      ) : null}
      {notice ? (
        <Alert color="teal" variant="light" role="status" withCloseButton onClose={() => setNotice(null)}>
          {notice}
        </Alert>
      ) : null}
      {users.isError && !list ? (
        <LoadError title={t('users.loadFailed')} error={users.error} onRetry={() => void users.refetch()} />
      ) : isPhone ? (
        list ? (
          <RecordCards
            records={list.items}
            recordKey={(u) => u.id}
            testId={(u) => `user-row-${u.email}`}
            header={(u) => (
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <Stack gap={4} miw={0}>
                  <Text fw={600} truncate>
                    <bdi>{u.name}</bdi>
                  </Text>
                  <UserStatus user={u} />
                </Stack>
                {actions(u)}
              </Group>
            )}
            fields={fields}
            emptyText={t('users.noRecords')}
          />
        ) : (
          <Loader mx="auto" my="xl" />
        )
      ) : (
        <DataTable<OrgUserDto>
          withTableBorder
          borderRadius="md"
          highlightOnHover
          verticalSpacing="sm"
          minHeight={list && list.items.length > 0 ? undefined : 200}
          records={list?.items ?? []}
          columns={columns}
          idAccessor="id"
          fetching={!list && users.isLoading}
          totalRecords={list?.total ?? 0}
          recordsPerPage={limit}
          page={page}
          onPageChange={setPage}
          sortStatus={sortStatus}
          onSortStatusChange={(next) => {
            setSortStatus(next);
            setPage(1);
          }}
          paginationText={({ from, to, totalRecords }) =>
            t('devices.pageRange', {
              from: formatNumber(language, from),
              to: formatNumber(language, to),
              total: formatNumber(language, totalRecords),
            })
          }
          noRecordsText={t('users.noRecords')}
          customRowAttributes={(user) => ({ 'data-testid': `user-row-${user.email}` })}
        />
      )}
      <InviteUsersDialog opened={inviting} onClose={() => setInviting(false)} />
      <EditRoleDialog user={editing} onClose={() => setEditing(null)} />
      <Modal opened={removing !== null} onClose={() => setRemoving(null)} title={t('users.remove')} centered>
        <Stack gap="md">
          <Text size="sm">{t('users.removeConfirm', { name: isolate(removing?.name ?? '') })}</Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setRemoving(null)}>
              {t('action.cancel')}
            </Button>
            <Button
              color="red"
              loading={act.isPending}
              onClick={() => removing && act.mutate({ user: removing, action: 'remove' })}
            >
              {t('users.remove')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
