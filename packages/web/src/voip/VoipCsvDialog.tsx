import { Alert, Anchor, Badge, Button, FileInput, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { IconFileSpreadsheet } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { MAX_VOIP_CSV_BYTES, MAX_VOIP_CSV_ROWS, type VoipCsvPreview, type VoipCsvRowError } from '@tutti/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { formatNumber } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { usePermissions } from '../session/permissions.ts';
import { TableScroll } from '../shared/TableScroll.tsx';

function RowErrors({ errors }: { errors: readonly VoipCsvRowError[] }) {
  const { t } = useTranslation();
  if (errors.length === 0) {
    return (
      <Badge color="teal" variant="light" style={{ textTransform: 'none' }}>
        {t('voip.bulk.ok')}
      </Badge>
    );
  }
  return (
    <Stack gap={2}>
      {errors.map((error) => (
        <Text key={`${error.column}-${error.code}`} size="xs" c="red">
          {t(`voip.bulk.rowError.${error.code}`, { column: error.column })}
        </Text>
      ))}
    </Stack>
  );
}

/**
 * Bulk provisioning: choose a CSV file, check it (a dry run that lists every row with its errors), then run it as
 * one job. Running is offered only for a file without errors.
 */
function VoipCsvDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState<string | null>(null);
  const [preview, setPreview] = useState<VoipCsvPreview | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const check = useMutation({
    mutationFn: async (chosen: File) => {
      const content = await chosen.text();
      setText(content);
      return api.previewVoipCsv(content);
    },
    onSuccess: setPreview,
  });
  const run = useMutation({
    mutationFn: () => api.provisionVoipCsv(text ?? ''),
    onSuccess: (job) => setJobId(job.id),
  });
  const choose = (chosen: File | null) => {
    setFile(chosen);
    setPreview(null);
    setJobId(null);
    run.reset();
    if (chosen) check.mutate(chosen);
  };
  const close = () => {
    choose(null);
    onClose();
  };
  const runnable = preview !== null && preview.fileError === null && preview.invalidRows === 0 && preview.devices > 0;

  return (
    <Modal opened={opened} onClose={close} title={t('voip.bulk.title')} size="xl">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('voip.bulk.intro')}
        </Text>
        <FileInput
          label={t('voip.bulk.file')}
          value={file}
          onChange={choose}
          accept=".csv,text/csv"
          error={file && file.size > MAX_VOIP_CSV_BYTES ? t('voip.bulk.fileError.unreadable') : undefined}
          data-testid="voip-csv-file"
        />
        {check.error || run.error ? (
          <Alert color="red" role="alert">
            {t(errorKey(check.error ?? run.error))}
          </Alert>
        ) : null}
        {preview?.fileError ? (
          <Alert color="red" role="alert" data-testid="voip-csv-file-error">
            {t(`voip.bulk.fileError.${preview.fileError}`, {
              columns: preview.missingColumns.join(', '),
              max: formatNumber(language, MAX_VOIP_CSV_ROWS),
            })}
          </Alert>
        ) : null}
        {preview && preview.rows.length > 0 ? (
          <>
            <Text size="sm" fw={500} data-testid="voip-csv-summary">
              {t('voip.bulk.summary', {
                valid: formatNumber(language, preview.validRows),
                invalid: formatNumber(language, preview.invalidRows),
                devices: formatNumber(language, preview.devices),
              })}
            </Text>
            <TableScroll label={t('voip.bulk.file')} minWidth={720} mah={360}>
              <Table verticalSpacing="xs" striped data-testid="voip-csv-rows">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('voip.bulk.row')}</Table.Th>
                    <Table.Th>{t('voip.bulk.device')}</Table.Th>
                    <Table.Th>{t('voip.columns.line')}</Table.Th>
                    <Table.Th>{t('voip.columns.user')}</Table.Th>
                    <Table.Th>{t('voip.columns.server')}</Table.Th>
                    <Table.Th>{t('voip.bulk.check')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {preview.rows.map((row) => (
                    <Table.Tr key={row.row} data-testid={`voip-csv-row-${row.row}`}>
                      <Table.Td>{row.row}</Table.Td>
                      <Table.Td>
                        <bdi className="tutti-mono">{row.serial}</bdi>
                        {row.deviceName ? (
                          <Text size="xs" c="dimmed">
                            <bdi>{row.deviceName}</bdi>
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>{row.line ?? ''}</Table.Td>
                      <Table.Td>
                        <bdi className="tutti-mono">{row.user}</bdi>
                      </Table.Td>
                      <Table.Td>
                        <bdi className="tutti-mono">{row.server}</bdi>
                      </Table.Td>
                      <Table.Td>
                        <RowErrors errors={row.errors} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
            {preview.invalidRows > 0 ? (
              <Text size="sm" c="red">
                {t('voip.bulk.fixRows')}
              </Text>
            ) : null}
          </>
        ) : null}
        {jobId ? (
          <Alert color="teal" data-testid="voip-csv-started">
            <Group gap="xs" justify="space-between">
              <Text size="sm">{t('voip.bulk.started')}</Text>
              <Anchor renderRoot={(props) => <Link {...props} to="/jobs/$id" params={{ id: jobId }} />} size="sm">
                {t('voip.viewJob')}
              </Anchor>
            </Group>
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t('voip.bulk.close')}
          </Button>
          <Button
            disabled={!runnable || jobId !== null}
            loading={check.isPending || run.isPending}
            onClick={() => run.mutate()}
            data-testid="voip-csv-run"
          >
            {t('voip.bulk.run')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** "Provision VoIP from CSV", for those who may provision VoIP lines. */
export function VoipCsvButton() {
  const { t } = useTranslation();
  const { can } = usePermissions();
  const [opened, setOpened] = useState(false);
  if (!can('voip.provision')) return null;
  return (
    <>
      <Button
        variant="light"
        leftSection={<IconFileSpreadsheet size={16} aria-hidden />}
        onClick={() => setOpened(true)}
        data-testid="voip-csv-open"
      >
        {t('voip.bulk.open')}
      </Button>
      <VoipCsvDialog opened={opened} onClose={() => setOpened(false)} />
    </>
  );
}
