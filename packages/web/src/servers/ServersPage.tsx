import { ActionIcon, Alert, Badge, Button, Group, Loader, Menu, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { IconDots, IconKey, IconPlayerPause, IconPlayerPlay, IconPlus, IconSearch } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ServerDto } from '@tutti/protocol';
import { DataTable, type DataTableColumn, type DataTableSortStatus } from 'mantine-datatable';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { formatNumber, isolate } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { usePermissions } from '../session/permissions.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { RecordCards, type CardField } from '../shell/RecordCards.tsx';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { MonitoringBadge, ServerStatusBadge } from './ServerBadges.tsx';
import { ServerPasswordDialog } from './ServerPasswordDialog.tsx';
import { serversQueryKey, serversQueryOptions } from './servers.queries.ts';

const sortable = new Set(['status', 'name', 'devices', 'monitoringSystem', 'version']);

export function ServersPage() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const isPhone = useMediaQuery('(max-width: 48em)');
  const queryClient = useQueryClient();
  const { can } = usePermissions();
  const canManage = can('servers.manage');
  usePageTitle(t('nav.servers'));

  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [page, setPage] = useState(1);
  const [sortStatus, setSortStatus] = useState<DataTableSortStatus<ServerDto>>({
    columnAccessor: 'name',
    direction: 'asc',
  });
  const [dialog, setDialog] = useState<{ server: ServerDto | null } | null>(null);
  const limit = 25;
  const column = String(sortStatus.columnAccessor);
  const sort = `${sortStatus.direction === 'desc' ? '-' : ''}${sortable.has(column) ? column : 'name'}`;
  const servers = useQuery(serversQueryOptions({ q, page, limit, sort }));
  const list = servers.data;

  const setEnabled = useMutation({
    mutationFn: ({ server, enabled }: { server: ServerDto; enabled: boolean }) =>
      api.setServerEnabled(server.id, enabled),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: serversQueryKey }),
  });

  function actions(server: ServerDto) {
    if (!canManage) return null;
    return (
      <Menu position="bottom-end" shadow="md" withinPortal>
        <Menu.Target>
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label={t('servers.actionsFor', { name: isolate(server.name) })}
            data-testid={`server-actions-${server.name}`}
          >
            <IconDots size={18} aria-hidden />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item leftSection={<IconKey size={16} aria-hidden />} onClick={() => setDialog({ server })}>
            {t('action.changePassword')}
          </Menu.Item>
          <Menu.Item
            leftSection={
              server.enabled ? <IconPlayerPause size={16} aria-hidden /> : <IconPlayerPlay size={16} aria-hidden />
            }
            color={server.enabled ? 'red' : undefined}
            onClick={() => setEnabled.mutate({ server, enabled: !server.enabled })}
            data-testid={`server-toggle-${server.name}`}
          >
            {server.enabled ? t('action.disable') : t('action.enable')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    );
  }

  const status = (server: ServerDto) => (
    <Group gap={6} wrap="nowrap">
      <ServerStatusBadge connected={server.status === 'connected'} testId={`server-status-${server.name}`} />
      {server.enabled ? null : (
        <Badge color="gray" variant="outline" style={{ textTransform: 'none' }}>
          {t('servers.disabled')}
        </Badge>
      )}
    </Group>
  );
  const subnets = (server: ServerDto) =>
    t('servers.subnetsOf', {
      enabled: formatNumber(language, server.enabledSubnets.enabled),
      total: formatNumber(language, server.enabledSubnets.total),
    });
  const version = (server: ServerDto) => (server.version ? <bdi>{server.version}</bdi> : '—');

  const columns: DataTableColumn<ServerDto>[] = [
    { accessor: 'status', title: t('servers.columns.status'), sortable: true, render: status },
    {
      accessor: 'name',
      title: t('servers.columns.name'),
      sortable: true,
      render: (server) => (
        <Text size="sm" fw={500}>
          <bdi>{server.name}</bdi>
        </Text>
      ),
    },
    {
      accessor: 'organizationName',
      title: t('servers.columns.organization'),
      render: (server) => <bdi>{server.organizationName}</bdi>,
    },
    {
      accessor: 'devices',
      title: t('servers.columns.devices'),
      sortable: true,
      render: (server) => formatNumber(language, server.devices),
    },
    {
      accessor: 'monitoringSystem',
      title: t('servers.columns.monitoringSystem'),
      sortable: true,
      render: (server) => <MonitoringBadge status={server.monitoringSystem} />,
    },
    { accessor: 'version', title: t('servers.columns.version'), sortable: true, render: version },
    { accessor: 'enabledSubnets', title: t('servers.columns.enabledSubnets'), render: subnets },
    ...(canManage
      ? [{ accessor: 'actions', title: '', width: 56, render: actions } satisfies DataTableColumn<ServerDto>]
      : []),
  ];
  const fields: CardField<ServerDto>[] = [
    { key: 'org', label: t('servers.columns.organization'), render: (s) => <bdi>{s.organizationName}</bdi> },
    { key: 'devices', label: t('servers.columns.devices'), render: (s) => formatNumber(language, s.devices) },
    {
      key: 'monitoring',
      label: t('servers.columns.monitoringSystem'),
      render: (s) => <MonitoringBadge status={s.monitoringSystem} />,
    },
    { key: 'version', label: t('servers.columns.version'), render: version },
    { key: 'subnets', label: t('servers.columns.enabledSubnets'), render: subnets },
  ];

  return (
    <Stack gap="md">
      <Group justify="space-between" align="center" gap="sm">
        <Group align="baseline" gap="sm">
          <Title order={1} size="h2">
            {t('nav.servers')}
          </Title>
          {list ? (
            <Text c="dimmed" size="sm">
              {t('servers.count', { count: list.total })}
            </Text>
          ) : null}
          {servers.isFetching ? <Loader size="xs" aria-hidden /> : null}
        </Group>
        {canManage ? (
          <Button
            leftSection={<IconPlus size={16} aria-hidden />}
            onClick={() => setDialog({ server: null })}
            data-testid="add-server"
          >
            {t('action.addServer')}
          </Button>
        ) : null}
      </Group>
      <Text c="dimmed" size="sm">
        {t('servers.subtitle')}
      </Text>
      <TextInput
        aria-label={t('servers.searchLabel')}
        placeholder={t('servers.searchLabel')}
        leftSection={<IconSearch size={16} aria-hidden />}
        type="search"
        value={search}
        onChange={(event) => {
          setSearch(event.currentTarget.value);
          setPage(1);
        }}
        maw={420}
      />
      {setEnabled.isError ? (
        <Alert color="red" variant="light" role="alert" withCloseButton onClose={() => setEnabled.reset()}>
          {t(errorKey(setEnabled.error))}
        </Alert>
      ) : null}
      {servers.isError && !list ? (
        <LoadError title={t('servers.loadFailed')} error={servers.error} onRetry={() => void servers.refetch()} />
      ) : isPhone ? (
        list ? (
          <RecordCards
            records={list.items}
            recordKey={(s) => s.id}
            testId={(s) => `server-row-${s.name}`}
            accent={(s) => (s.status === 'connected' ? 'teal' : 'gray')}
            header={(s) => (
              <Group justify="space-between" wrap="nowrap">
                <Stack gap={4} miw={0}>
                  <Text fw={600} truncate>
                    <bdi>{s.name}</bdi>
                  </Text>
                  {status(s)}
                </Stack>
                {actions(s)}
              </Group>
            )}
            fields={fields}
            emptyText={t('servers.noRecords')}
          />
        ) : (
          <Loader mx="auto" my="xl" />
        )
      ) : (
        <DataTable<ServerDto>
          withTableBorder
          borderRadius="md"
          highlightOnHover
          verticalSpacing="sm"
          minHeight={list && list.items.length > 0 ? undefined : 200}
          records={list?.items ?? []}
          columns={columns}
          idAccessor="id"
          fetching={!list && servers.isLoading}
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
          noRecordsText={t('servers.noRecords')}
          customRowAttributes={(server) => ({ 'data-testid': `server-row-${server.name}` })}
        />
      )}
      <ServerPasswordDialog server={dialog?.server ?? null} opened={dialog !== null} onClose={() => setDialog(null)} />
    </Stack>
  );
}
