import { Badge, Button, Group, Pagination, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AlertDto, AlertState } from '@tutti/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { formatIsoDateTime } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { usePermissions } from '../session/permissions.ts';
import { MutationError } from '../shared/ListPage.tsx';
import { LoadError } from '../shell/LoadError.tsx';
import { alertsQueryKey, alertsQueryOptions } from './alerts.queries.ts';
import { problemLabelKey } from './problem.ts';
import { TableScroll } from '../shared/TableScroll.tsx';

const PAGE_SIZE = 50;
const stateColor: Record<AlertState, string> = { open: 'red', acknowledged: 'orange', resolved: 'teal' };

type StateFilter = 'unresolved' | AlertState;

/** Alerts of the organization, newest first, with Acknowledge on the open ones. */
export function AlertListPanel() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const queryClient = useQueryClient();
  const { can } = usePermissions();
  const [state, setState] = useState<StateFilter>('unresolved');
  const [page, setPage] = useState(1);
  const alerts = useQuery(alertsQueryOptions({ state, page, limit: PAGE_SIZE }));
  const acknowledge = useMutation({
    mutationFn: (alert: AlertDto) => api.acknowledgeAlert(alert.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertsQueryKey }),
  });

  const filters: Array<{ value: StateFilter; label: string }> = [
    { value: 'unresolved', label: t('alerts.filter.unresolved') },
    { value: 'open', label: t('alerts.state.open') },
    { value: 'acknowledged', label: t('alerts.state.acknowledged') },
    { value: 'resolved', label: t('alerts.state.resolved') },
  ];
  const time = (iso: string | null) => formatIsoDateTime(language, iso) ?? '—';

  return (
    <Stack gap="sm">
      <SegmentedControl
        value={state}
        onChange={(value) => {
          setState(value);
          setPage(1);
        }}
        data={filters}
        aria-label={t('alerts.filter.label')}
        data-testid="alert-state-filter"
        style={{ alignSelf: 'flex-start' }}
      />
      <MutationError mutation={acknowledge} />
      {alerts.isError ? (
        <LoadError error={alerts.error} title={t('alerts.loadFailed')} onRetry={() => void alerts.refetch()} />
      ) : null}
      {alerts.data && alerts.data.items.length === 0 ? (
        <Text c="dimmed" data-testid="alerts-empty">
          {t('alerts.noAlerts')}
        </Text>
      ) : null}
      {alerts.data && alerts.data.items.length > 0 ? (
        <TableScroll label={t('alerts.tabs.alerts')} minWidth={760}>
          <Table striped highlightOnHover data-testid="alerts-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('alerts.columns.state')}</Table.Th>
                <Table.Th>{t('alerts.columns.problem')}</Table.Th>
                <Table.Th>{t('alerts.columns.subject')}</Table.Th>
                <Table.Th>{t('alerts.columns.location')}</Table.Th>
                <Table.Th>{t('alerts.columns.rule')}</Table.Th>
                <Table.Th>{t('alerts.columns.since')}</Table.Th>
                <Table.Th>{t('alerts.columns.acknowledged')}</Table.Th>
                <Table.Th aria-label={t('alerts.columns.actions')} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {alerts.data.items.map((alert) => (
                <Table.Tr key={alert.id} data-testid={`alert-row-${alert.subjectName}`}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Badge color={stateColor[alert.state]} variant="light" style={{ textTransform: 'none' }}>
                      {t(`alerts.state.${alert.state}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{t(problemLabelKey(alert.problem))}</Table.Td>
                  <Table.Td>
                    <bdi>{alert.subjectName}</bdi>
                  </Table.Td>
                  <Table.Td>{alert.locationName ? <bdi>{alert.locationName}</bdi> : '—'}</Table.Td>
                  <Table.Td>
                    <bdi>{alert.ruleName}</bdi>
                  </Table.Td>
                  <Table.Td>{time(alert.since)}</Table.Td>
                  <Table.Td>
                    {alert.acknowledgedAt ? (
                      <Text size="sm">
                        {time(alert.acknowledgedAt)} · <bdi>{alert.acknowledgedBy}</bdi>
                      </Text>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td>
                    {alert.state === 'open' && can('alerts.acknowledge') ? (
                      <Button
                        size="xs"
                        variant="light"
                        leftSection={<IconCheck size={14} aria-hidden />}
                        loading={acknowledge.isPending && acknowledge.variables.id === alert.id}
                        onClick={() => acknowledge.mutate(alert)}
                        data-testid={`acknowledge-${alert.subjectName}`}
                      >
                        {t('alerts.acknowledge')}
                      </Button>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      ) : null}
      {alerts.data && alerts.data.total > PAGE_SIZE ? (
        <Group justify="flex-end">
          <Pagination
            total={Math.ceil(alerts.data.total / PAGE_SIZE)}
            value={page}
            onChange={setPage}
            aria-label={t('alerts.pages')}
          />
        </Group>
      ) : null}
    </Stack>
  );
}
