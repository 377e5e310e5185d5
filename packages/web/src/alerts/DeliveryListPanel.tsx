import { Badge, Group, Pagination, Select, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { deliveryStatuses, type AlertDeliveryDto, type DeliveryStatus } from '@tutti/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatIsoDateTime, formatNumber } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { alertDeliveriesQueryOptions } from './alerts.queries.ts';
import { TableScroll } from '../shared/TableScroll.tsx';

const PAGE_SIZE = 50;
const statusColor: Record<DeliveryStatus, string> = { queued: 'blue', sending: 'violet', sent: 'teal', failed: 'red' };

/** Every alert message and its attempts: queued, sent, failed with the reason, and when the next try is. */
export function DeliveryListPanel() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const [status, setStatus] = useState<DeliveryStatus | null>(null);
  const [page, setPage] = useState(1);
  const deliveries = useQuery(alertDeliveriesQueryOptions({ status: status ?? undefined, page, limit: PAGE_SIZE }));
  const time = (iso: string | null) => formatIsoDateTime(language, iso) ?? '—';

  const outcome = (delivery: AlertDeliveryDto) => {
    if (delivery.status === 'sent') return time(delivery.sentAt);
    if (delivery.status === 'queued' && delivery.lastError) {
      return (
        <Stack gap={0}>
          <Text size="sm" c="red">
            {delivery.lastError}
          </Text>
          <Text size="xs" c="dimmed">
            {t('alerts.deliveries.nextAttempt', { time: time(delivery.nextAttemptAt) })}
          </Text>
        </Stack>
      );
    }
    return delivery.lastError ? (
      <Text size="sm" c="red">
        {delivery.lastError}
      </Text>
    ) : (
      '—'
    );
  };

  return (
    <Stack gap="sm">
      <Select
        label={t('alerts.deliveries.statusFilter')}
        placeholder={t('alerts.deliveries.allStatuses')}
        data={deliveryStatuses.map((value) => ({ value, label: t(`alerts.deliveries.status.${value}`) }))}
        value={status}
        onChange={(value) => {
          setStatus(value);
          setPage(1);
        }}
        clearable
        maw={260}
        data-testid="delivery-status-filter"
      />
      {deliveries.isError ? (
        <LoadError
          error={deliveries.error}
          title={t('alerts.deliveries.loadFailed')}
          onRetry={() => void deliveries.refetch()}
        />
      ) : null}
      {deliveries.data && deliveries.data.items.length === 0 ? (
        <Text c="dimmed">{t('alerts.deliveries.none')}</Text>
      ) : null}
      {deliveries.data && deliveries.data.items.length > 0 ? (
        <TableScroll label={t('alerts.tabs.messages')} minWidth={820}>
          <Table striped data-testid="deliveries-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('alerts.deliveries.columns.created')}</Table.Th>
                <Table.Th>{t('alerts.deliveries.columns.channel')}</Table.Th>
                <Table.Th>{t('alerts.deliveries.columns.recipient')}</Table.Th>
                <Table.Th>{t('alerts.deliveries.columns.subject')}</Table.Th>
                <Table.Th>{t('alerts.deliveries.columns.status')}</Table.Th>
                <Table.Th>{t('alerts.deliveries.columns.attempts')}</Table.Th>
                <Table.Th>{t('alerts.deliveries.columns.outcome')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {deliveries.data.items.map((delivery) => (
                <Table.Tr key={delivery.id} data-testid={`delivery-row-${delivery.target}`}>
                  <Table.Td>{time(delivery.createdAt)}</Table.Td>
                  <Table.Td>{t(`alerts.channel.${delivery.channel}`)}</Table.Td>
                  <Table.Td>
                    <Tooltip label={<bdi>{delivery.target}</bdi>}>
                      <Text size="sm" span>
                        <bdi>{delivery.recipientLabel}</bdi>
                      </Text>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td>
                    <bdi>{delivery.subject}</bdi>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Badge color={statusColor[delivery.status]} variant="light" style={{ textTransform: 'none' }}>
                      {t(`alerts.deliveries.status.${delivery.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{formatNumber(language, delivery.attempts)}</Table.Td>
                  <Table.Td>{outcome(delivery)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      ) : null}
      {deliveries.data && deliveries.data.total > PAGE_SIZE ? (
        <Group justify="flex-end">
          <Pagination
            total={Math.ceil(deliveries.data.total / PAGE_SIZE)}
            value={page}
            onChange={setPage}
            aria-label={t('alerts.pages')}
          />
        </Group>
      ) : null}
    </Stack>
  );
}
