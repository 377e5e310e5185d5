import { Alert, Button, FileInput, Group, Modal, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconDownload, IconPencil, IconTrash, IconUpload } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  deviceModelCatalog,
  deviceModels,
  takesConfigurationFile,
  type ConfigurationDto,
  type DeviceModel,
} from '@tutti/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { formatIsoDateTime } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { usePermissions } from '../session/permissions.ts';
import { base64Of, formatKilobytes, sha256Of } from '../shared/file-reading.ts';
import { configurationsQueryKey, configurationsQueryOptions } from './backups.queries.ts';
import { TableScroll } from '../shared/TableScroll.tsx';

export const configurableModels = deviceModels.filter(takesConfigurationFile);

function UploadDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [model, setModel] = useState<DeviceModel | null>(null);
  const [sha256, setSha256] = useState('');
  const chooseFile = (chosen: File | null) => {
    setFile(chosen);
    setSha256('');
    if (chosen) void sha256Of(chosen).then((digest) => digest && setSha256(digest));
  };
  const upload = useMutation({
    mutationFn: async () =>
      api.uploadConfiguration({
        fileName: file!.name,
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(model ? { model } : {}),
        sha256: sha256.trim(),
        contentBase64: await base64Of(file!),
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: configurationsQueryKey });
      setFile(null);
      setName('');
      setModel(null);
      setSha256('');
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('configurations.uploadTitle')}>
      <Stack gap="sm">
        <FileInput
          label={t('configurations.file')}
          description={t('configurations.fileHint')}
          value={file}
          onChange={chooseFile}
          accept=".pccp2x,.PCCP2X,.zip"
          required
          data-testid="configuration-file"
        />
        <TextInput
          label={t('configurations.columns.name')}
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
        />
        <Select
          label={t('configurations.columns.model')}
          description={t('configurations.modelHint')}
          data={configurableModels.map((value) => ({ value, label: deviceModelCatalog[value].name }))}
          value={model}
          onChange={setModel}
          clearable
          searchable
        />
        <TextInput
          label={t('configurations.columns.sha256')}
          description={t('configurations.sha256Hint')}
          value={sha256}
          onChange={(event) => setSha256(event.currentTarget.value)}
          required
          styles={{ input: { fontFamily: 'monospace' } }}
          data-testid="configuration-sha256"
        />
        {upload.error ? (
          <Alert color="red" role="alert" data-testid="configuration-upload-error">
            {t(errorKey(upload.error))}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('action.cancel')}
          </Button>
          <Button
            disabled={!file || !sha256.trim()}
            loading={upload.isPending}
            onClick={() => upload.mutate()}
            data-testid="upload-configuration-submit"
          >
            {t('configurations.upload')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Renames a library file, or deletes it after a confirmation (refused while a job still loads it). */
function ChangeDialog({
  change,
  onClose,
}: {
  change: { kind: 'rename' | 'delete'; file: ConfigurationDto } | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  useEffect(() => setName(change?.file.name ?? ''), [change]);
  const save = useMutation({
    mutationFn: async () => {
      if (!change) return;
      if (change.kind === 'rename') await api.renameConfiguration(change.file.id, { name: name.trim() });
      else await api.deleteConfiguration(change.file.id);
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: configurationsQueryKey });
      onClose();
    },
  });
  const close = () => {
    save.reset();
    onClose();
  };
  const renaming = change?.kind === 'rename';
  const title = change
    ? t(renaming ? 'configurations.renameTitle' : 'configurations.deleteTitle', { name: change.file.name })
    : '';
  return (
    <Modal opened={change !== null} onClose={close} title={title}>
      <Stack gap="sm">
        {renaming ? (
          <TextInput
            label={t('configurations.columns.name')}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            required
            data-testid="configuration-name"
          />
        ) : (
          <Text size="sm">{t('configurations.deleteConfirm')}</Text>
        )}
        {save.error ? (
          <Alert color="red" role="alert" data-testid="configuration-change-error">
            {t(errorKey(save.error))}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t('action.cancel')}
          </Button>
          <Button
            color={renaming ? undefined : 'red'}
            disabled={renaming && !name.trim()}
            loading={save.isPending}
            onClick={() => save.mutate()}
            data-testid="configuration-change-submit"
          >
            {renaming ? t('action.save') : t('configurations.delete')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The organization's project files, each checked and tagged with the model it is for. */
export function ConfigurationLibrary() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { can } = usePermissions();
  const [uploading, setUploading] = useState(false);
  const [change, setChange] = useState<{ kind: 'rename' | 'delete'; file: ConfigurationDto } | null>(null);
  const library = useQuery(configurationsQueryOptions());

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Text c="dimmed" size="sm" maw={640}>
          {t('configurations.subtitle')}
        </Text>
        {can('devices.control') ? (
          <Button
            leftSection={<IconUpload size={16} aria-hidden />}
            onClick={() => setUploading(true)}
            data-testid="upload-configuration"
          >
            {t('configurations.upload')}
          </Button>
        ) : null}
      </Group>
      {library.isError ? (
        <Alert color="red" role="alert">
          {t('configurations.loadFailed')}
        </Alert>
      ) : null}
      <TableScroll label={t('backups.tabLibrary')} minWidth={720}>
        <Table striped verticalSpacing="sm" data-testid="configurations-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('configurations.columns.name')}</Table.Th>
              <Table.Th>{t('configurations.columns.model')}</Table.Th>
              <Table.Th>{t('configurations.columns.size')}</Table.Th>
              <Table.Th>{t('configurations.columns.sha256')}</Table.Th>
              <Table.Th>{t('configurations.columns.uploaded')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {library.data?.items.map((item) => (
              <Table.Tr key={item.id}>
                <Table.Td>
                  <bdi>{item.name}</bdi>
                </Table.Td>
                <Table.Td>
                  <bdi>{deviceModelCatalog[item.model].name}</bdi>
                </Table.Td>
                <Table.Td>{formatKilobytes(language, item.sizeBytes)}</Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace" title={item.sha256}>
                    <bdi>{item.sha256.slice(0, 12)}…</bdi>
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
                <Table.Td>
                  <Button
                    size="compact-sm"
                    variant="subtle"
                    component="a"
                    href={api.configurationDownloadUrl(item.id)}
                    leftSection={<IconDownload size={14} aria-hidden />}
                  >
                    {t('backups.download')}
                  </Button>
                  {can('devices.control') ? (
                    <>
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        onClick={() => setChange({ kind: 'rename', file: item })}
                        leftSection={<IconPencil size={14} aria-hidden />}
                        data-testid={`rename-configuration-${item.id}`}
                      >
                        {t('configurations.rename')}
                      </Button>
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        color="red"
                        onClick={() => setChange({ kind: 'delete', file: item })}
                        leftSection={<IconTrash size={14} aria-hidden />}
                        data-testid={`delete-configuration-${item.id}`}
                      >
                        {t('configurations.delete')}
                      </Button>
                    </>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableScroll>
      {library.data && library.data.items.length === 0 ? <Text c="dimmed">{t('configurations.noRecords')}</Text> : null}
      <UploadDialog opened={uploading} onClose={() => setUploading(false)} />
      <ChangeDialog change={change} onClose={() => setChange(null)} />
    </Stack>
  );
}
