import { Badge, Button, Group, Menu, Select, Stack, Text } from '@mantine/core';
import { IconKey, IconPlayerPause, IconPlayerPlay, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { serverDtoSchema, type ServerDto, type ServerListQuery } from '@tutti/protocol';
import type { DataTableColumn } from 'mantine-datatable';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { formatNumber, isolate } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { usePermissions } from '../session/permissions.ts';
import { CardHeader, ListHeader, ListView, MutationError, RowActionsMenu, SearchBox } from '../shared/ListPage.tsx';
import { ExportCsvButton, useListColumns } from '../shared/listColumns.tsx';
import { sortableColumns, usePagedList } from '../shared/usePagedList.ts';
import type { CardField } from '../shell/RecordCards.tsx';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { MonitoringBadge, ServerStatusBadge } from './ServerBadges.tsx';
import { ServerPasswordDialog } from './ServerPasswordDialog.tsx';
import { serversQueryKey, serversQueryOptions, type ServerFilters } from './servers.queries.ts';

const sortField = sortableColumns(['status', 'name', 'devices', 'monitoringSystem', 'version']);
type ServerColumn =
  'status' | 'name' | 'organizationName' | 'devices' | 'monitoringSystem' | 'version' | 'enabledSubnets';

export function ServersPage() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const queryClient = useQueryClient();
  const { can } = usePermissions();
  const canManage = can('servers.manage');
  usePageTitle(t('nav.servers'));

  const paged = usePagedList<ServerDto>({ sortField });
  const [dialog, setDialog] = useState<{ server: ServerDto | null } | null>(null);
  const [statusFilter, setStatusFilter] = useState<ServerFilters['status'] | null>(null);
  const [monitoring, setMonitoring] = useState<ServerFilters['monitoringSystem'] | null>(null);
  const { q, page, limit, sort } = paged;
  const filters: ServerFilters = {
    q: q || undefined,
    status: statusFilter ?? undefined,
    monitoringSystem: monitoring ?? undefined,
  };
  const servers = useQuery(serversQueryOptions({ filters, page, limit, sort }));
  const list = servers.data;

  const setEnabled = useMutation({
    mutationFn: ({ server, enabled }: { server: ServerDto; enabled: boolean }) =>
      api.setServerEnabled(server.id, enabled),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: serversQueryKey }),
  });

  function actions(server: ServerDto) {
    if (!canManage) return null;
    return (
      <RowActionsMenu
        label={t('servers.actionsFor', { name: isolate(server.name) })}
        testId={`server-actions-${server.name}`}
      >
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
      </RowActionsMenu>
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

  const listColumns = useListColumns<ServerDto, ServerColumn>('servers', [
    { key: 'status', title: t('servers.columns.status'), sortable: true, render: status, csv: (s) => s.status },
    {
      key: 'name',
      title: t('servers.columns.name'),
      sortable: true,
      render: (server) => (
        <Text size="sm" fw={500}>
          <bdi>{server.name}</bdi>
        </Text>
      ),
      csv: (s) => s.name,
    },
    {
      key: 'organizationName',
      title: t('servers.columns.organization'),
      render: (server) => <bdi>{server.organizationName}</bdi>,
      csv: (s) => s.organizationName,
    },
    {
      key: 'devices',
      title: t('servers.columns.devices'),
      sortable: true,
      render: (server) => formatNumber(language, server.devices),
      csv: (s) => String(s.devices),
    },
    {
      key: 'monitoringSystem',
      title: t('servers.columns.monitoringSystem'),
      sortable: true,
      render: (server) => <MonitoringBadge status={server.monitoringSystem} />,
      csv: (s) => s.monitoringSystem,
    },
    {
      key: 'version',
      title: t('servers.columns.version'),
      sortable: true,
      render: version,
      csv: (s) => s.version ?? '',
    },
    {
      key: 'enabledSubnets',
      title: t('servers.columns.enabledSubnets'),
      render: subnets,
      csv: (s) => `${s.enabledSubnets.enabled}/${s.enabledSubnets.total}`,
    },
  ]);
  const columns: DataTableColumn<ServerDto>[] = [
    ...listColumns.tableColumns,
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
      <ListHeader
        title={t('nav.servers')}
        count={list ? t('servers.count', { count: list.total }) : null}
        fetching={servers.isFetching}
        action={
          canManage ? (
            <Button
              leftSection={<IconPlus size={16} aria-hidden />}
              onClick={() => setDialog({ server: null })}
              data-testid="add-server"
            >
              {t('action.addServer')}
            </Button>
          ) : null
        }
      />
      <Text c="dimmed" size="sm">
        {t('servers.subtitle')}
      </Text>
      <Group justify="space-between" align="flex-end" gap="sm">
        <Group gap="sm" align="flex-end" style={{ flex: '1 1 260px' }}>
          <SearchBox
            label={t('servers.searchLabel')}
            placeholder={t('servers.searchPlaceholder')}
            value={paged.search}
            onChange={paged.setSearch}
            style={{ flex: '1 1 260px', maxWidth: 420 }}
            data-testid="servers-search"
          />
          <Select
            aria-label={t('servers.statusFilter')}
            placeholder={t('servers.allStatuses')}
            data={serverDtoSchema.shape.status.options.map((value) => ({ value, label: t(`serverStatus.${value}`) }))}
            value={statusFilter}
            onChange={(value) => {
              setStatusFilter(value);
              paged.setPage(1);
            }}
            clearable
            w={180}
            data-testid="servers-status-filter"
          />
          <Select
            aria-label={t('servers.monitoringFilter')}
            placeholder={t('servers.allMonitoring')}
            data={serverDtoSchema.shape.monitoringSystem.options.map((value) => ({
              value,
              label: t(`monitoringStatus.${value}`),
            }))}
            value={monitoring}
            onChange={(value) => {
              setMonitoring(value);
              paged.setPage(1);
            }}
            clearable
            w={260}
            data-testid="servers-monitoring-filter"
          />
        </Group>
        <Group gap="xs">
          {listColumns.chooser}
          <ExportCsvButton
            fileName="servers.csv"
            fetchPage={(page, limit) =>
              api.listServers({ ...filters, sort: sort as ServerListQuery['sort'], page, limit })
            }
            toCsv={listColumns.toCsv}
            testId="servers-export"
          />
        </Group>
      </Group>
      <MutationError mutation={setEnabled} />
      <ListView
        query={servers}
        paged={paged}
        columns={columns}
        loadFailed={t('servers.loadFailed')}
        noRecordsText={t('servers.noRecords')}
        rowTestId={(server) => `server-row-${server.name}`}
        cards={{
          accent: (s) => (s.status === 'connected' ? 'teal' : 'gray'),
          header: (s) => <CardHeader name={s.name} status={status(s)} actions={actions(s)} />,
          fields,
        }}
      />
      <ServerPasswordDialog server={dialog?.server ?? null} opened={dialog !== null} onClose={() => setDialog(null)} />
    </Stack>
  );
}
