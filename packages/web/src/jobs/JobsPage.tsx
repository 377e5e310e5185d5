import { Anchor, Group, Select, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { jobSorts, jobStates, type JobDto, type JobListQuery, type JobState } from '@tutti/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { formatIsoDateTime } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { CardHeader, ListHeader, ListView } from '../shared/ListPage.tsx';
import { ExportCsvButton, useListColumns } from '../shared/listColumns.tsx';
import { usePagedList } from '../shared/usePagedList.ts';
import type { CardField } from '../shell/RecordCards.tsx';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { VoipCsvButton } from '../voip/VoipCsvDialog.tsx';
import { JobProgress, JobStateBadge, useOperationLabel } from './job-labels.tsx';
import { connectJobsLive, jobsQueryOptions } from './jobs.queries.ts';

type JobColumn = 'operation' | 'state' | 'progress' | 'createdBy' | 'createdAt';
const sortField = (column: string) => (jobSorts.some((key) => key === column) ? column : 'createdAt');

/** Every job of the organization, newest first until sorted otherwise, with live progress. */
export function JobsPage() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const queryClient = useQueryClient();
  const operationLabel = useOperationLabel();
  usePageTitle(t('nav.jobs'));
  const paged = usePagedList<JobDto>({ sortField, initialSort: { column: 'createdAt', direction: 'desc' } });
  const [state, setState] = useState<JobState | null>(null);
  const { page, limit, sort } = paged;
  const jobs = useQuery(jobsQueryOptions({ state, page, limit, sort }));
  useEffect(() => connectJobsLive(queryClient), [queryClient]);

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
        <Select
          label={t('jobs.columns.state')}
          placeholder={t('jobs.allStates')}
          data={jobStates.map((value) => ({ value, label: t(`jobs.state.${value}`) }))}
          value={state}
          onChange={(value) => {
            setState(value);
            paged.setPage(1);
          }}
          clearable
          w={200}
          data-testid="jobs-state-filter"
        />
        <Group gap="xs">
          {listColumns.chooser}
          <ExportCsvButton
            fileName="jobs.csv"
            fetchPage={(page, limit) =>
              api.listJobs({ state: state ?? undefined, sort: sort as JobListQuery['sort'], page, limit })
            }
            toCsv={listColumns.toCsv}
            testId="jobs-export"
          />
        </Group>
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
