import {
  Anchor,
  Badge,
  Button,
  Chip,
  Group,
  Loader,
  MultiSelect,
  Pagination,
  Select,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { IconDownload, IconMapPin, IconX } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import {
  deviceColumns,
  deviceStatuses,
  modelInfo,
  type DeviceColumn,
  type DeviceDto,
  type DeviceStatus,
  type Severity,
} from '@tutti/protocol';
import type { DataTableColumn } from 'mantine-datatable';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { formatDateTime, formatNumber, isolate } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { AssignLocationDialog } from '../locations/AssignLocationDialog.tsx';
import { locationsQueryOptions } from '../locations/locations.queries.ts';
import { usePermissions } from '../session/permissions.ts';
import { ColumnChooser } from '../shared/ColumnChooser.tsx';
import { useColumnPreferences } from '../shared/columnPreferences.ts';
import { ListView, SearchBox } from '../shared/ListPage.tsx';
import { usePagedList, usePageRange } from '../shared/usePagedList.ts';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { ConnectionPath } from './ConnectionPath.tsx';
import { DeviceCards } from './DeviceCards.tsx';
import { DeviceStatusCell } from './DeviceStatusCell.tsx';
import { devicesQueryOptions } from './devices.queries.ts';
import type { DevicesSearch } from './devices.search.ts';
import { severityColor, severityLabelKey, statusLabelKey } from './status.ts';
import { DeviceOperationsMenu } from '../jobs/DeviceOperationsMenu.tsx';
import { UpdateAvailableBadge } from '../firmware/UpdateAvailableBadge.tsx';

/** Table column → the API's sort field. */
const sortFields = {
  status: 'status',
  model: 'model',
  name: 'name',
  serial: 'serial',
  connection: 'connection',
  firmware: 'firmware',
  accessIp: 'accessIp',
  statusSince: 'statusSince',
  location: 'location',
} as const;
type SortableColumn = keyof typeof sortFields;

function isSortable(column: string): column is SortableColumn {
  return column in sortFields;
}

const PAGE_SIZES = [25, 50, 100];
/** Columns a new user does not see until they choose them. */
const hiddenByDefault: DeviceColumn[] = ['mac', 'server', 'statusSince', 'lastSeenAt'];
const ALL_LOCATIONS = '';
// Most urgent first, as the chips read left to right (or right to left).
const severityOrder: Severity[] = ['down', 'issue', 'healthy'];

export interface DevicesPageProps {
  /** Filters from the URL: links from the dashboard open the list already filtered. */
  filters: DevicesSearch;
  onFiltersChange: (filters: DevicesSearch) => void;
}

export function DevicesPage({ filters, onFiltersChange }: DevicesPageProps) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const navigate = useNavigate();
  const paged = usePagedList<DeviceDto>({
    sortField: (column) => (isSortable(column) ? sortFields[column] : 'name'),
    initialSearch: filters.q ?? '',
    initialLimit: 50,
  });
  const { search, setSearch, q: debouncedSearch, page, setPage, limit } = paged;
  const severity = filters.severity ?? null;
  const statuses = filters.status ?? [];
  const models = filters.model ?? [];
  const location = filters.location ?? null;
  const updateAvailable = filters.updateAvailable ?? false;
  const { can } = usePermissions();
  const canAssign = can('locations.manage');
  const locations = useQuery(locationsQueryOptions);
  const columnPreferences = useColumnPreferences('devices', deviceColumns, hiddenByDefault);
  const [selected, setSelected] = useState<DeviceDto[]>([]);
  const [assigning, setAssigning] = useState(false);

  function setFilters(next: DevicesSearch): void {
    setPage(1);
    onFiltersChange(next);
  }

  // The typed search reaches the URL once typing pauses; a link that changes the URL resets the box.
  useEffect(() => {
    if ((filters.q ?? '') !== debouncedSearch) onFiltersChange({ ...filters, q: debouncedSearch || undefined });
    // Only a new debounced value writes the URL, so the dependency list holds it alone.
  }, [debouncedSearch]);

  const params = {
    q: debouncedSearch,
    severity,
    status: statuses,
    model: models,
    location,
    updateAvailable,
    sort: paged.sort,
    page,
    limit,
  };
  const queryClient = useQueryClient();
  const devices = useQuery(devicesQueryOptions(params, queryClient));
  usePageTitle(t('devices.title'));
  const list = devices.data;

  const statusOptions = useMemo(
    () =>
      deviceStatuses
        .map((status) => ({ value: status, label: t(statusLabelKey(status)) }))
        .sort((a, b) => a.label.localeCompare(b.label, language)),
    [t, language],
  );

  const columnTitle: Record<DeviceColumn, string> = {
    status: t('devices.columns.status'),
    model: t('devices.columns.model'),
    name: t('devices.columns.name'),
    serial: t('devices.columns.serial'),
    connection: t('devices.columns.connections'),
    location: t('devices.columns.location'),
    firmware: t('devices.columns.firmware'),
    accessIp: t('devices.columns.accessIp'),
    mac: t('devices.columns.mac'),
    server: t('devices.columns.server'),
    statusSince: t('devices.columns.statusSince'),
    lastSeenAt: t('devices.columns.lastSeenAt'),
  };
  const time = (value: string) => (
    <Text size="sm" component="time" dateTime={value}>
      {formatDateTime(language, Date.parse(value))}
    </Text>
  );
  const columnsByKey: Record<DeviceColumn, Pick<DataTableColumn<DeviceDto>, 'sortable' | 'width' | 'render'>> = {
    status: {
      sortable: true,
      width: 180,
      render: (device) => <DeviceStatusCell device={device} />,
    },
    model: {
      sortable: true,
      render: (device) => <bdi className="tutti-isolate">{device.modelName}</bdi>,
    },
    name: {
      sortable: true,
      // Names are typed by people in any script: let each name find its own direction.
      render: (device) => (
        <Anchor
          renderRoot={(props) => <Link {...props} to="/devices/$id" params={{ id: device.id }} />}
          size="sm"
          fw={500}
          onClick={(event) => event.stopPropagation()}
          data-testid={`device-link-${device.serial}`}
        >
          <bdi>{device.name}</bdi>
        </Anchor>
      ),
    },
    serial: {
      sortable: true,
      render: (device) => <bdi className="tutti-mono">{device.serial}</bdi>,
    },
    connection: {
      sortable: true,
      width: 200,
      render: (device) => <ConnectionPath path={device.connectionPath} />,
    },
    location: {
      sortable: true,
      render: (device) =>
        device.location !== null ? (
          <bdi className="tutti-isolate">{device.location}</bdi>
        ) : (
          <Text span c="dimmed" aria-label={t('devices.noLocation')}>
            —
          </Text>
        ),
    },
    firmware: {
      sortable: true,
      render: (device) => (
        <Group gap={6} wrap="nowrap">
          <bdi>{device.firmware}</bdi>
          <UpdateAvailableBadge version={device.updateAvailable} />
        </Group>
      ),
    },
    accessIp: {
      sortable: true,
      render: (device) => <bdi className="tutti-mono">{device.accessIp}</bdi>,
    },
    mac: { render: (device) => <bdi className="tutti-mono">{device.mac}</bdi> },
    server: { render: (device) => <bdi>{device.serverName ?? '—'}</bdi> },
    statusSince: { sortable: true, render: (device) => time(device.statusSince) },
    lastSeenAt: { render: (device) => time(device.lastSeenAt) },
  };
  const columns: DataTableColumn<DeviceDto>[] = columnPreferences.visible.map((key) => ({
    accessor: key,
    title: columnTitle[key],
    ...columnsByKey[key],
  }));

  const locationOptions = [
    { value: ALL_LOCATIONS, label: t('devices.allLocations') },
    { value: 'none', label: t('devices.noLocation') },
    ...(locations.data?.items ?? []).map((item) => ({ value: item.id, label: item.path })),
  ];
  const exportUrl = api.deviceExportUrl({
    q: debouncedSearch || undefined,
    severity: severity ?? undefined,
    status: statuses.length > 0 ? statuses : undefined,
    model: models.length > 0 ? models : undefined,
    location: location ?? undefined,
    updateAvailable: updateAvailable ? 'true' : undefined,
    sort: paged.sort,
    columns: columnPreferences.visible,
  });
  const toolbar: ReactNode = (
    <Group gap="xs">
      <DeviceOperationsMenu devices={selected} />
      {canAssign && selected.length > 0 ? (
        <Button
          leftSection={<IconMapPin size={16} aria-hidden />}
          onClick={() => setAssigning(true)}
          data-testid="assign-location"
        >
          {t('devices.assignLocation', { number: formatNumber(language, selected.length) })}
        </Button>
      ) : null}
      <ColumnChooser
        choice={columnPreferences.choice}
        label={(column) => columnTitle[column]}
        onChange={columnPreferences.update}
        onReset={columnPreferences.reset}
      />
      <Button
        component="a"
        href={exportUrl}
        download="devices.csv"
        variant="default"
        leftSection={<IconDownload size={16} aria-hidden />}
        data-testid="devices-export"
      >
        {t('devices.exportCsv')}
      </Button>
    </Group>
  );

  const filtersActive =
    search !== '' ||
    severity !== null ||
    statuses.length > 0 ||
    models.length > 0 ||
    location !== null ||
    updateAvailable;
  const pageRange = usePageRange();

  return (
    <Stack gap="md">
      <Group justify="space-between" align="baseline" gap="xs">
        <Group align="baseline" gap="sm">
          <Title order={1} size="h2">
            {t('devices.title')}
          </Title>
          {list ? (
            <Text c="dimmed" size="sm" data-testid="devices-total">
              {t('devices.count', { count: list.total })}
            </Text>
          ) : null}
        </Group>
        <Group gap="sm">
          {devices.isFetching ? <Loader size="xs" aria-hidden /> : null}
          {toolbar}
        </Group>
      </Group>

      <Group gap="sm" align="flex-end" wrap="wrap">
        <SearchBox
          label={t('devices.searchLabel')}
          placeholder={t('devices.searchPlaceholder')}
          value={search}
          onChange={setSearch}
          style={{ flex: '1 1 260px', maxWidth: 420 }}
          data-testid="devices-search"
        />
        <MultiSelect
          aria-label={t('devices.statusFilter')}
          placeholder={statuses.length === 0 ? t('devices.statusFilterPlaceholder') : undefined}
          data={statusOptions}
          value={statuses}
          onChange={(values: string[]) => {
            const status = values.filter((value): value is DeviceStatus =>
              (deviceStatuses as string[]).includes(value),
            );
            setFilters({ ...filters, status: status.length > 0 ? status : undefined });
          }}
          clearable
          searchable
          style={{ flex: '1 1 220px', maxWidth: 360 }}
          data-testid="devices-status-filter"
        />
        <Select
          aria-label={t('devices.locationFilter')}
          data={locationOptions}
          value={location ?? ALL_LOCATIONS}
          onChange={(value) => setFilters({ ...filters, location: value ? value : undefined })}
          allowDeselect={false}
          searchable
          style={{ flex: '1 1 220px', maxWidth: 360 }}
          data-testid="devices-location-filter"
        />
      </Group>

      <Group gap="xs" role="group" aria-label={t('devices.severityFilter')} wrap="wrap">
        {severityOrder.map((item) => (
          <Chip
            key={item}
            checked={severity === item}
            onChange={() => setFilters({ ...filters, severity: severity === item ? undefined : item })}
            color={severityColor[item]}
            variant="outline"
            data-testid={`severity-${item}`}
          >
            <Group gap={6} wrap="nowrap" component="span">
              <span>{t(severityLabelKey(item))}</span>
              <Badge component="span" size="sm" variant="light" color={severityColor[item]} circle={false}>
                {list ? formatNumber(language, list.counts[item]) : '–'}
              </Badge>
            </Group>
          </Chip>
        ))}
        <Chip
          checked={updateAvailable}
          onChange={() => setFilters({ ...filters, updateAvailable: updateAvailable ? undefined : true })}
          color="blue"
          variant="outline"
          data-testid="update-available-filter"
        >
          {t('firmware.updateAvailable')}
        </Chip>
        {models.map((model) => (
          <Badge
            key={model}
            size="lg"
            variant="light"
            color="gray"
            radius="sm"
            style={{ textTransform: 'none', fontWeight: 500 }}
            rightSection={
              <IconX
                size={14}
                role="button"
                tabIndex={0}
                aria-label={t('devices.removeModelFilter', { model: modelInfo(model).name })}
                style={{ cursor: 'pointer' }}
                onClick={() => {
                  const rest = models.filter((item) => item !== model);
                  setFilters({ ...filters, model: rest.length > 0 ? rest : undefined });
                }}
              />
            }
            data-testid={`model-filter-${model}`}
          >
            <bdi>{modelInfo(model).name}</bdi>
          </Badge>
        ))}
        {filtersActive ? (
          <Button
            variant="subtle"
            size="compact-sm"
            onClick={() => {
              setSearch('');
              setFilters({});
            }}
          >
            {t('devices.clearFilters')}
          </Button>
        ) : null}
      </Group>

      <ListView
        query={devices}
        paged={paged}
        columns={columns}
        loadFailed={t('devices.loadFailed')}
        noRecordsText={t('devices.noRecords')}
        rowTestId={(device) => `device-row-${device.serial}`}
        phone={
          <Stack gap="sm">
            {list && list.items.length === 0 ? (
              <Text c="dimmed" ta="center" py="xl">
                {t('devices.noRecords')}
              </Text>
            ) : null}
            {list ? <DeviceCards devices={list.items} /> : <Loader mx="auto" my="xl" />}
            {list && list.total > list.limit ? (
              <Stack gap={4} align="center">
                <Pagination
                  total={Math.ceil(list.total / list.limit)}
                  value={page}
                  onChange={setPage}
                  size="sm"
                  getControlProps={(control) => ({ 'aria-label': t(`devices.${control}Page`) })}
                />
                <Text size="xs" c="dimmed">
                  {pageRange((page - 1) * list.limit + 1, Math.min(page * list.limit, list.total), list.total)}
                </Text>
              </Stack>
            ) : null}
          </Stack>
        }
        minHeight={220}
        pageSizes={{ options: PAGE_SIZES, label: t('devices.rowsPerPage') }}
        paginationControlLabel={(control) => t(`devices.${control}Page`)}
        onRowClick={(device) => void navigate({ to: '/devices/$id', params: { id: device.id } })}
        selection={
          canAssign
            ? {
                selected,
                onChange: setSelected,
                allLabel: t('devices.selectAll'),
                rowLabel: (device) => t('devices.selectDevice', { name: isolate(device.name) }),
              }
            : undefined
        }
      />
      {assigning ? (
        <AssignLocationDialog
          deviceIds={selected.map((device) => device.id)}
          onClose={() => setAssigning(false)}
          onAssigned={() => {
            setAssigning(false);
            setSelected([]);
          }}
        />
      ) : null}
    </Stack>
  );
}
