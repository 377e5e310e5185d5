import { Alert, Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { LocationDto } from '@tutti/protocol';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { devicesRootKey } from '../devices/devices.queries.ts';
import { isolate } from '../i18n/format.ts';
import { locationsQueryKey } from './locations.queries.ts';

/** Confirms a delete and says where the location's devices and sub-locations go: to its parent, or the top. */
export function DeleteLocationDialog({
  location,
  items,
  onClose,
}: {
  location: LocationDto;
  items: readonly LocationDto[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const parent = items.find((item) => item.id === location.parentId) ?? null;
  const children = items.filter((item) => item.parentId === location.id).length;
  const remove = useMutation({
    mutationFn: () => api.deleteLocation(location.id),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: locationsQueryKey });
      await queryClient.invalidateQueries({ queryKey: devicesRootKey });
      onClose();
    },
  });

  return (
    <Modal opened onClose={onClose} centered title={t('locations.deleteTitle', { name: isolate(location.name) })}>
      <Stack gap="md">
        {remove.isError ? (
          <Alert color="red" variant="light" role="alert">
            {t(errorKey(remove.error))}
          </Alert>
        ) : null}
        <Text size="sm">{t('locations.deleteIntro')}</Text>
        <List size="sm" spacing={4}>
          <List.Item data-testid="delete-devices-fallback">
            {parent
              ? t('locations.deleteDevicesToParent', { parent: isolate(parent.path) })
              : t('locations.deleteDevicesUnassigned')}
          </List.Item>
          {children > 0 ? (
            <List.Item>
              {parent
                ? t('locations.deleteChildrenToParent', { parent: isolate(parent.path) })
                : t('locations.deleteChildrenToTop')}
            </List.Item>
          ) : null}
        </List>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('action.cancel')}
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            onClick={() => remove.mutate()}
            data-testid="location-delete-confirm"
          >
            {t('locations.delete')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
