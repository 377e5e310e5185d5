import { Badge, Loader, Modal, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { WebhookDeliveryDto, WebhookSubscriptionDto } from '@tutti/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { formatIsoDateTime, formatNumber, isolate } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { deliveryStatusColor, eventTypeLabelKey } from './webhook-labels.ts';
import { webhooksKey } from './WebhookDialog.tsx';
import { TableScroll } from '../shared/TableScroll.tsx';

/** Refreshes while open, so a test delivery and its retries show up without reloading. */
const REFRESH_MS = 3000;

type StatusFilter = 'all' | WebhookDeliveryDto['status'];

function Attempts({ delivery }: { delivery: WebhookDeliveryDto }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  if (delivery.attempts.length === 0) return <Text size="sm">—</Text>;
  return (
    <Stack gap={2} component="ol" p={0} m={0} style={{ listStyle: 'none' }}>
      {delivery.attempts.map((attempt) => (
        <Text key={attempt.attemptedAt} component="li" size="xs">
          {t('webhooks.attempt', {
            time: formatIsoDateTime(language, attempt.attemptedAt),
            result:
              attempt.statusCode !== null
                ? isolate(String(attempt.statusCode))
                : isolate(attempt.error ?? t('webhooks.noAnswer')),
            ms: formatNumber(language, attempt.durationMs),
          })}
        </Text>
      ))}
    </Stack>
  );
}

/** The latest deliveries of one subscription: event, state, every attempt (status code or error) and the next retry. */
export function WebhookDeliveries({
  subscription,
  onClose,
}: {
  subscription: WebhookSubscriptionDto | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const [status, setStatus] = useState<StatusFilter>('all');
  const deliveries = useQuery({
    queryKey: [...webhooksKey, subscription?.id, 'deliveries', status],
    queryFn: () => api.listWebhookDeliveries(subscription!.id, { limit: 50, ...(status === 'all' ? {} : { status }) }),
    enabled: subscription !== null,
    refetchInterval: REFRESH_MS,
  });
  const date = (iso: string | null) => formatIsoDateTime(language, iso) ?? '—';

  return (
    <Modal
      opened={subscription !== null}
      onClose={onClose}
      title={t('webhooks.deliveriesTitle', { url: isolate(subscription?.url ?? '') })}
      centered
      size="xl"
    >
      <Stack gap="md">
        <SegmentedControl
          value={status}
          onChange={(value) => setStatus(value)}
          data={[
            { value: 'all', label: t('webhooks.allDeliveries') },
            { value: 'pending', label: t('webhooks.deliveryStatus.pending') },
            { value: 'succeeded', label: t('webhooks.deliveryStatus.succeeded') },
            { value: 'failed', label: t('webhooks.deliveryStatus.failed') },
          ]}
          data-testid="webhook-deliveries-filter"
        />
        {deliveries.isError ? (
          <LoadError
            title={t('webhooks.deliveriesLoadFailed')}
            error={deliveries.error}
            onRetry={() => void deliveries.refetch()}
          />
        ) : !deliveries.data ? (
          <Loader size="sm" />
        ) : deliveries.data.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('webhooks.noDeliveries')}
          </Text>
        ) : (
          <TableScroll label={t('webhooks.deliveries')} minWidth={640}>
            <Table verticalSpacing="xs" data-testid="webhook-deliveries">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('webhooks.event')}</Table.Th>
                  <Table.Th>{t('webhooks.state')}</Table.Th>
                  <Table.Th>{t('webhooks.queued')}</Table.Th>
                  <Table.Th>{t('webhooks.attempts')}</Table.Th>
                  <Table.Th>{t('webhooks.nextAttempt')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {deliveries.data.items.map((delivery) => (
                  <Table.Tr key={delivery.id} data-testid={`webhook-delivery-${delivery.status}`}>
                    <Table.Td>{t(eventTypeLabelKey[delivery.eventType])}</Table.Td>
                    <Table.Td>
                      <Badge
                        color={deliveryStatusColor[delivery.status]}
                        variant="light"
                        maw="none"
                        style={{ textTransform: 'none', overflow: 'visible' }}
                      >
                        {t(`webhooks.deliveryStatus.${delivery.status}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{date(delivery.createdAt)}</Table.Td>
                    <Table.Td>
                      <Attempts delivery={delivery} />
                    </Table.Td>
                    <Table.Td>{date(delivery.nextAttemptAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        )}
      </Stack>
    </Modal>
  );
}
