import { Alert, Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { devicesRootKey } from '../devices/devices.queries.ts';
import { formatNumber } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { locationsQueryKey, locationsQueryOptions } from './locations.queries.ts';

const NO_LOCATION = 'none';

/** Puts the selected devices into one location, or takes them out of any. */
export function AssignLocationDialog({
  deviceIds,
  onClose,
  onAssigned,
}: {
  deviceIds: string[];
  onClose: () => void;
  onAssigned: () => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const locations = useQuery(locationsQueryOptions);
  const [target, setTarget] = useState<string | null>(null);
  const assign = useMutation({
    mutationFn: () => api.assignLocation({ locationId: target === NO_LOCATION ? null : target, deviceIds }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: devicesRootKey });
      await queryClient.invalidateQueries({ queryKey: locationsQueryKey });
      onAssigned();
    },
  });
  const options = [
    { value: NO_LOCATION, label: t('devices.noLocation') },
    ...(locations.data?.items ?? []).map((item) => ({ value: item.id, label: item.path })),
  ];

  return (
    <Modal
      opened
      onClose={onClose}
      centered
      title={t('locations.assignTitle', { number: formatNumber(currentLanguage(), deviceIds.length) })}
    >
      <Stack gap="md">
        {assign.isError ? (
          <Alert color="red" variant="light" role="alert">
            {t(errorKey(assign.error))}
          </Alert>
        ) : null}
        {locations.data && locations.data.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('locations.noneYet')}
          </Text>
        ) : null}
        <Select
          label={t('locations.assignTo')}
          data={options}
          value={target}
          onChange={setTarget}
          searchable
          data-autofocus
          data-testid="assign-location-select"
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('action.cancel')}
          </Button>
          <Button
            disabled={target === null}
            loading={assign.isPending}
            onClick={() => assign.mutate()}
            data-testid="assign-location-confirm"
          >
            {t('locations.assign')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
