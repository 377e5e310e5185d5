import { Anchor, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import {
  jobKinds,
  jobSorts,
  jobStates,
  type JobDto,
  type JobKind,
  type JobListQuery,
  type JobState,
} from '@tutti/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { formatIsoDateTime } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { CardHeader, ListHeader, ListView, SearchBox } from '../shared/ListPage.tsx';
import { ExportCsvButton, useListColumns } from '../shared/listColumns.tsx';
import { usePagedList } from '../shared/usePagedList.ts';
import type { CardField } from '../shell/RecordCards.tsx';
import { ClearFiltersButton, DateRangeFilter, isReversedRange } from '../shared/ListFilters.tsx';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { VoipCsvButton } from '../voip/VoipCsvDialog.tsx';
import { JobProgress, JobStateBadge, useKindLabel, useOperationLabel } from './job-labels.tsx';
import { connectJobsLive, jobsQueryOptions, type JobFilters } from './jobs.queries.ts';

type JobColumn = 'operation' | 'state' | 'progress' | 'createdBy' | 'createdAt';
const sortField = (column: string) => (jobSorts.some((key) => key === column) ? column : 'createdAt');

interface Filters {
  state: JobState | null;
  kind: JobKind | null;
  createdBy: string;
  /** Calendar days (YYYY-MM-DD) in the reader's time zone, both included. */
  from: string;
  to: string;
}

const noFilters: Filters = { state: null, kind: null, createdBy: '', from: '', to: '' };

/** The filters as the API takes them: local days become the instants that begin and end them. */
function toQuery(q: string, filters: Filters): JobFilters {
  const reversed = isReversedRange(filters.from, filters.to);
  return {
    q: q || undefined,
    state: filters.state ?? undefined,
    kind: filters.kind ?? undefined,
    createdBy: filters.createdBy.trim() || undefined,
    from: filters.from ? new Date(`${filters.from}T00:00:00`).toISOString() : undefined,
    // A reversed range is shown as an error on the field and not sent.
    to: filters.to && !reversed ? new Date(`${filters.to}T23:59:59.999`).toISOString() : undefined,
  };
}

/** Every job of the organization, newest first until sorted otherwise, with live progress. */
export function JobsPage() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const queryClient = useQueryClient();
  const operationLabel = useOperationLabel();
  const kindLabel = useKindLabel();
  usePageTitle(t('nav.jobs'));
  const paged = usePagedList<JobDto>({ sortField, initialSort: { column: 'createdAt', direction: 'desc' } });
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [debounced] = useDebouncedValue(filters, 300);
  const { q, page, limit, sort } = paged;
  const query = toQuery(q, debounced);
  const jobs = useQuery(jobsQueryOptions({ filters: query, page, limit, sort }));
  useEffect(() => connectJobsLive(queryClient), [queryClient]);

  function change<K extends keyof Filters>(key: K, value: Filters[K]): void {
    setFilters((current) => ({ ...current, [key]: value }));
    paged.setPage(1);
  }

  const operation = (job: JobDto) => (
    <Anchor renderRoot={(props) => <Link {...props} to="/jobs/$id" params={{ id: job.id }} />} fw={500}>
      {operationLabel(job)}
    </Anchor>
  );
  const listColumns = useListColumns<JobDto, JobColumn>('jobs', [
    {
      key: 'operation',
      title: t('jobs.columns.operation'),
      sortable: true,
      render: operation,
      csv: (job) => operationLabel(job),
    },
    {
      key: 'state',
      title: t('jobs.columns.state'),
      sortable: true,
      render: (job) => <JobStateBadge state={job.state} />,
      csv: (job) => job.state,
    },
    {
      key: 'progress',
      title: t('jobs.columns.progress'),
      render: (job) => <JobProgress job={job} testId={`job-progress-${job.id}`} />,
      csv: (job) => String(job.progress),
    },
    {
      key: 'createdBy',
      title: t('jobs.columns.createdBy'),
      sortable: true,
      render: (job) => <bdi>{job.createdBy}</bdi>,
      csv: (job) => job.createdBy,
    },
    {
      key: 'createdAt',
      title: t('jobs.columns.createdAt'),
      sortable: true,
      render: (job) => formatIsoDateTime(language, job.createdAt),
      csv: (job) => job.createdAt,
    },
  ]);
  const fields: CardField<JobDto>[] = [
    { key: 'operation', label: t('jobs.columns.operation'), render: operation },
    {
      key: 'progress',
      label: t('jobs.columns.progress'),
      render: (job) => <JobProgress job={job} testId={`job-progress-${job.id}`} />,
    },
    { key: 'createdBy', label: t('jobs.columns.createdBy'), render: (job) => <bdi>{job.createdBy}</bdi> },
    {
      key: 'createdAt',
      label: t('jobs.columns.createdAt'),
      render: (job) => formatIsoDateTime(language, job.createdAt),
    },
  ];

  return (
    <Stack gap="md">
      <ListHeader title={t('nav.jobs')} count={null} fetching={jobs.isFetching} action={<VoipCsvButton />} />
      <Text c="dimmed" size="sm">
        {t('jobs.subtitle')}
      </Text>
      <Group justify="space-between" align="flex-end" gap="sm">
        <SearchBox
          label={t('jobs.searchLabel')}
          placeholder={t('jobs.searchPlaceholder')}
          value={paged.search}
          onChange={paged.setSearch}
          w={360}
          maw="100%"
          data-testid="jobs-search"
        />
        <Group gap="xs">
          {listColumns.chooser}
          <ExportCsvButton
            fileName="jobs.csv"
            fetchPage={(page, limit) => api.listJobs({ ...query, sort: sort as JobListQuery['sort'], page, limit })}
            toCsv={listColumns.toCsv}
            testId="jobs-export"
          />
        </Group>
      </Group>
      <Group gap="sm" align="flex-start" wrap="wrap">
        <Select
          label={t('jobs.columns.state')}
          placeholder={t('jobs.allStates')}
          data={jobStates.map((value) => ({ value, label: t(`jobs.state.${value}`) }))}
          value={filters.state}
          onChange={(value) => change('state', value)}
          clearable
          w={170}
          data-testid="jobs-state-filter"
        />
        <Select
          label={t('jobs.columns.operation')}
          placeholder={t('jobs.allOperations')}
          data={jobKinds.map((value) => ({ value, label: kindLabel(value) }))}
          value={filters.kind}
          onChange={(value) => change('kind', value)}
          clearable
          searchable
          w={210}
          data-testid="jobs-kind-filter"
        />
        <TextInput
          label={t('jobs.columns.createdBy')}
          placeholder={t('jobs.createdByPlaceholder')}
          value={filters.createdBy}
          onChange={(event) => change('createdBy', event.currentTarget.value)}
          w={200}
          data-testid="jobs-filter-created-by"
        />
        <DateRangeFilter
          labels={{ from: t('audit.from'), to: t('audit.to') }}
          from={filters.from}
          to={filters.to}
          onChange={change}
          width={150}
          testId="jobs-filter"
        />
        <ClearFiltersButton
          onClear={() => {
            setFilters(noFilters);
            paged.setSearch('');
          }}
          disabled={paged.search === '' && Object.values(filters).every((value) => value === null || value === '')}
        />
      </Group>
      <ListView
        query={jobs}
        paged={paged}
        columns={listColumns.tableColumns}
        loadFailed={t('jobs.loadFailed')}
        noRecordsText={t('jobs.noRecords')}
        rowTestId={(job) => `job-row-${job.id}`}
        cards={{
          header: (job) => (
            <CardHeader name={operationLabel(job)} status={<JobStateBadge state={job.state} />} actions={null} />
          ),
          fields,
        }}
      />
    </Stack>
  );
}
