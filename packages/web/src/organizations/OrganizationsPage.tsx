import { Badge, Button, Group, Menu, Select, Stack, Text } from '@mantine/core';
import { IconBuildingPlus, IconEdit, IconLogin, IconPlayerPause, IconPlayerPlay } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  organizationStatuses,
  type OrganizationDto,
  type OrganizationListQuery,
  type OrganizationStatus,
} from '@tutti/protocol';
import type { DataTableColumn } from 'mantine-datatable';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { formatNumber, isolate } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { useSwitchOrganization } from '../session/ChooseOrganizationDialog.tsx';
import { usePermissions } from '../session/permissions.ts';
import { sessionQueryOptions } from '../session/session.ts';
import { ClearFiltersButton, DateRangeFilter, isReversedRange } from '../shared/ListFilters.tsx';
import { CardHeader, ListHeader, ListView, MutationError, RowActionsMenu, SearchBox } from '../shared/ListPage.tsx';
import { ExportCsvButton, useListColumns } from '../shared/listColumns.tsx';
import { sortableColumns, usePagedList } from '../shared/usePagedList.ts';
import type { CardField } from '../shell/RecordCards.tsx';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { AddOrganizationDialog, EditPlanDialog } from './AddOrganizationDialog.tsx';
import { organizationsQueryKey, organizationsQueryOptions, type OrganizationFilters } from './organizations.queries.ts';
import { formatPlanDate } from './plan-date.ts';

const sortField = sortableColumns([
  'status',
  'name',
  'accountNumber',
  'startDate',
  'endDate',
  'devicesAllocated',
  'proAudioDevices',
  'servers',
]);

/** Plan dates (YYYY-MM-DD, both ends included) and whether the organization has a server yet. */
interface PlanFilters {
  startFrom: string;
  startTo: string;
  endFrom: string;
  endTo: string;
  hasServers: 'true' | 'false' | null;
}

const noPlanFilters: PlanFilters = { startFrom: '', startTo: '', endFrom: '', endTo: '', hasServers: null };

/** The filters as the API takes them; a reversed range is shown as an error on the field and not sent. */
function toQuery(q: string, status: OrganizationStatus | null, plan: PlanFilters): OrganizationFilters {
  const startReversed = isReversedRange(plan.startFrom, plan.startTo);
  const endReversed = isReversedRange(plan.endFrom, plan.endTo);
  return {
    q: q || undefined,
    status: status ?? undefined,
    startFrom: plan.startFrom || undefined,
    startTo: (!startReversed && plan.startTo) || undefined,
    endFrom: plan.endFrom || undefined,
    endTo: (!endReversed && plan.endTo) || undefined,
    hasServers: plan.hasServers ?? undefined,
  };
}

type OrganizationColumn =
  'status' | 'name' | 'accountNumber' | 'startDate' | 'endDate' | 'devicesAllocated' | 'proAudioDevices' | 'servers';

const statusColor: Record<OrganizationStatus, string> = {
  active: 'teal',
  expired: 'gray',
  invited: 'blue',
  overflow: 'orange',
};

export function OrganizationStatusBadge({ organization }: { organization: OrganizationDto }) {
  const { t } = useTranslation();
  return (
    <Badge
      color={statusColor[organization.status]}
      variant="light"
      style={{ textTransform: 'none' }}
      data-testid={`organization-status-${organization.name}`}
    >
      {t(`orgStatus.${organization.status}`)}
    </Badge>
  );
}

export function OrganizationsPage() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const queryClient = useQueryClient();
  const { can } = usePermissions();
  const canManage = can('orgs.manage');
  const { data: session } = useQuery(sessionQueryOptions);
  usePageTitle(t('nav.organizations'));

  const paged = usePagedList<OrganizationDto>({ sortField });
  const [status, setStatus] = useState<OrganizationStatus | null>(null);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<OrganizationDto | null>(null);
  const [plan, setPlan] = useState<PlanFilters>(noPlanFilters);
  const { q, page, limit, sort } = paged;
  const filters = toQuery(q, status, plan);
  const organizations = useQuery(organizationsQueryOptions({ filters, page, limit, sort }));
  const list = organizations.data;
  const switchTo = useSwitchOrganization();
  const memberOf = new Set(session?.memberships.map((membership) => membership.organizationId) ?? []);

  function changePlan<K extends keyof PlanFilters>(key: K, value: PlanFilters[K]): void {
    setPlan((current) => ({ ...current, [key]: value }));
    paged.setPage(1);
  }

  const setService = useMutation({
    mutationFn: ({ organization, active }: { organization: OrganizationDto; active: boolean }) =>
      api.updateOrganization(organization.id, { status: active ? 'active' : 'expired' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: organizationsQueryKey }),
  });

  function actions(organization: OrganizationDto) {
    const member = memberOf.has(organization.id);
    if (!canManage && !member) return null;
    return (
      <RowActionsMenu
        label={t('organizations.actionsFor', { name: isolate(organization.name) })}
        testId={`organization-actions-${organization.name}`}
      >
        {member ? (
          <Menu.Item
            leftSection={<IconLogin size={16} aria-hidden />}
            onClick={() => switchTo.mutate(organization.id)}
            data-testid={`organization-enter-${organization.name}`}
          >
            {t('action.chooseOrganization')}
          </Menu.Item>
        ) : null}
        {canManage ? (
          <>
            <Menu.Item leftSection={<IconEdit size={16} aria-hidden />} onClick={() => setEditing(organization)}>
              {t('organizations.editPlan')}
            </Menu.Item>
            {organization.status === 'expired' ? (
              <Menu.Item
                leftSection={<IconPlayerPlay size={16} aria-hidden />}
                onClick={() => setService.mutate({ organization, active: true })}
              >
                {t('organizations.restoreService')}
              </Menu.Item>
            ) : (
              <Menu.Item
                color="red"
                leftSection={<IconPlayerPause size={16} aria-hidden />}
                onClick={() => setService.mutate({ organization, active: false })}
                data-testid={`organization-end-${organization.name}`}
              >
                {t('organizations.endService')}
              </Menu.Item>
            )}
          </>
        ) : null}
      </RowActionsMenu>
    );
  }

  const number = (value: number) => formatNumber(language, value);
  const listColumns = useListColumns<OrganizationDto, OrganizationColumn>('organizations', [
    {
      key: 'status',
      title: t('organizations.columns.status'),
      sortable: true,
      render: (o) => <OrganizationStatusBadge organization={o} />,
      csv: (o) => o.status,
    },
    {
      key: 'name',
      title: t('organizations.columns.name'),
      sortable: true,
      render: (o) => (
        <Text size="sm" fw={500}>
          <bdi>{o.name}</bdi>
        </Text>
      ),
      csv: (o) => o.name,
    },
    {
      key: 'accountNumber',
      title: t('organizations.columns.accountNumber'),
      sortable: true,
      render: (o) => <bdi>{o.accountNumber}</bdi>,
      csv: (o) => o.accountNumber,
    },
    {
      key: 'startDate',
      title: t('organizations.columns.startDate'),
      sortable: true,
      render: (o) => formatPlanDate(language, o.startDate),
      csv: (o) => o.startDate ?? '',
    },
    {
      key: 'endDate',
      title: t('organizations.columns.endDate'),
      sortable: true,
      render: (o) => formatPlanDate(language, o.endDate),
      csv: (o) => o.endDate ?? '',
    },
    {
      key: 'devicesAllocated',
      title: t('organizations.columns.devicesAllocated'),
      sortable: true,
      render: (o) => number(o.devicesAllocated),
      csv: (o) => String(o.devicesAllocated),
    },
    {
      key: 'proAudioDevices',
      title: t('organizations.columns.proAudioDevices'),
      sortable: true,
      render: (o) => number(o.proAudioDevices),
      csv: (o) => String(o.proAudioDevices),
    },
    {
      key: 'servers',
      title: t('organizations.columns.servers'),
      sortable: true,
      render: (o) => number(o.servers),
      csv: (o) => String(o.servers),
    },
  ]);
  const columns: DataTableColumn<OrganizationDto>[] = [
    ...listColumns.tableColumns,
    { accessor: 'actions', title: '', width: 56, render: actions },
  ];
  const fields: CardField<OrganizationDto>[] = [
    { key: 'account', label: t('organizations.columns.accountNumber'), render: (o) => <bdi>{o.accountNumber}</bdi> },
    { key: 'start', label: t('organizations.columns.startDate'), render: (o) => formatPlanDate(language, o.startDate) },
    { key: 'end', label: t('organizations.columns.endDate'), render: (o) => formatPlanDate(language, o.endDate) },
    {
      key: 'allocated',
      label: t('organizations.columns.devicesAllocated'),
      render: (o) => number(o.devicesAllocated),
    },
    { key: 'proAudio', label: t('organizations.columns.proAudioDevices'), render: (o) => number(o.proAudioDevices) },
    { key: 'servers', label: t('organizations.columns.servers'), render: (o) => number(o.servers) },
  ];

  return (
    <Stack gap="md">
      <ListHeader
        title={t('nav.organizations')}
        count={list ? t('organizations.count', { count: list.total }) : null}
        fetching={organizations.isFetching}
        action={
          canManage ? (
            <Button
              leftSection={<IconBuildingPlus size={16} aria-hidden />}
              onClick={() => setAdding(true)}
              data-testid="add-organization"
            >
              {t('action.addOrganization')}
            </Button>
          ) : null
        }
      />
      <Group gap="sm" align="flex-end" justify="space-between">
        <Group gap="sm" align="flex-end">
          <SearchBox
            label={t('organizations.searchLabel')}
            placeholder={t('organizations.searchPlaceholder')}
            value={paged.search}
            onChange={paged.setSearch}
            w={360}
            maw="100%"
            data-testid="organizations-search"
          />
          <Select
            aria-label={t('organizations.statusFilter')}
            placeholder={t('organizations.allStatuses')}
            data={organizationStatuses.map((value) => ({ value, label: t(`orgStatus.${value}`) }))}
            value={status}
            onChange={(value) => {
              setStatus(value);
              paged.setPage(1);
            }}
            clearable
            w={200}
            data-testid="organizations-status-filter"
          />
          <Select
            aria-label={t('organizations.serversFilter')}
            placeholder={t('organizations.anyServers')}
            data={[
              { value: 'true', label: t('organizations.withServers') },
              { value: 'false', label: t('organizations.withoutServers') },
            ]}
            value={plan.hasServers}
            onChange={(value) => changePlan('hasServers', value === 'true' || value === 'false' ? value : null)}
            clearable
            w={220}
            data-testid="organizations-servers-filter"
          />
        </Group>
        <Group gap="xs">
          {listColumns.chooser}
          <ExportCsvButton
            fileName="organizations.csv"
            fetchPage={(page, limit) =>
              api.listOrganizations({
                ...filters,
                sort: sort as OrganizationListQuery['sort'],
                page,
                limit,
              })
            }
            toCsv={listColumns.toCsv}
            testId="organizations-export"
          />
        </Group>
      </Group>
      <Group gap="sm" align="flex-start" wrap="wrap">
        <DateRangeFilter
          labels={{ from: t('organizations.startFrom'), to: t('organizations.startTo') }}
          from={plan.startFrom}
          to={plan.startTo}
          onChange={(end, value) => changePlan(end === 'from' ? 'startFrom' : 'startTo', value)}
          width={170}
          testId="organizations-filter-start"
        />
        <DateRangeFilter
          labels={{ from: t('organizations.endFrom'), to: t('organizations.endTo') }}
          from={plan.endFrom}
          to={plan.endTo}
          onChange={(end, value) => changePlan(end === 'from' ? 'endFrom' : 'endTo', value)}
          width={170}
          testId="organizations-filter-end"
        />
        <ClearFiltersButton
          onClear={() => {
            setPlan(noPlanFilters);
            setStatus(null);
            paged.setSearch('');
          }}
          disabled={
            paged.search === '' &&
            status === null &&
            Object.values(plan).every((value) => value === null || value === '')
          }
        />
      </Group>
      <MutationError mutation={setService} />
      <MutationError mutation={switchTo} />
      <ListView
        query={organizations}
        paged={paged}
        columns={columns}
        loadFailed={t('organizations.loadFailed')}
        noRecordsText={t('organizations.noRecords')}
        rowTestId={(organization) => `organization-row-${organization.name}`}
        cards={{
          header: (o) => (
            <CardHeader
              name={o.name}
              status={<OrganizationStatusBadge organization={o} />}
              actions={actions(o)}
              align="flex-start"
            />
          ),
          fields,
        }}
      />
      <AddOrganizationDialog opened={adding} onClose={() => setAdding(false)} />
      <EditPlanDialog organization={editing} onClose={() => setEditing(null)} />
    </Stack>
  );
}
