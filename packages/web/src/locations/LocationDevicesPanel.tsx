import { Alert, Button, Card, Checkbox, Group, Loader, Select, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconGripVertical, IconMapPin } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { LocationDto } from '@tutti/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { devicesQueryOptions, devicesRootKey } from '../devices/devices.queries.ts';
import { formatNumber, isolate } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { SearchBox } from '../shared/ListPage.tsx';
import { AssignLocationDialog } from './AssignLocationDialog.tsx';
import { draggedIds, writeDeviceDrag } from './device-drag.ts';
import { locationsQueryKey } from './locations.queries.ts';

const ALL = 'all';
const PANEL_SIZE = 50;

/** Puts devices into a location (null: out of any) and says so to screen readers once it is done. */
export function useAssignDevices(items: readonly LocationDto[]) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [done, setDone] = useState<string | null>(null);
  const assign = useMutation({
    mutationFn: (input: { locationId: string | null; deviceIds: string[] }) => api.assignLocation(input),
    onSuccess: async (result, input) => {
      const number = formatNumber(currentLanguage(), result.assigned);
      const place = items.find((item) => item.id === input.locationId);
      setDone(
        place
          ? t('locations.devicesMoved', { location: isolate(place.path), number })
          : t('locations.devicesMovedOut', { number }),
      );
      await queryClient.invalidateQueries({ queryKey: devicesRootKey });
      await queryClient.invalidateQueries({ queryKey: locationsQueryKey });
    },
  });
  return {
    assign: (locationId: string | null, deviceIds: string[]) => {
      setDone(null);
      assign.mutate({ locationId, deviceIds });
    },
    done,
    mutation: assign,
  };
}

/**
 * Devices to drag onto the location tree: those without a location at first, or those of any location. Checkboxes
 * and the Assign button do the same from the keyboard or on a touch screen.
 */
export function LocationDevicesPanel({
  items,
  assigned,
}: {
  items: readonly LocationDto[];
  assigned: ReturnType<typeof useAssignDevices>;
}) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const [shown, setShown] = useState<string>('none');
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [assigning, setAssigning] = useState(false);
  const queryClient = useQueryClient();
  const devices = useQuery(
    devicesQueryOptions(
      {
        q,
        severity: null,
        status: [],
        model: [],
        location: shown === ALL ? null : shown,
        updateAvailable: false,
        sort: 'name',
        page: 1,
        limit: PANEL_SIZE,
      },
      queryClient,
    ),
  );
  const list = devices.data;
  // Moved devices leave the selection, whichever way they were moved.
  useEffect(() => {
    if (assigned.done !== null) setSelected(new Set());
  }, [assigned.done]);
  const toggle = (id: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const showOptions = [
    { value: 'none', label: t('devices.noLocation') },
    { value: ALL, label: t('devices.allLocations') },
    ...items.map((item) => ({ value: item.id, label: item.path })),
  ];

  return (
    <Card withBorder radius="md" padding="md" data-testid="location-devices">
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <Title order={2} size="h4">
            {t('devices.title')}
          </Title>
          {list ? (
            <Text size="sm" c="dimmed">
              {t('devices.count', { count: list.total })}
            </Text>
          ) : null}
        </Group>
        <Text size="sm" c="dimmed">
          {t('locations.devicesIntro')}
        </Text>
        <Group gap="xs" align="flex-end" wrap="wrap">
          <Select
            label={t('locations.showDevices')}
            data={showOptions}
            value={shown}
            onChange={(value) => {
              setShown(value ?? 'none');
              setSelected(new Set());
            }}
            allowDeselect={false}
            searchable
            style={{ flex: '1 1 180px' }}
            data-testid="location-devices-filter"
          />
          <SearchBox
            label={t('devices.searchLabel')}
            value={search}
            onChange={setSearch}
            style={{ flex: '1 1 180px' }}
          />
        </Group>
        {assigned.mutation.isError ? (
          <Alert color="red" variant="light" role="alert">
            {t(errorKey(assigned.mutation.error))}
          </Alert>
        ) : null}
        <Text size="sm" role="status" data-testid="location-devices-done">
          {assigned.done ?? ''}
        </Text>
        {!list ? (
          <Loader mx="auto" my="md" size="sm" />
        ) : list.items.length === 0 ? (
          <Text size="sm" c="dimmed" ta="center" py="md">
            {t('devices.noRecords')}
          </Text>
        ) : (
          <Stack gap={4} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
            {list.items.map((device) => (
              <Group
                key={device.id}
                component="li"
                gap="xs"
                wrap="nowrap"
                draggable
                onDragStart={(event) => {
                  writeDeviceDrag(event.dataTransfer, draggedIds(device.id, selected));
                  event.dataTransfer.effectAllowed = 'move';
                }}
                p={6}
                style={{
                  cursor: 'grab',
                  borderRadius: 'var(--mantine-radius-sm)',
                  border: '1px solid var(--mantine-color-default-border)',
                }}
                data-testid={`drag-device-${device.serial}`}
              >
                <IconGripVertical size={16} aria-hidden style={{ flexShrink: 0, opacity: 0.5 }} />
                <Checkbox
                  checked={selected.has(device.id)}
                  onChange={(event) => toggle(device.id, event.currentTarget.checked)}
                  aria-label={t('devices.selectDevice', { name: isolate(device.name) })}
                />
                <Stack gap={0} miw={0} style={{ flex: 1 }}>
                  <Text size="sm" fw={500} truncate>
                    <bdi>{device.name}</bdi>
                  </Text>
                  <Text size="xs" c="dimmed" truncate>
                    <bdi>{device.location ?? t('devices.noLocation')}</bdi>
                  </Text>
                </Stack>
              </Group>
            ))}
          </Stack>
        )}
        <Group justify="flex-end">
          <Button
            leftSection={<IconMapPin size={16} aria-hidden />}
            disabled={selected.size === 0}
            onClick={() => setAssigning(true)}
            data-testid="location-devices-assign"
          >
            {t('devices.assignLocation', { number: formatNumber(language, selected.size) })}
          </Button>
        </Group>
      </Stack>
      {assigning ? (
        <AssignLocationDialog
          deviceIds={[...selected]}
          onClose={() => setAssigning(false)}
          onAssigned={() => {
            setAssigning(false);
            setSelected(new Set());
          }}
        />
      ) : null}
    </Card>
  );
}
