import { Alert, Anchor, Group, Pagination, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatIsoDateTime } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { VoipCsvButton } from '../voip/VoipCsvDialog.tsx';
import { JobProgress, JobStateBadge, useOperationLabel } from './job-labels.tsx';
import { connectJobsLive, jobsQueryOptions } from './jobs.queries.ts';

const PAGE_SIZE = 25;

/** Every job of the organization, newest first, with live progress. */
export function JobsPage() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const queryClient = useQueryClient();
  const operationLabel = useOperationLabel();
  const [page, setPage] = useState(1);
  usePageTitle(t('nav.jobs'));
  const jobs = useQuery(jobsQueryOptions({ page, limit: PAGE_SIZE }));
  useEffect(() => connectJobsLive(queryClient), [queryClient]);
  const list = jobs.data;

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Title order={2}>{t('nav.jobs')}</Title>
        <VoipCsvButton />
      </Group>
      <Text c="dimmed" size="sm">
        {t('jobs.subtitle')}
      </Text>
      {jobs.isError ? (
        <Alert color="red" role="alert">
          {t('jobs.loadFailed')}
        </Alert>
      ) : null}
      <Table.ScrollContainer minWidth={760}>
        <Table striped highlightOnHover verticalSpacing="sm" data-testid="jobs-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('jobs.columns.operation')}</Table.Th>
              <Table.Th>{t('jobs.columns.state')}</Table.Th>
              <Table.Th>{t('jobs.columns.progress')}</Table.Th>
              <Table.Th>{t('jobs.columns.createdBy')}</Table.Th>
              <Table.Th>{t('jobs.columns.createdAt')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list?.items.map((job) => (
              <Table.Tr key={job.id} data-testid={`job-row-${job.id}`}>
                <Table.Td>
                  <Anchor renderRoot={(props) => <Link {...props} to="/jobs/$id" params={{ id: job.id }} />} fw={500}>
                    {operationLabel(job)}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <JobStateBadge state={job.state} />
                </Table.Td>
                <Table.Td>
                  <JobProgress job={job} testId={`job-progress-${job.id}`} />
                </Table.Td>
                <Table.Td>
                  <bdi>{job.createdBy}</bdi>
                </Table.Td>
                <Table.Td>{formatIsoDateTime(language, job.createdAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list && list.items.length === 0 ? <Text c="dimmed">{t('jobs.noRecords')}</Text> : null}
      {list && list.total > PAGE_SIZE ? (
        <Group justify="flex-end">
          <Pagination total={Math.ceil(list.total / PAGE_SIZE)} value={page} onChange={setPage} />
        </Group>
      ) : null}
    </Stack>
  );
}
