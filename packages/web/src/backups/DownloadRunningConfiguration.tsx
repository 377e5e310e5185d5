import { Button, Text } from '@mantine/core';
import { IconFileDownload } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { jobPermissions, type DeviceDto } from '@tutti/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { jobQueryOptions } from '../jobs/jobs.queries.ts';
import { usePermissions } from '../session/permissions.ts';

/**
 * Fetches the device's running configuration now: a backup job for this one device, then the stored file as a
 * download. While the job runs the button shows its progress; a failure shows the target's reason.
 */
export function DownloadRunningConfiguration({ device }: { device: DeviceDto }) {
  const { t } = useTranslation();
  const { can } = usePermissions();
  const [jobId, setJobId] = useState<string | null>(null);
  const start = useMutation({
    mutationFn: () => api.createJob({ operation: { kind: 'backup' }, deviceIds: [device.id] }),
    onSuccess: (job) => setJobId(job.id),
  });
  const job = useQuery({
    ...jobQueryOptions(jobId ?? ''),
    enabled: jobId !== null,
    refetchInterval: (query) => (query.state.data?.state === 'running' ? 1000 : false),
  });
  const target = job.data?.targets[0];
  const backupId = target?.state === 'succeeded' ? target.result?.backupId : undefined;
  useEffect(() => {
    if (!backupId) return;
    const link = document.createElement('a');
    link.href = api.backupDownloadUrl(backupId);
    link.download = '';
    link.click();
    setJobId(null);
  }, [backupId]);

  if (!can(jobPermissions.backup) || device.family === 'collaborate_live' || device.family === 'collaborate_space') {
    return null;
  }
  const running = start.isPending || (jobId !== null && job.data?.state !== 'completed' && target?.state !== 'failed');
  const failure = start.error
    ? t(errorKey(start.error))
    : target?.state === 'failed'
      ? (target.reason ?? t(`jobs.failure.${target.failureCode ?? 'device_unreachable'}`))
      : null;
  return (
    <>
      <Button
        variant="light"
        leftSection={<IconFileDownload size={16} aria-hidden />}
        loading={running}
        onClick={() => start.mutate()}
        data-testid="download-running-configuration"
      >
        {t('configurations.downloadRunning')}
      </Button>
      {failure ? (
        <Text c="red" size="sm" role="alert">
          {failure}
        </Text>
      ) : null}
    </>
  );
}
