import { Button, Card, Grid, Group, Loader, Menu, Stack, Text } from '@mantine/core';
import { IconEdit, IconMapPinPlus, IconPlus, IconTrash } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import type { LocationDto } from '@tutti/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HelpLink } from '../help/HelpLink.tsx';
import { isolate } from '../i18n/format.ts';
import { usePermissions } from '../session/permissions.ts';
import { ListHeader, RowActionsMenu } from '../shared/ListPage.tsx';
import { LoadError } from '../shell/LoadError.tsx';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { DeleteLocationDialog } from './DeleteLocationDialog.tsx';
import { LocationDialog, type LocationDialogTarget } from './LocationDialog.tsx';
import { LocationDevicesPanel, useAssignDevices } from './LocationDevicesPanel.tsx';
import { LocationTree } from './LocationTree.tsx';
import { locationsQueryOptions } from './locations.queries.ts';

/** The location tree editor: add, rename, move and delete buildings, floors and rooms. */
export function LocationsPage() {
  const { t } = useTranslation();
  usePageTitle(t('nav.locations'));
  const { can } = usePermissions();
  const canManage = can('locations.manage');
  const locations = useQuery(locationsQueryOptions);
  const [editing, setEditing] = useState<LocationDialogTarget | null>(null);
  const [deleting, setDeleting] = useState<LocationDto | null>(null);
  const items = locations.data?.items ?? [];
  const assigned = useAssignDevices(items);

  const actions = (location: LocationDto) => (
    <RowActionsMenu
      label={t('locations.actionsFor', { name: isolate(location.name) })}
      testId={`location-actions-${location.name}`}
    >
      <Menu.Item
        leftSection={<IconMapPinPlus size={16} aria-hidden />}
        onClick={() => setEditing({ mode: 'add', parentId: location.id })}
        data-testid={`location-add-child-${location.name}`}
      >
        {t('locations.addChild')}
      </Menu.Item>
      <Menu.Item
        leftSection={<IconEdit size={16} aria-hidden />}
        onClick={() => setEditing({ mode: 'edit', location })}
        data-testid={`location-edit-${location.name}`}
      >
        {t('locations.edit')}
      </Menu.Item>
      <Menu.Item
        color="red"
        leftSection={<IconTrash size={16} aria-hidden />}
        onClick={() => setDeleting(location)}
        data-testid={`location-delete-${location.name}`}
      >
        {t('locations.delete')}
      </Menu.Item>
    </RowActionsMenu>
  );

  return (
    <Stack gap="md">
      <ListHeader
        title={t('nav.locations')}
        count={locations.data ? t('locations.count', { count: items.length }) : null}
        fetching={locations.isFetching}
        action={
          <Group gap="xs">
            <HelpLink screen="locations" />
            {canManage ? (
              <Button
                leftSection={<IconPlus size={16} aria-hidden />}
                onClick={() => setEditing({ mode: 'add', parentId: null })}
                data-testid="location-add"
              >
                {t('locations.add')}
              </Button>
            ) : null}
          </Group>
        }
      />
      <Text size="sm" c="dimmed">
        {t('locations.intro')}
      </Text>
      {locations.data ? (
        <Grid gap="md" align="flex-start">
          <Grid.Col span={{ base: 12, md: canManage ? 7 : 12 }}>
            <Card withBorder radius="md" padding={0}>
              <LocationTree
                items={items}
                unassigned={locations.data.unassigned}
                actions={canManage ? actions : undefined}
                onDropDevices={canManage ? assigned.assign : undefined}
              />
            </Card>
          </Grid.Col>
          {canManage ? (
            <Grid.Col span={{ base: 12, md: 5 }}>
              <LocationDevicesPanel items={items} assigned={assigned} />
            </Grid.Col>
          ) : null}
        </Grid>
      ) : locations.isError ? (
        <LoadError title={t('locations.loadFailed')} error={locations.error} onRetry={() => void locations.refetch()} />
      ) : (
        <Loader mx="auto" my="xl" />
      )}
      {editing ? <LocationDialog target={editing} items={items} onClose={() => setEditing(null)} /> : null}
      {deleting ? <DeleteLocationDialog location={deleting} items={items} onClose={() => setDeleting(null)} /> : null}
    </Stack>
  );
}
