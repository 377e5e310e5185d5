import { Button, Group, Select, Stack, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { invoiceStatuses, type InvoiceDto, type InvoiceStatus } from '@tutti/protocol';
import type { DataTableColumn } from 'mantine-datatable';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { CardHeader, ListView } from '../shared/ListPage.tsx';
import { usePagedList } from '../shared/usePagedList.ts';
import type { CardField } from '../shell/RecordCards.tsx';
import { invoicesQueryOptions } from './billing.queries.ts';
import { InvoiceDetailDrawer, InvoiceStatusBadge } from './InvoiceDetailDrawer.tsx';
import { formatDay, formatMoney } from './money.ts';

/** Invoices issued to the clients (support organization) or received (client), newest billing period first. */
export function InvoicesPanel({ canManage }: { canManage: boolean }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const paged = usePagedList<InvoiceDto>({ sortField: () => 'periodStart' });
  const [status, setStatus] = useState<InvoiceStatus | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const invoices = useQuery(invoicesQueryOptions({ status, page: paged.page, limit: paged.limit }));

  const period = (invoice: InvoiceDto) =>
    `${formatDay(language, invoice.periodStart)} – ${formatDay(language, invoice.periodEnd)}`;
  const total = (invoice: InvoiceDto) => formatMoney(language, invoice.totalMinor, invoice.currency);
  const due = (invoice: InvoiceDto) => (invoice.dueOn ? formatDay(language, invoice.dueOn) : '—');

  const columns: DataTableColumn<InvoiceDto>[] = [
    {
      accessor: 'status',
      title: t('billing.invoices.status'),
      render: (i) => <InvoiceStatusBadge status={i.status} />,
    },
    { accessor: 'number', title: t('billing.invoices.number'), render: (i) => <bdi>{i.number}</bdi> },
    {
      accessor: 'organizationName',
      title: t('billing.invoices.organization'),
      render: (i) => <bdi>{i.organizationName}</bdi>,
    },
    { accessor: 'periodStart', title: t('billing.invoices.period'), render: period },
    { accessor: 'dueOn', title: t('billing.invoices.dueOn'), render: due },
    { accessor: 'totalMinor', title: t('billing.invoices.total'), render: total },
  ];
  const fields: CardField<InvoiceDto>[] = [
    { key: 'org', label: t('billing.invoices.organization'), render: (i) => <bdi>{i.organizationName}</bdi> },
    { key: 'period', label: t('billing.invoices.period'), render: period },
    { key: 'due', label: t('billing.invoices.dueOn'), render: due },
    { key: 'total', label: t('billing.invoices.total'), render: total },
  ];

  return (
    <Stack gap="md">
      <Text c="dimmed" size="sm">
        {t('billing.invoices.subtitle')}
      </Text>
      <Group justify="space-between" wrap="wrap">
        <Select
          aria-label={t('billing.invoices.statusFilter')}
          placeholder={t('billing.invoices.allStatuses')}
          value={status}
          onChange={(value) => {
            setStatus(value);
            paged.setPage(1);
          }}
          data={invoiceStatuses.map((value) => ({ value, label: t(`billing.invoiceStatus.${value}`) }))}
          clearable
          w={200}
          data-testid="invoice-status-filter"
        />
        <Button
          component="a"
          href={api.invoicesExportUrl({ status: status ?? undefined })}
          download="invoices.csv"
          variant="default"
          leftSection={<IconDownload size={16} aria-hidden />}
          data-testid="invoices-export"
        >
          {t('action.exportCsv')}
        </Button>
      </Group>
      <ListView
        query={invoices}
        paged={paged}
        columns={columns}
        loadFailed={t('billing.invoices.loadFailed')}
        noRecordsText={t('billing.invoices.none')}
        rowTestId={(invoice) => `invoice-row-${invoice.number}`}
        onRowClick={(invoice) => setOpenId(invoice.id)}
        cards={{
          accent: (i) => (i.status === 'overdue' ? 'red' : i.status === 'paid' ? 'teal' : 'gray'),
          header: (i) => (
            <CardHeader
              name={i.number}
              status={<InvoiceStatusBadge status={i.status} />}
              actions={
                <Button size="xs" variant="light" onClick={() => setOpenId(i.id)}>
                  {t('billing.invoices.open')}
                </Button>
              }
            />
          ),
          fields,
        }}
      />
      <InvoiceDetailDrawer invoiceId={openId} canManage={canManage} onClose={() => setOpenId(null)} />
    </Stack>
  );
}
