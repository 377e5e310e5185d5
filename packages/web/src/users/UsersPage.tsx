import { Alert, Button, Group, Menu, Modal, Select, Stack, Text } from '@mantine/core';
import { IconMailForward, IconTrash, IconUserCheck, IconUserCog, IconUserOff, IconUserPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { canGrantRole, roles, userStatuses, type OrgUserDto, type Role, type UserListQuery } from '@tutti/protocol';
import type { DataTableColumn } from 'mantine-datatable';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { formatDate, isolate } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { usePermissions } from '../session/permissions.ts';
import { sessionQueryOptions } from '../session/session.ts';
import { CardHeader, ListHeader, ListView, MutationError, RowActionsMenu, SearchBox } from '../shared/ListPage.tsx';
import { ExportCsvButton, useListColumns } from '../shared/listColumns.tsx';
import { sortableColumns, usePagedList } from '../shared/usePagedList.ts';
import type { CardField } from '../shell/RecordCards.tsx';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { EditRoleDialog, InviteUsersDialog } from './InviteUsersDialog.tsx';
import { UserStatus } from './UserBadges.tsx';
import { usersQueryKey, usersQueryOptions } from './users.queries.ts';

const sortField = sortableColumns(['status', 'name', 'email', 'role', 'lastAccessedAt', 'type']);
type UserColumn = 'status' | 'name' | 'email' | 'role' | 'lastAccessedAt' | 'type';
type Action = 'disable' | 'enable' | 'remove' | 'resend';

export function UsersPage() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const queryClient = useQueryClient();
  const { can } = usePermissions();
  const { data: session } = useQuery(sessionQueryOptions);
  usePageTitle(t('nav.users'));

  const paged = usePagedList<OrgUserDto>({ sortField });
  const [inviting, setInviting] = useState(false);
  const [editing, setEditing] = useState<OrgUserDto | null>(null);
  const [removing, setRemoving] = useState<OrgUserDto | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { q, page, limit, sort } = paged;
  const [status, setStatus] = useState<OrgUserDto['status'] | null>(null);
  const [role, setRole] = useState<Role | null>(null);
  const users = useQuery(usersQueryOptions({ q, status, role, page, limit, sort }));
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
      <RowActionsMenu label={t('users.actionsFor', { name: isolate(user.name) })} testId={`user-actions-${user.email}`}>
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
      </RowActionsMenu>
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
  const listColumns = useListColumns<OrgUserDto, UserColumn>('users', [
    {
      key: 'status',
      title: t('users.columns.status'),
      sortable: true,
      render: (u) => <UserStatus user={u} />,
      csv: (u) => u.status,
    },
    {
      key: 'name',
      title: t('users.columns.name'),
      sortable: true,
      render: (u) => (
        <Text size="sm" fw={500}>
          <bdi>{u.name}</bdi>
        </Text>
      ),
      csv: (u) => u.name,
    },
    {
      key: 'email',
      title: t('users.columns.email'),
      sortable: true,
      render: (u) => <bdi>{u.email}</bdi>,
      csv: (u) => u.email,
    },
    {
      key: 'role',
      title: t('users.columns.role'),
      sortable: true,
      render: (u) => t(`role.${u.role}`),
      csv: (u) => u.role,
    },
    {
      key: 'lastAccessedAt',
      title: t('users.columns.lastAccessed'),
      sortable: true,
      render: lastAccessed,
      csv: (u) => u.lastAccessedAt ?? '',
    },
    {
      key: 'type',
      title: t('users.columns.type'),
      sortable: true,
      render: (u) => t(`users.type.${u.type}`),
      csv: (u) => u.type,
    },
  ]);
  const columns: DataTableColumn<OrgUserDto>[] = [
    ...listColumns.tableColumns,
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
      <ListHeader
        title={t('nav.users')}
        count={list ? t('users.count', { count: list.total }) : null}
        fetching={users.isFetching}
        action={
          can('users.manage') ? (
            <Button
              leftSection={<IconUserPlus size={16} aria-hidden />}
              onClick={() => setInviting(true)}
              data-testid="invite-users"
            >
              {t('users.invite.title')}
            </Button>
          ) : null
        }
      />
      <Group justify="space-between" align="flex-end" gap="sm">
        <SearchBox
          label={t('users.searchLabel')}
          placeholder={t('users.searchPlaceholder')}
          value={paged.search}
          onChange={paged.setSearch}
          style={{ flex: '1 1 260px', maxWidth: 420 }}
          data-testid="users-search"
        />
        <Select
          aria-label={t('users.columns.status')}
          placeholder={t('users.allStatuses')}
          data={userStatuses.map((value) => ({ value, label: t(`userStatus.${value}`) }))}
          value={status}
          onChange={(value) => {
            setStatus(value);
            paged.setPage(1);
          }}
          clearable
          w={180}
          data-testid="users-status-filter"
        />
        <Select
          aria-label={t('users.columns.role')}
          placeholder={t('users.allRoles')}
          data={roles.map((value) => ({ value, label: t(`role.${value}`) }))}
          value={role}
          onChange={(value) => {
            setRole(value);
            paged.setPage(1);
          }}
          clearable
          w={180}
          data-testid="users-role-filter"
        />
        <Group gap="xs">
          {listColumns.chooser}
          <ExportCsvButton
            fileName="users.csv"
            fetchPage={(page, limit) =>
              api.listUsers({
                q: q || undefined,
                status: status ?? undefined,
                role: role ?? undefined,
                sort: sort as UserListQuery['sort'],
                page,
                limit,
              })
            }
            toCsv={listColumns.toCsv}
            testId="users-export"
          />
        </Group>
      </Group>
      <MutationError mutation={act} />
      {notice ? (
        <Alert color="teal" variant="light" role="status" withCloseButton onClose={() => setNotice(null)}>
          {notice}
        </Alert>
      ) : null}
      <ListView
        query={users}
        paged={paged}
        columns={columns}
        loadFailed={t('users.loadFailed')}
        noRecordsText={t('users.noRecords')}
        rowTestId={(user) => `user-row-${user.email}`}
        cards={{
          header: (u) => (
            <CardHeader name={u.name} status={<UserStatus user={u} />} actions={actions(u)} align="flex-start" />
          ),
          fields,
        }}
      />
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
