import { Alert, Card, Group, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorKey } from '../api.ts';
import { formatNumber } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { usageQueryOptions } from './billing.queries.ts';
import { formatDay } from './money.ts';
import { UsageChart } from './UsageChart.tsx';

const ranges = ['30', '90', '365'] as const;
type RangeDays = (typeof ranges)[number];

function rangeEndingToday(days: number): { from: string; to: string } {
  const to = new Date();
  const from = new Date(to.getTime() - (days - 1) * 86_400_000);
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
}

/** Pro Audio devices managed per day: totals across every client, then a chart per organization. */
export function UsagePanel() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const [days, setDays] = useState<RangeDays>('30');
  const range = rangeEndingToday(Number(days));
  const usage = useQuery(usageQueryOptions(range));
  const report = usage.data;
  const peak = report ? Math.max(0, ...report.totals.map((day) => day.proAudioManagedMax)) : 0;
  const latest = report?.totals.at(-1)?.proAudioManagedMax ?? 0;

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Text c="dimmed" size="sm">
          {t('billing.usage.subtitle')}
        </Text>
        <SegmentedControl
          value={days}
          onChange={(value) => setDays(value)}
          data={ranges.map((value) => ({ value, label: t('billing.usage.lastDays', { count: Number(value) }) }))}
          aria-label={t('billing.usage.range')}
          data-testid="usage-range"
        />
      </Group>
      {usage.isError ? (
        <Alert color="red" variant="light" role="alert">
          {t(errorKey(usage.error))}
        </Alert>
      ) : null}
      {report ? (
        <>
          <Card withBorder padding="md" data-testid="usage-totals">
            <Stack gap="xs">
              <Title order={3} size="h4">
                {t('billing.usage.totals')}
              </Title>
              <Text size="sm">
                {t('billing.usage.totalsSummary', {
                  latest: formatNumber(language, latest),
                  peak: formatNumber(language, peak),
                  organizations: formatNumber(language, report.organizations.length),
                })}
              </Text>
              <UsageChart days={report.totals} height={140} />
              <Text size="xs" c="dimmed">
                {formatDay(language, report.from)} – {formatDay(language, report.to)}
              </Text>
            </Stack>
          </Card>
          {report.organizations.length === 0 ? (
            <Text c="dimmed">{t('billing.usage.noOrganizations')}</Text>
          ) : (
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
              {report.organizations.map((organization) => (
                <Card
                  key={organization.organizationId}
                  withBorder
                  padding="md"
                  data-testid={`usage-org-${organization.organizationName}`}
                >
                  <Stack gap={6}>
                    <Group justify="space-between" wrap="nowrap">
                      <Text fw={600}>
                        <bdi>{organization.organizationName}</bdi>
                      </Text>
                      <Text size="sm" c="dimmed">
                        {organization.planName ? <bdi>{organization.planName}</bdi> : t('billing.usage.noPlan')}
                      </Text>
                    </Group>
                    <UsageChart days={organization.days} limit={organization.maxProAudioDevices} />
                    <Text size="sm">
                      {t('billing.usage.orgSummary', {
                        peak: formatNumber(language, organization.peakProAudioManaged),
                        max: formatNumber(language, organization.maxProAudioDevices),
                      })}
                    </Text>
                    {organization.overflowDays > 0 ? (
                      <Text size="sm" c="orange.8">
                        {t('billing.usage.overflowDays', { count: organization.overflowDays })}
                      </Text>
                    ) : null}
                  </Stack>
                </Card>
              ))}
            </SimpleGrid>
          )}
        </>
      ) : null}
    </Stack>
  );
}
