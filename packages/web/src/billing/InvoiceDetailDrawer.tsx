import {
  Alert,
  Badge,
  Button,
  Divider,
  Drawer,
  Group,
  Loader,
  NumberInput,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { InvoiceDetail, InvoiceStatus } from '@tutti/protocol';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { formatNumber } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { billingQueryKey, invoiceQueryOptions } from './billing.queries.ts';
import { formatDay, formatMoney, minorDigits, toMinor } from './money.ts';

const statusColor: Record<InvoiceStatus, string> = {
  draft: 'gray',
  issued: 'blue',
  paid: 'teal',
  overdue: 'red',
  void: 'dark',
};

export function InvoiceStatusBadge({ status }: { status: InvoiceStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={statusColor[status]} variant="dot" style={{ textTransform: 'none' }}>
      {t(`billing.invoiceStatus.${status}`)}
    </Badge>
  );
}

function PaymentForm({ invoice }: { invoice: InvoiceDetail }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const balance = Math.max(0, invoice.totalMinor - invoice.paidMinor);
  const [amount, setAmount] = useState<number | string>(balance / 10 ** minorDigits(invoice.currency));
  const [paidOn, setPaidOn] = useState(() => new Date().toISOString().slice(0, 10));
  const [reference, setReference] = useState('');
  const amountMinor = toMinor(amount, invoice.currency);

  const pay = useMutation({
    mutationFn: () =>
      api.recordPayment(invoice.id, { amountMinor: amountMinor ?? 0, paidOn, reference: reference.trim() || null }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: billingQueryKey }),
  });

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (amountMinor && amountMinor > 0) pay.mutate();
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Title order={3} size="h5">
          {t('billing.invoices.recordPayment')}
        </Title>
        {pay.isError ? (
          <Alert color="red" variant="light" role="alert">
            {t(errorKey(pay.error))}
          </Alert>
        ) : null}
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <NumberInput
            label={t('billing.invoices.amount')}
            value={amount}
            onChange={setAmount}
            min={0}
            decimalScale={minorDigits(invoice.currency)}
            error={amountMinor === null || amountMinor <= 0 ? t('billing.invoices.amountInvalid') : undefined}
            data-testid="payment-amount"
          />
          <TextInput
            type="date"
            label={t('billing.invoices.paidOn')}
            value={paidOn}
            onChange={(event) => setPaidOn(event.currentTarget.value)}
            data-testid="payment-date"
          />
          <TextInput
            label={t('billing.invoices.reference')}
            value={reference}
            onChange={(event) => setReference(event.currentTarget.value)}
            maxLength={120}
          />
        </SimpleGrid>
        <Group justify="flex-end">
          <Button type="submit" loading={pay.isPending} data-testid="payment-save">
            {t('billing.invoices.recordPayment')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** One invoice: who, which period, its lines and payments, downloads, and (for its issuer) payment and void. */
export function InvoiceDetailDrawer({
  invoiceId,
  canManage,
  onClose,
}: {
  invoiceId: string | null;
  canManage: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const queryClient = useQueryClient();
  const invoice = useQuery({ ...invoiceQueryOptions(invoiceId ?? ''), enabled: invoiceId !== null });
  const detail = invoice.data;
  const voiding = useMutation({
    mutationFn: (id: string) => api.voidInvoice(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: billingQueryKey }),
  });
  const money = (minor: number) => (detail ? formatMoney(language, minor, detail.currency) : '');
  const open = detail !== undefined && (detail.status === 'issued' || detail.status === 'overdue');

  return (
    <Drawer
      opened={invoiceId !== null}
      onClose={onClose}
      position="right"
      size="lg"
      closeButtonProps={{ 'aria-label': t('billing.invoices.close') }}
      title={detail ? t('billing.invoices.title', { number: detail.number }) : t('billing.invoices.loading')}
    >
      {invoice.isError ? (
        <Alert color="red" variant="light" role="alert">
          {t(errorKey(invoice.error))}
        </Alert>
      ) : null}
      {!detail ? (
        invoice.isLoading ? (
          <Loader mx="auto" my="xl" />
        ) : null
      ) : (
        <Stack gap="md" data-testid="invoice-detail">
          <Group justify="space-between">
            <InvoiceStatusBadge status={detail.status} />
            <Group gap="xs">
              <Button
                component="a"
                href={api.invoicePdfUrl(detail.id, language)}
                download={`${detail.number}.pdf`}
                variant="light"
                size="xs"
                leftSection={<IconDownload size={14} aria-hidden />}
                data-testid="invoice-pdf"
              >
                {t('billing.invoices.downloadPdf')}
              </Button>
              <Button
                component="a"
                href={api.invoiceCsvUrl(detail.id)}
                download={`${detail.number}.csv`}
                variant="light"
                size="xs"
                leftSection={<IconDownload size={14} aria-hidden />}
                data-testid="invoice-csv"
              >
                {t('billing.invoices.downloadCsv')}
              </Button>
            </Group>
          </Group>
          <SimpleGrid cols={2} spacing="xs">
            <Text size="sm" c="dimmed">
              {t('billing.invoices.from')}
            </Text>
            <Text size="sm">
              <bdi>{detail.supplierName}</bdi>
            </Text>
            <Text size="sm" c="dimmed">
              {t('billing.invoices.billTo')}
            </Text>
            <Text size="sm">
              <bdi>{detail.organizationName}</bdi> (<bdi>{detail.accountNumber}</bdi>)
            </Text>
            <Text size="sm" c="dimmed">
              {t('billing.invoices.plan')}
            </Text>
            <Text size="sm">
              <bdi>{detail.planName}</bdi>
            </Text>
            <Text size="sm" c="dimmed">
              {t('billing.invoices.period')}
            </Text>
            <Text size="sm">
              {formatDay(language, detail.periodStart)} – {formatDay(language, detail.periodEnd)}
            </Text>
            <Text size="sm" c="dimmed">
              {t('billing.invoices.issuedOn')}
            </Text>
            <Text size="sm">{detail.issuedOn ? formatDay(language, detail.issuedOn) : '—'}</Text>
            <Text size="sm" c="dimmed">
              {t('billing.invoices.dueOn')}
            </Text>
            <Text size="sm">{detail.dueOn ? formatDay(language, detail.dueOn) : '—'}</Text>
          </SimpleGrid>
          <Table withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('billing.invoices.description')}</Table.Th>
                <Table.Th>{t('billing.invoices.deviceDays')}</Table.Th>
                <Table.Th>{t('billing.invoices.amount')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {detail.lines.map((line, index) => (
                <Table.Tr key={index}>
                  <Table.Td>{t('billing.invoices.lineDeviceDays', { price: money(line.unitPriceMinor) })}</Table.Td>
                  <Table.Td>{formatNumber(language, line.quantity)}</Table.Td>
                  <Table.Td>{money(line.amountMinor)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <SimpleGrid cols={2} spacing="xs" data-testid="invoice-totals">
            <Text fw={600}>{t('billing.invoices.total')}</Text>
            <Text fw={600}>{money(detail.totalMinor)}</Text>
            <Text>{t('billing.invoices.paid')}</Text>
            <Text>{money(detail.paidMinor)}</Text>
            <Text fw={600}>{t('billing.invoices.balance')}</Text>
            <Text fw={600}>{money(Math.max(0, detail.totalMinor - detail.paidMinor))}</Text>
          </SimpleGrid>
          {detail.payments.length > 0 ? (
            <>
              <Divider label={t('billing.invoices.payments')} labelPosition="left" />
              {detail.payments.map((payment) => (
                <Text key={payment.id} size="sm">
                  {t('billing.invoices.paymentLine', {
                    amount: money(payment.amountMinor),
                    date: formatDay(language, payment.paidOn),
                    by: payment.recordedBy,
                  })}
                  {payment.reference ? (
                    <>
                      {' · '}
                      <bdi>{payment.reference}</bdi>
                    </>
                  ) : null}
                </Text>
              ))}
            </>
          ) : null}
          {canManage && open ? (
            <>
              <Divider />
              <PaymentForm key={`${detail.id}-${detail.paidMinor}`} invoice={detail} />
            </>
          ) : null}
          {canManage && detail.status !== 'paid' && detail.status !== 'void' ? (
            <Group justify="flex-start">
              {voiding.isError ? (
                <Text c="red" size="sm" role="alert">
                  {t(errorKey(voiding.error))}
                </Text>
              ) : null}
              <Button
                variant="subtle"
                color="red"
                size="xs"
                loading={voiding.isPending}
                onClick={() => voiding.mutate(detail.id)}
                data-testid="invoice-void"
              >
                {t('billing.invoices.void')}
              </Button>
            </Group>
          ) : null}
        </Stack>
      )}
    </Drawer>
  );
}
