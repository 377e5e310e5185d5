import { Anchor, Button, Card, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { IconDownload, IconFileText } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { jobPermissions, type Language } from '@tutti/protocol';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { devicesRootKey } from '../devices/devices.queries.ts';
import { formatIsoDateTime } from '../i18n/format.ts';
import { currentLanguage, intlLocale } from '../i18n/i18n.ts';
import { usePermissions } from '../session/permissions.ts';
import { jobsQueryKey } from './jobs.queries.ts';

/** "12 kB" in the user's language: Intl formats the unit, so no translation holds one. */
export function formatBytes(language: Language, bytes: number): string {
  const kilobytes = bytes / 1000;
  const [unit, value] =
    kilobytes >= 1000 ? (['megabyte', kilobytes / 1000] as const) : (['kilobyte', kilobytes] as const);
  return new Intl.NumberFormat(intlLocale(language), {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: 1,
  }).format(value);
}

/**
 * The device's FTP as the device itself reports it; what Tutti's newest FTP job set goes next to it when the two
 * differ, and stands alone while the device has not told.
 */
export function DeviceFtpValue({ deviceId }: { deviceId: string }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  // Under the device keys: a live device change (the agent reported a new FTP state) refetches it.
  const query = useQuery({
    queryKey: [...devicesRootKey, 'ftp', deviceId],
    queryFn: () => api.deviceFtpState(deviceId),
  });
  if (!query.data) return query.isError ? t('deviceDetail.ftpUnknown') : '…';
  const { enabled, setAt, reported } = query.data;
  const date = formatIsoDateTime(language, setAt) ?? '';
  const setByTutti =
    enabled === null
      ? t('deviceDetail.ftpUnknown')
      : enabled
        ? t('deviceDetail.ftpOnSince', { date })
        : t('deviceDetail.ftpOffSince', { date });
  if (reported === null) return setByTutti;
  const fromDevice = reported ? t('deviceDetail.ftpReportedOn') : t('deviceDetail.ftpReportedOff');
  if (enabled === null || enabled === reported) return fromDevice;
  return (
    <>
      <span style={{ display: 'block' }}>{fromDevice}</span>
      <span style={{ display: 'block' }}>{setByTutti}</span>
    </>
  );
}

/** Logs collected from the device, newest first, each a download; collecting new ones starts a job. */
export function DeviceLogsCard({ deviceId }: { deviceId: string }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { can } = usePermissions();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const logs = useQuery({
    queryKey: [...jobsQueryKey, 'device-logs', deviceId],
    queryFn: () => api.listDeviceLogs({ deviceId }),
  });
  const collect = useMutation({
    mutationFn: () => api.createJob({ operation: { kind: 'collect_logs' }, deviceIds: [deviceId] }),
    onSuccess: (job) => {
      void queryClient.invalidateQueries({ queryKey: jobsQueryKey });
      void navigate({ to: '/jobs/$id', params: { id: job.id } });
    },
  });
  const items = logs.data?.items ?? [];
  const newest = items[0];

  return (
    <Card withBorder radius="md" padding="lg" data-testid="device-logs">
      <Group justify="space-between" mb="md">
        <Title order={2} size="h4">
          {t('deviceDetail.logs')}
        </Title>
        <Group gap="xs">
          {can(jobPermissions.collect_logs) ? (
            <Button
              variant="light"
              size="xs"
              leftSection={<IconFileText size={16} aria-hidden />}
              loading={collect.isPending}
              onClick={() => collect.mutate()}
              data-testid="collect-logs"
            >
              {t('jobs.operation.collectLogs')}
            </Button>
          ) : null}
          {newest ? (
            <Button
              component="a"
              href={api.deviceLogDownloadUrl(newest.id)}
              size="xs"
              leftSection={<IconDownload size={16} aria-hidden />}
              data-testid="download-device-logs"
            >
              {t('deviceDetail.downloadLogs')}
            </Button>
          ) : null}
        </Group>
      </Group>
      {collect.error ? (
        <Text c="red" size="sm" role="alert">
          {t(errorKey(collect.error))}
        </Text>
      ) : null}
      {logs.isPending ? (
        <Loader size="sm" />
      ) : logs.isError ? (
        <Text size="sm" c="red">
          {t('deviceDetail.logsFailed')}
        </Text>
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('deviceDetail.noLogs')}
        </Text>
      ) : (
        <Stack gap={4}>
          {items.slice(0, 5).map((log) => (
            <Anchor key={log.id} href={api.deviceLogDownloadUrl(log.id)} size="sm">
              {t('deviceDetail.logCollectedOn', {
                date: formatIsoDateTime(language, log.createdAt) ?? '',
                size: formatBytes(language, log.sizeBytes),
              })}
            </Anchor>
          ))}
        </Stack>
      )}
    </Card>
  );
}
