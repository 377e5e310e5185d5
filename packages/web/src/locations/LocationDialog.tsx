import { Alert, Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { locationKinds, type LocationDto, type LocationKind } from '@tutti/protocol';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { isolate } from '../i18n/format.ts';
import { locationsQueryKey, subtreeIds } from './locations.queries.ts';

const TOP_LEVEL = '';

export type LocationDialogTarget = { mode: 'add'; parentId: string | null } | { mode: 'edit'; location: LocationDto };

/** Add a location, or rename, re-kind and move one (a node never moves into its own subtree). */
export function LocationDialog({
  target,
  items,
  onClose,
}: {
  target: LocationDialogTarget;
  items: readonly LocationDto[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const editing = target.mode === 'edit' ? target.location : null;
  const [name, setName] = useState(editing?.name ?? '');
  const [kind, setKind] = useState<LocationKind>(editing?.kind ?? 'room');
  const [parentId, setParentId] = useState(
    (target.mode === 'edit' ? target.location.parentId : target.parentId) ?? TOP_LEVEL,
  );
  const excluded = editing ? subtreeIds(items, editing.id) : new Set<string>();
  const parentOptions = [
    { value: TOP_LEVEL, label: t('locations.topLevel') },
    ...items.filter((item) => !excluded.has(item.id)).map((item) => ({ value: item.id, label: item.path })),
  ];

  const save = useMutation({
    mutationFn: () => {
      const body = { name: name.trim(), kind, parentId: parentId === TOP_LEVEL ? null : parentId };
      return editing ? api.updateLocation(editing.id, body) : api.createLocation(body);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: locationsQueryKey });
      onClose();
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (name.trim() !== '') save.mutate();
  }

  return (
    <Modal
      opened
      onClose={onClose}
      centered
      title={editing ? t('locations.editTitle', { name: isolate(editing.name) }) : t('locations.addTitle')}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {save.isError ? (
            <Alert color="red" variant="light" role="alert" data-testid="location-dialog-error">
              {t(errorKey(save.error))}
            </Alert>
          ) : null}
          <TextInput
            label={t('locations.name')}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            required
            maxLength={120}
            data-autofocus
            data-testid="location-name"
          />
          <Select
            label={t('locations.kindLabel')}
            data={locationKinds.map((value) => ({ value, label: t(`locations.kind.${value}`) }))}
            value={kind}
            onChange={(value) => setKind(locationKinds.find((known) => known === value) ?? 'other')}
            allowDeselect={false}
            data-testid="location-kind"
          />
          <Select
            label={t('locations.parent')}
            data={parentOptions}
            value={parentId}
            onChange={(value) => setParentId(value ?? TOP_LEVEL)}
            allowDeselect={false}
            searchable
            data-testid="location-parent"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('action.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending} disabled={name.trim() === ''} data-testid="location-save">
              {t('action.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
