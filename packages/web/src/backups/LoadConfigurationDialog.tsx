import { Alert, Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { deviceModelCatalog, type DeviceDto } from '@tutti/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorKey } from '../api.ts';
import { configurationsQueryOptions } from './backups.queries.ts';

/**
 * Chooses a project file of the library to load onto the selected devices. Files of every model are offered; the
 * hub refuses each device of another model on its own, with the reason, and loads the others.
 */
export function LoadConfigurationDialog({
  devices,
  opened,
  onClose,
  onStart,
  pending,
  error,
}: {
  devices: DeviceDto[];
  opened: boolean;
  onClose: () => void;
  onStart: (configurationId: string) => void;
  pending: boolean;
  error: unknown;
}) {
  const { t } = useTranslation();
  const library = useQuery({ ...configurationsQueryOptions(), enabled: opened });
  const [configurationId, setConfigurationId] = useState<string | null>(null);
  const models = new Set(devices.map((device) => device.model));
  const items = library.data?.items ?? [];
  const chosen = items.find((item) => item.id === configurationId);
  const others = chosen ? devices.filter((device) => device.model !== chosen.model).length : 0;

  return (
    <Modal opened={opened} onClose={onClose} title={t('configurations.loadTitle')}>
      <Stack gap="sm">
        <Select
          label={t('configurations.libraryFile')}
          data={[...items]
            .sort((a, b) => Number(models.has(b.model)) - Number(models.has(a.model)))
            .map((item) => ({ value: item.id, label: `${item.name} — ${deviceModelCatalog[item.model].name}` }))}
          value={configurationId}
          onChange={setConfigurationId}
          searchable
          nothingFoundMessage={t('configurations.noRecords')}
          data-testid="configuration-select"
        />
        {others > 0 ? (
          <Alert color="orange" data-testid="configuration-other-models">
            {t('configurations.otherModels', { number: others })}
          </Alert>
        ) : null}
        <Text size="sm" c="dimmed">
          {t('configurations.loadHint')}
        </Text>
        {error ? (
          <Alert color="red" role="alert">
            {t(errorKey(error))}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('action.cancel')}
          </Button>
          <Button
            disabled={!configurationId}
            loading={pending}
            onClick={() => configurationId && onStart(configurationId)}
            data-testid="start-config-load"
          >
            {t('configurations.load')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
