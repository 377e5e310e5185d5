import { Alert, Badge, Group, Loader, Select, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { BackupDto, SettingChange } from '@tutti/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorKey } from '../api.ts';
import { formatIsoDateTime, formatNumber } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { backupDiffQueryOptions } from './backups.queries.ts';
import { TableScroll } from '../shared/TableScroll.tsx';

const changeColor: Record<SettingChange['change'], string> = { added: 'teal', removed: 'red', changed: 'blue' };

function Value({ value }: { value: string | null }) {
  if (value === null)
    return (
      <Text span c="dimmed">
        —
      </Text>
    );
  return (
    <Text span size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
      <bdi>{value}</bdi>
    </Text>
  );
}

/** Pick two versions of one device's configuration (the oldest and the newest at first) and see every setting that differs. */
export function BackupDiffView({ versions }: { versions: BackupDto[] }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const [from, setFrom] = useState<string | null>(versions.length > 1 ? versions[versions.length - 1]!.id : null);
  const [to, setTo] = useState<string | null>(versions[0]?.id ?? null);
  const diff = useQuery({ ...backupDiffQueryOptions(from ?? '', to ?? ''), enabled: Boolean(from && to) });
  const options = versions.map((backup) => ({
    value: backup.id,
    label: t('backups.versionOn', {
      version: formatNumber(language, backup.version),
      date: formatIsoDateTime(language, backup.createdAt),
    }),
  }));

  if (versions.length < 2) return <Text c="dimmed">{t('backups.diff.needTwo')}</Text>;
  return (
    <Stack gap="sm" data-testid="backup-diff">
      <Group grow align="flex-end">
        <Select label={t('backups.diff.from')} data={options} value={from} onChange={setFrom} data-testid="diff-from" />
        <Select label={t('backups.diff.to')} data={options} value={to} onChange={setTo} data-testid="diff-to" />
      </Group>
      {diff.isLoading ? <Loader size="sm" /> : null}
      {diff.isError ? (
        <Alert color="red" role="alert">
          {t(errorKey(diff.error))}
        </Alert>
      ) : null}
      {diff.data ? (
        diff.data.changes.length === 0 ? (
          <Text c="dimmed" data-testid="diff-identical">
            {t('backups.diff.identical')}
          </Text>
        ) : (
          <>
            <Text size="sm">
              {t('backups.diff.count', { number: formatNumber(language, diff.data.changes.length) })}
            </Text>
            <TableScroll label={t('backups.compare')} minWidth={640}>
              <Table verticalSpacing="xs" striped data-testid="diff-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('backups.diff.setting')}</Table.Th>
                    <Table.Th>{t('backups.diff.change')}</Table.Th>
                    <Table.Th>{t('backups.diff.before')}</Table.Th>
                    <Table.Th>{t('backups.diff.after')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {diff.data.changes.map((change) => (
                    <Table.Tr key={change.path} data-change={change.change}>
                      <Table.Td>
                        <Text size="sm" ff="monospace" dir="ltr" style={{ overflowWrap: 'anywhere' }}>
                          {change.path}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge color={changeColor[change.change]} variant="light" style={{ textTransform: 'none' }}>
                          {t(`backups.diff.${change.change}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Value value={change.before} />
                      </Table.Td>
                      <Table.Td>
                        <Value value={change.after} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          </>
        )
      ) : null}
    </Stack>
  );
}
