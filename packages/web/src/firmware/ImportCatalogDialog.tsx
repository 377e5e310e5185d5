import { Alert, Badge, Button, FileInput, Group, List, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FirmwareCatalogImport } from '@tutti/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { formatNumber } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { base64Of, sha256Of } from '../shared/file-reading.ts';
import { firmwareQueryKey } from './firmware.queries.ts';

function ImportReport({ report }: { report: FirmwareCatalogImport }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  return (
    <Stack gap="xs" data-testid="catalog-import-report">
      <Group gap="xs">
        <Badge color="teal" variant="light" style={{ textTransform: 'none' }}>
          {t('firmware.import.added', { number: formatNumber(language, report.added.length) })}
        </Badge>
        <Badge color={report.refused.length > 0 ? 'red' : 'gray'} variant="light" style={{ textTransform: 'none' }}>
          {t('firmware.import.refused', { number: formatNumber(language, report.refused.length) })}
        </Badge>
      </Group>
      {report.added.length > 0 ? (
        <List size="sm">
          {report.added.map((item) => (
            <List.Item key={item.id}>
              <bdi>{item.fileName}</bdi> · <bdi>{item.version}</bdi>
            </List.Item>
          ))}
        </List>
      ) : null}
      {report.refused.length > 0 ? (
        <List size="sm" data-testid="catalog-import-refused">
          {report.refused.map((item) => (
            <List.Item key={item.file}>
              <Text size="sm" span fw={500}>
                <bdi>{item.file}</bdi>
              </Text>
              {': '}
              {t(`error.${item.code}`)}
            </List.Item>
          ))}
        </List>
      ) : null}
    </Stack>
  );
}

/**
 * Imports a catalog file (a ZIP with catalog.json and the packages). Every package is checked like a single upload;
 * the report says what was added and what was refused and why.
 */
export function ImportCatalogDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [sha256, setSha256] = useState('');
  const chooseFile = (chosen: File | null) => {
    setFile(chosen);
    setSha256('');
    importCatalog.reset();
    if (chosen) void sha256Of(chosen).then((digest) => digest && setSha256(digest));
  };
  const importCatalog = useMutation({
    mutationFn: async () =>
      api.importFirmwareCatalog({ fileName: file!.name, sha256: sha256.trim(), contentBase64: await base64Of(file!) }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: firmwareQueryKey }),
  });
  const close = () => {
    chooseFile(null);
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={t('firmware.import.title')} size="lg">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('firmware.import.hint')}
        </Text>
        <FileInput
          label={t('firmware.import.file')}
          value={file}
          onChange={chooseFile}
          accept=".zip"
          required
          data-testid="catalog-file"
        />
        <TextInput
          label={t('firmware.columns.sha256')}
          description={t('firmware.import.sha256Hint')}
          value={sha256}
          onChange={(event) => setSha256(event.currentTarget.value)}
          required
          styles={{ input: { fontFamily: 'monospace' } }}
        />
        {importCatalog.error ? (
          <Alert color="red" role="alert">
            {t(errorKey(importCatalog.error))}
          </Alert>
        ) : null}
        {importCatalog.data ? <ImportReport report={importCatalog.data} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {importCatalog.data ? t('firmware.import.close') : t('action.cancel')}
          </Button>
          <Button
            disabled={!file || !sha256.trim() || importCatalog.isSuccess}
            loading={importCatalog.isPending}
            onClick={() => importCatalog.mutate()}
            data-testid="import-catalog-submit"
          >
            {t('firmware.import.submit')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
