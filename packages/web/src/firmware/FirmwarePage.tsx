import {
  Alert,
  Button,
  FileInput,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { IconPackageImport, IconUpload } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { deviceFamilies, type DeviceFamily } from '@tutti/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { formatIsoDateTime } from '../i18n/format.ts';
import { currentLanguage, intlLocale } from '../i18n/i18n.ts';
import { useFamilyName } from '../jobs/job-labels.tsx';
import { usePermissions } from '../session/permissions.ts';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { firmwareQueryKey, firmwareQueryOptions } from './firmware.queries.ts';
import { ImportCatalogDialog } from './ImportCatalogDialog.tsx';
import { TableScroll } from '../shared/TableScroll.tsx';

/** The file as base64, read in the browser: the hub checks it against the SHA-256 the user copied from the vendor. */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let index = 0; index < bytes.length; index += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  }
  return btoa(binary);
}

function UploadDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const familyName = useFamilyName();
  const queryClient = useQueryClient();
  const [family, setFamily] = useState<DeviceFamily | null>(null);
  const [version, setVersion] = useState('');
  const [sha256, setSha256] = useState('');
  const [releaseNotes, setReleaseNotes] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const upload = useMutation({
    mutationFn: async () =>
      api.uploadFirmware({
        modelFamily: family!,
        version: version.trim(),
        sha256: sha256.trim(),
        releaseNotes,
        fileName: file!.name,
        contentBase64: await base64Of(file!),
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: firmwareQueryKey });
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('firmware.uploadTitle')}>
      <Stack gap="sm">
        <Select
          label={t('firmware.columns.family')}
          data={deviceFamilies.map((value) => ({ value, label: familyName(value) }))}
          value={family}
          onChange={(value) => setFamily(value)}
          required
        />
        <TextInput
          label={t('firmware.columns.version')}
          value={version}
          onChange={(event) => setVersion(event.currentTarget.value)}
          required
        />
        <FileInput label={t('firmware.file')} value={file} onChange={setFile} required data-testid="firmware-file" />
        <TextInput
          label={t('firmware.columns.sha256')}
          description={t('firmware.sha256Hint')}
          value={sha256}
          onChange={(event) => setSha256(event.currentTarget.value)}
          required
          styles={{ input: { fontFamily: 'monospace' } }}
        />
        <Textarea
          label={t('firmware.columns.releaseNotes')}
          value={releaseNotes}
          onChange={(event) => setReleaseNotes(event.currentTarget.value)}
          autosize
          minRows={3}
        />
        {upload.error ? (
          <Alert color="red" role="alert">
            {t(errorKey(upload.error))}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('action.cancel')}
          </Button>
          <Button
            disabled={!family || !version.trim() || !sha256.trim() || !file}
            loading={upload.isPending}
            onClick={() => upload.mutate()}
            data-testid="upload-firmware-submit"
          >
            {t('firmware.upload')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The organization's firmware catalog; administrators upload packages, checked before they are kept. */
export function FirmwarePage() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { can } = usePermissions();
  const familyName = useFamilyName();
  const [uploading, setUploading] = useState(false);
  const [importing, setImporting] = useState(false);
  usePageTitle(t('nav.firmware'));
  const catalog = useQuery(firmwareQueryOptions());

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>{t('nav.firmware')}</Title>
        {can('firmware.manage') ? (
          <Group gap="xs">
            <Button
              variant="light"
              leftSection={<IconPackageImport size={16} aria-hidden />}
              onClick={() => setImporting(true)}
              data-testid="import-catalog"
            >
              {t('firmware.import.action')}
            </Button>
            <Button
              leftSection={<IconUpload size={16} aria-hidden />}
              onClick={() => setUploading(true)}
              data-testid="upload-firmware"
            >
              {t('firmware.upload')}
            </Button>
          </Group>
        ) : null}
      </Group>
      <Text c="dimmed" size="sm">
        {t('firmware.subtitle')}
      </Text>
      {catalog.isError ? (
        <Alert color="red" role="alert">
          {t('firmware.loadFailed')}
        </Alert>
      ) : null}
      <TableScroll label={t('nav.firmware')} minWidth={760}>
        <Table striped verticalSpacing="sm" data-testid="firmware-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('firmware.columns.family')}</Table.Th>
              <Table.Th>{t('firmware.columns.version')}</Table.Th>
              <Table.Th>{t('firmware.columns.releaseNotes')}</Table.Th>
              <Table.Th>{t('firmware.columns.size')}</Table.Th>
              <Table.Th>{t('firmware.columns.sha256')}</Table.Th>
              <Table.Th>{t('firmware.columns.uploaded')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {catalog.data?.items.map((item) => (
              <Table.Tr key={item.id}>
                <Table.Td>{familyName(item.modelFamily)}</Table.Td>
                <Table.Td>
                  <bdi>{item.version}</bdi>
                </Table.Td>
                <Table.Td maw={320}>
                  <Text size="sm" lineClamp={3}>
                    {item.releaseNotes}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {new Intl.NumberFormat(intlLocale(language), {
                    style: 'unit',
                    unit: 'kilobyte',
                    unitDisplay: 'short',
                  }).format(Math.ceil(item.sizeBytes / 1024))}
                </Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace" title={item.sha256}>
                    <bdi>{item.sha256.slice(0, 16)}…</bdi>
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    <bdi>{item.uploadedBy}</bdi>
                  </Text>
                  <Text size="xs" c="dimmed">
                    {formatIsoDateTime(language, item.createdAt)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableScroll>
      {catalog.data && catalog.data.items.length === 0 ? <Text c="dimmed">{t('firmware.noRecords')}</Text> : null}
      <UploadDialog opened={uploading} onClose={() => setUploading(false)} />
      <ImportCatalogDialog opened={importing} onClose={() => setImporting(false)} />
    </Stack>
  );
}
