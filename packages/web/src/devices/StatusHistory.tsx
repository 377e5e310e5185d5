import { Button, Loader, Stack, Text, ThemeIcon, Timeline } from '@mantine/core';
import { IconCircleCheck, IconCircleX, IconAlertTriangle, IconPlugConnected } from '@tabler/icons-react';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { DeviceHistoryEntry } from '@tutti/protocol';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { deviceHistoryQueryOptions } from './devices.queries.ts';
import { severityColor, severityTextColor, statusLabelKey } from './status.ts';

function EntryIcon({ entry }: { entry: DeviceHistoryEntry }) {
  if (entry.kind === 'seen') return <IconPlugConnected size={14} aria-hidden />;
  if (entry.severity === 'healthy') return <IconCircleCheck size={14} aria-hidden />;
  if (entry.severity === 'down') return <IconCircleX size={14} aria-hidden />;
  return <IconAlertTriangle size={14} aria-hidden />;
}

/** The device's status timeline, newest first, a page at a time. */
export function StatusHistory({ deviceId }: { deviceId: string }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const history = useInfiniteQuery(deviceHistoryQueryOptions(deviceId));
  if (history.isError && !history.data) {
    return (
      <LoadError title={t('deviceDetail.historyFailed')} error={history.error} onRetry={() => void history.refetch()} />
    );
  }
  if (!history.data) return <Loader size="sm" mx="auto" my="md" />;
  const entries = history.data.pages.flatMap((page) => page.items);
  if (entries.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        {t('deviceDetail.historyEmpty')}
      </Text>
    );
  }
  return (
    <Stack gap="md">
      <Timeline bulletSize={24} lineWidth={2} data-testid="status-history">
        {entries.map((entry) => {
          const at = Date.parse(entry.at);
          return (
            <Timeline.Item
              key={entry.id}
              bullet={
                <ThemeIcon size={24} radius="xl" color={severityColor[entry.severity]} variant="light">
                  <EntryIcon entry={entry} />
                </ThemeIcon>
              }
              title={
                <Text size="sm" fw={600} c={severityTextColor[entry.severity]}>
                  {t(statusLabelKey(entry.status))}
                </Text>
              }
            >
              <Text size="xs" c="dimmed">
                {t(`deviceDetail.historyKind.${entry.kind}`)}
                {entry.kind === 'seen' && entry.firmware ? (
                  <>
                    {' · '}
                    <bdi>{entry.firmware}</bdi>
                    {entry.accessIp ? (
                      <>
                        {' · '}
                        <bdi>{entry.accessIp}</bdi>
                      </>
                    ) : null}
                  </>
                ) : null}
              </Text>
              {Number.isNaN(at) ? null : (
                <Text size="xs" c="dimmed" component="time" dateTime={entry.at}>
                  {formatDateTime(language, at)}
                </Text>
              )}
            </Timeline.Item>
          );
        })}
      </Timeline>
      {history.hasNextPage ? (
        <Button
          variant="light"
          onClick={() => void history.fetchNextPage()}
          loading={history.isFetchingNextPage}
          style={{ alignSelf: 'flex-start' }}
          data-testid="history-load-more"
        >
          {t('deviceDetail.loadMore')}
        </Button>
      ) : null}
    </Stack>
  );
}
