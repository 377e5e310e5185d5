import { Alert, Anchor, Button, Card, Group, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconArrowBack, IconFileZip, IconPlayerStop, IconRefresh } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { JobDetail, JobTargetDto } from '@tutti/protocol';
import { jobPermissions } from '@tutti/protocol';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { formatDuration, formatIsoDateTime, formatNumber } from '../i18n/format.ts';
import { currentLanguage, intlLocale } from '../i18n/i18n.ts';
import { usePermissions } from '../session/permissions.ts';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { formatBytes } from './DeviceMaintenance.tsx';
import { JobProgress, JobStateBadge, TargetStateBadge, targetStateColor, useOperationLabel } from './job-labels.tsx';
import { applyJobChange, connectJobsLive, jobQueryOptions } from './jobs.queries.ts';
import { TableScroll } from '../shared/TableScroll.tsx';

function TargetRow({ target }: { target: JobTargetDto }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { deviceId } = target;
  return (
    <Table.Tr data-testid={`target-row-${target.serial}`} data-state={target.state}>
      <Table.Td>
        {deviceId ? (
          <Anchor renderRoot={(props) => <Link {...props} to="/devices/$id" params={{ id: deviceId }} />}>
            <bdi>{target.deviceName}</bdi>
          </Anchor>
        ) : (
          <bdi>{target.deviceName}</bdi>
        )}
        <Text size="xs" c="dimmed">
          <bdi>{target.serial}</bdi>
        </Text>
      </Table.Td>
      <Table.Td>
        <TargetStateBadge state={target.state} />
      </Table.Td>
      <Table.Td miw={140}>
        <Progress
          value={target.progress}
          color={targetStateColor[target.state]}
          striped={target.state === 'running'}
          animated={target.state === 'running'}
          aria-label={t('jobs.columns.progress')}
        />
      </Table.Td>
      <Table.Td>
        {target.failureCode ? (
          <Stack gap={2}>
            <Text size="sm">{t(`jobs.failure.${target.failureCode}`)}</Text>
            {target.reason ? (
              <Text size="xs" c="dimmed">
                {target.reason}
              </Text>
            ) : null}
          </Stack>
        ) : target.result?.firmware ? (
          <Text size="sm">{t('jobs.detail.firmwareNow', { version: target.result.firmware })}</Text>
        ) : target.result?.backupVersion ? (
          <Text size="sm">{t('jobs.detail.backupVersion', { version: target.result.backupVersion })}</Text>
        ) : target.result?.ftpEnabled !== undefined ? (
          <Text size="sm">{target.result.ftpEnabled ? t('jobs.detail.ftpOnNow') : t('jobs.detail.ftpOffNow')}</Text>
        ) : target.result?.logId ? (
          <Group gap="xs">
            <Text size="sm">
              {t('jobs.detail.logStored', { size: formatBytes(language, target.result.logBytes ?? 0) })}
            </Text>
            <Anchor href={api.deviceLogDownloadUrl(target.result.logId)} size="sm" data-testid="download-target-log">
              {t('jobs.detail.downloadLog')}
            </Anchor>
          </Group>
        ) : null}
      </Table.Td>
      <Table.Td>{target.wave}</Table.Td>
    </Table.Tr>
  );
}

function Rollout({ job }: { job: JobDetail }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { rollout } = job;
  const item = (label: string, value: string) => (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm">{value}</Text>
    </Stack>
  );
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }}>
      {item(t('jobs.rollout.concurrency'), formatNumber(language, rollout.concurrency))}
      {item(
        t('jobs.rollout.waveSize'),
        rollout.waveSize === null ? t('jobs.rollout.allAtOnce') : formatNumber(language, rollout.waveSize),
      )}
      {item(t('jobs.rollout.wavePause'), formatDuration(language, rollout.wavePauseSeconds))}
      {item(
        t('jobs.rollout.threshold'),
        new Intl.NumberFormat(intlLocale(language), { style: 'percent' }).format(rollout.failureThresholdPercent / 100),
      )}
    </SimpleGrid>
  );
}

/** One job: overall progress, rollout settings, and every device with its state, progress and outcome, live. */
export function JobDetailPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const queryClient = useQueryClient();
  const { can } = usePermissions();
  const operationLabel = useOperationLabel();
  const query = useQuery(jobQueryOptions(id));
  const job = query.data;
  usePageTitle(job ? operationLabel(job) : t('nav.jobs'));
  useEffect(() => connectJobsLive(queryClient), [queryClient]);
  const onDone = (updated: JobDetail) => applyJobChange(queryClient, updated, updated.targets);
  const cancel = useMutation({ mutationFn: () => api.cancelJob(id), onSuccess: onDone });
  const retry = useMutation({ mutationFn: () => api.retryJob(id), onSuccess: onDone });

  const back = (
    <Anchor renderRoot={(props) => <Link {...props} to="/jobs" />} size="sm">
      <Group gap={4} wrap="nowrap" component="span">
        <IconArrowBack size={16} aria-hidden style={{ transform: 'scaleX(var(--tutti-mirror, 1))' }} />
        {t('jobs.detail.back')}
      </Group>
    </Anchor>
  );
  if (query.isError) {
    return (
      <Stack gap="md">
        {back}
        <Alert color="red" role="alert">
          {t(errorKey(query.error))}
        </Alert>
      </Stack>
    );
  }
  if (!job) return back;
  const mayOperate = can(jobPermissions[job.operation.kind]);
  const failure = cancel.error ?? retry.error;

  return (
    <Stack gap="md" data-testid="job-detail">
      {back}
      <Card withBorder radius="md" padding="lg">
        <Stack gap="sm">
          <Group justify="space-between" align="flex-start">
            <Stack gap={2}>
              <Title order={2}>{operationLabel(job)}</Title>
              <Text size="sm" c="dimmed">
                {t('jobs.detail.startedBy', {
                  name: job.createdBy,
                  date: formatIsoDateTime(language, job.createdAt),
                })}
              </Text>
            </Stack>
            <Group gap="xs">
              <JobStateBadge state={job.state} />
              {job.operation.kind === 'collect_logs' && job.counts.succeeded > 0 ? (
                <Button
                  component="a"
                  href={api.jobLogsZipUrl(job.id)}
                  variant="light"
                  leftSection={<IconFileZip size={16} aria-hidden />}
                  data-testid="download-job-logs"
                >
                  {t('jobs.detail.downloadLogsZip')}
                </Button>
              ) : null}
              {mayOperate && job.state === 'running' ? (
                <Button
                  variant="light"
                  color="red"
                  leftSection={<IconPlayerStop size={16} aria-hidden />}
                  loading={cancel.isPending}
                  onClick={() => cancel.mutate()}
                  data-testid="cancel-job"
                >
                  {t('jobs.action.cancel')}
                </Button>
              ) : null}
              {mayOperate && job.state !== 'running' && job.counts.failed > 0 ? (
                <Button
                  variant="light"
                  leftSection={<IconRefresh size={16} aria-hidden />}
                  loading={retry.isPending}
                  onClick={() => retry.mutate()}
                  data-testid="retry-job"
                >
                  {t('jobs.action.retryFailed')}
                </Button>
              ) : null}
            </Group>
          </Group>
          <JobProgress job={job} testId="job-progress" />
          <Rollout job={job} />
          {failure ? (
            <Alert color="red" role="alert">
              {t(errorKey(failure))}
            </Alert>
          ) : null}
        </Stack>
      </Card>
      <TableScroll label={t('jobs.detail.targets')} minWidth={720}>
        <Table verticalSpacing="sm" data-testid="job-targets">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('jobs.detail.device')}</Table.Th>
              <Table.Th>{t('jobs.columns.state')}</Table.Th>
              <Table.Th>{t('jobs.columns.progress')}</Table.Th>
              <Table.Th>{t('jobs.detail.outcome')}</Table.Th>
              <Table.Th>{t('jobs.detail.wave')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {job.targets.map((target) => (
              <TargetRow key={target.id} target={target} />
            ))}
          </Table.Tbody>
        </Table>
      </TableScroll>
    </Stack>
  );
}
