import { Button, Code, Group, Modal, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconDownload } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { isIpPrefix, type AuditEntryDto, type AuditListQuery } from '@tutti/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { formatDateTime, formatIsoDateTime } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { ClearFiltersButton, DateRangeFilter, isReversedRange } from '../shared/ListFilters.tsx';
import { CardHeader, ListHeader, ListView } from '../shared/ListPage.tsx';
import { useListColumns } from '../shared/listColumns.tsx';
import { usePagedList } from '../shared/usePagedList.ts';

import type { CardField } from '../shell/RecordCards.tsx';
import { usePageTitle } from '../shell/usePageTitle.ts';

const auditColumns = ['at', 'actor', 'action', 'target', 'ip'] as const;
type AuditColumn = (typeof auditColumns)[number];
const sortField = (column: string) => (auditColumns.includes(column as AuditColumn) ? column : 'at');

const ACTION = /^[a-z_.]*$/;

interface Filters {
  actor: string;
  action: string;
  target: string;
  ip: string;
  /** Calendar days (YYYY-MM-DD) in the reader's time zone, both included. */
  from: string;
  to: string;
}

const noFilters: Filters = { actor: '', action: '', target: '', ip: '', from: '', to: '' };

/** The filters as the API takes them: local days become the instants that begin and end them. */
function toQuery(filters: Filters): Omit<AuditListQuery, 'page' | 'limit'> {
  const action = filters.action.trim();
  const ip = filters.ip.trim();
  return {
    actor: filters.actor.trim() || undefined,
    action: action && ACTION.test(action) ? action : undefined,
    target: filters.target.trim() || undefined,
    ip: ip && isIpPrefix(ip) ? ip : undefined,
    from: filters.from ? new Date(`${filters.from}T00:00:00`).toISOString() : undefined,
    // A reversed range is shown as an error on the field and not sent.
    to:
      filters.to && !isReversedRange(filters.from, filters.to)
        ? new Date(`${filters.to}T23:59:59.999`).toISOString()
        : undefined,
  };
}

function json(value: unknown): string {
  return value === null || value === undefined ? '—' : JSON.stringify(value, null, 2);
}

function AuditDetail({ entry, onClose }: { entry: AuditEntryDto | null; onClose: () => void }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  return (
    <Modal opened={entry !== null} onClose={onClose} title={t('audit.detail')} centered size="xl">
      {entry ? (
        <Stack gap="md" data-testid="audit-detail">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
            <Text size="sm">
              <Text span c="dimmed">
                {t('audit.columns.at')}:{' '}
              </Text>
              {formatIsoDateTime(language, entry.at)}
            </Text>
            <Text size="sm">
              <Text span c="dimmed">
                {t('audit.columns.actor')}:{' '}
              </Text>
              <bdi>{entry.actor}</bdi>
            </Text>
            <Text size="sm">
              <Text span c="dimmed">
                {t('audit.columns.action')}:{' '}
              </Text>
              <bdi>{entry.action}</bdi>
            </Text>
            <Text size="sm">
              <Text span c="dimmed">
                {t('audit.columns.address')}:{' '}
              </Text>
              <bdi>{entry.ip ?? '—'}</bdi>
            </Text>
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              <Text span c="dimmed">
                {t('audit.columns.target')}:{' '}
              </Text>
              <bdi>{entry.target ?? '—'}</bdi>
            </Text>
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Stack gap={4} miw={0}>
              <Title order={3} size="h6">
                {t('audit.before')}
              </Title>
              <Code block dir="ltr" data-testid="audit-before" style={{ maxHeight: 360, overflow: 'auto' }}>
                {json(entry.before)}
              </Code>
            </Stack>
            <Stack gap={4} miw={0}>
              <Title order={3} size="h6">
                {t('audit.after')}
              </Title>
              <Code block dir="ltr" data-testid="audit-after" style={{ maxHeight: 360, overflow: 'auto' }}>
                {json(entry.after)}
              </Code>
            </Stack>
          </SimpleGrid>
        </Stack>
      ) : null}
    </Modal>
  );
}

/** The organization's audit log: who changed what and when, filtered, paged and exported as CSV by the hub. */
export function AuditPage() {
  const { t } = useTranslation();
  const language = currentLanguage();
  usePageTitle(t('nav.audit'));
  const paged = usePagedList<AuditEntryDto>({
    sortField,
    initialLimit: 50,
    initialSort: { column: 'at', direction: 'desc' },
  });
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [debounced] = useDebouncedValue(filters, 300);
  const [opened, setOpened] = useState<AuditEntryDto | null>(null);
  const query = toQuery(debounced);
  const { page, limit, sort } = paged;
  const audit = useQuery({
    queryKey: ['audit', query, sort, page, limit],
    queryFn: () => api.listAudit({ ...query, sort: sort as AuditListQuery['sort'], page, limit }),
    placeholderData: keepPreviousData,
  });
  const list = audit.data;
  const actionInvalid = !ACTION.test(filters.action.trim());
  const ipInvalid = filters.ip.trim() !== '' && !isIpPrefix(filters.ip.trim());

  function change(key: keyof Filters, value: string): void {
    setFilters((current) => ({ ...current, [key]: value }));
    paged.setPage(1);
  }

  const at = (entry: AuditEntryDto) => {
    const epoch = Date.parse(entry.at);
    return Number.isNaN(epoch) ? '—' : formatDateTime(language, epoch);
  };
  const listColumns = useListColumns<AuditEntryDto, AuditColumn>('audit', [
    { key: 'at', sortable: true, title: t('audit.columns.at'), render: at, csv: (e) => e.at },
    {
      key: 'actor',
      sortable: true,
      title: t('audit.columns.actor'),
      render: (e) => <bdi>{e.actor}</bdi>,
      csv: (e) => e.actor,
    },
    {
      key: 'action',
      sortable: true,
      title: t('audit.columns.action'),
      render: (e) => <Code>{e.action}</Code>,
      csv: (e) => e.action,
    },
    {
      key: 'target',
      sortable: true,
      title: t('audit.columns.target'),
      render: (e) => (
        <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
          <bdi>{e.target ?? '—'}</bdi>
        </Text>
      ),
      csv: (e) => e.target ?? '',
    },
    {
      key: 'ip',
      sortable: true,
      title: t('audit.columns.address'),
      render: (e) => <bdi>{e.ip ?? '—'}</bdi>,
      csv: (e) => e.ip ?? '',
    },
  ]);
  const fields: CardField<AuditEntryDto>[] = [
    { key: 'actor', label: t('audit.columns.actor'), render: (e) => <bdi>{e.actor}</bdi> },
    { key: 'target', label: t('audit.columns.target'), render: (e) => <bdi>{e.target ?? '—'}</bdi> },
  ];

  return (
    <Stack gap="md">
      <ListHeader
        title={t('nav.audit')}
        count={list ? t('audit.count', { count: list.total }) : null}
        fetching={audit.isFetching}
        action={
          <Group gap="xs">
            {listColumns.chooser}
            <Button
              component="a"
              href={api.auditExportUrl(query)}
              download="audit.csv"
              variant="light"
              leftSection={<IconDownload size={16} aria-hidden />}
              data-testid="audit-export"
            >
              {t('action.exportCsv')}
            </Button>
          </Group>
        }
      />
      <Group gap="sm" align="flex-start" wrap="wrap">
        <TextInput
          label={t('audit.columns.actor')}
          placeholder={t('audit.actorPlaceholder')}
          value={filters.actor}
          onChange={(event) => change('actor', event.currentTarget.value)}
          w={220}
          data-testid="audit-filter-actor"
        />
        <TextInput
          label={t('audit.columns.action')}
          placeholder={t('audit.actionPlaceholder')}
          value={filters.action}
          onChange={(event) => change('action', event.currentTarget.value)}
          error={actionInvalid ? t('audit.actionInvalid') : undefined}
          dir="ltr"
          w={200}
          data-testid="audit-filter-action"
        />
        <TextInput
          label={t('audit.columns.target')}
          value={filters.target}
          onChange={(event) => change('target', event.currentTarget.value)}
          w={220}
          data-testid="audit-filter-target"
        />
        <TextInput
          label={t('audit.columns.address')}
          placeholder={t('audit.addressPlaceholder')}
          value={filters.ip}
          onChange={(event) => change('ip', event.currentTarget.value)}
          error={ipInvalid ? t('audit.addressInvalid') : undefined}
          dir="ltr"
          w={200}
          data-testid="audit-filter-ip"
        />
        <DateRangeFilter
          labels={{ from: t('audit.from'), to: t('audit.to') }}
          from={filters.from}
          to={filters.to}
          onChange={change}
          width={170}
          testId="audit-filter"
        />
        <ClearFiltersButton
          onClear={() => {
            setFilters(noFilters);
            paged.setPage(1);
          }}
          disabled={Object.values(filters).every((value) => value === '')}
        />
      </Group>
      <ListView
        query={audit}
        paged={paged}
        columns={listColumns.tableColumns}
        loadFailed={t('audit.loadFailed')}
        noRecordsText={t('audit.noRecords')}
        rowTestId={(entry) => `audit-row-${entry.action}`}
        onRowClick={setOpened}
        cards={{
          header: (e) => (
            <CardHeader
              name={e.action}
              status={
                <Text size="xs" c="dimmed">
                  {at(e)}
                </Text>
              }
              actions={
                <Button size="xs" variant="default" onClick={() => setOpened(e)}>
                  {t('audit.detail')}
                </Button>
              }
            />
          ),
          fields,
        }}
      />
      <AuditDetail entry={opened} onClose={() => setOpened(null)} />
    </Stack>
  );
}
