import { ActionIcon, Badge, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconExternalLink, IconTrash } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  knownHubSchema,
  loadHubs,
  saveHubs,
  switchAddress,
  withHub,
  withoutHub,
  type KnownHub,
} from './hub-directory.ts';

/** This hub, named by its address: its own name is whatever the other hubs' lists call it. */
function currentHub(): KnownHub {
  return { name: window.location.host, url: window.location.origin };
}

/**
 * The hubs this person works with: open another one (its own sign-in applies there), add or remove one. The
 * current hub is shown first and cannot be removed.
 */
export function HubsDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [hubs, setHubs] = useState<KnownHub[]>(() => loadHubs());
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [error, setError] = useState<{ name?: string; url?: string }>({});
  const current = currentHub();
  const others = hubs.filter((hub) => hub.url !== current.url);

  function update(next: KnownHub[]): void {
    saveHubs(next);
    setHubs(next);
  }

  function add(event: FormEvent): void {
    event.preventDefault();
    const parsed = knownHubSchema.safeParse({ name, url });
    if (!parsed.success) {
      const fields = new Set(parsed.error.issues.map((issue) => String(issue.path[0])));
      setError({
        ...(fields.has('name') ? { name: t('hubs.nameRequired') } : {}),
        ...(fields.has('url') ? { url: t('hubs.invalidUrl') } : {}),
      });
      return;
    }
    if (parsed.data.url === current.url) {
      setError({ url: t('hubs.isCurrent') });
      return;
    }
    update(withHub(hubs, parsed.data));
    setName('');
    setUrl('');
    setError({});
  }

  return (
    <Modal opened={opened} onClose={onClose} title={t('hubs.title')} size="lg">
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          {t('hubs.description')}
        </Text>
        <Stack gap="xs" data-testid="hub-list">
          <Group justify="space-between" wrap="nowrap">
            <Stack gap={0} miw={0}>
              <Text fw={600} truncate>
                <bdi>{current.name}</bdi>
              </Text>
              <Text size="xs" c="dimmed" dir="ltr" truncate>
                {current.url}
              </Text>
            </Stack>
            <Badge variant="light">{t('hubs.current')}</Badge>
          </Group>
          {others.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('hubs.empty')}
            </Text>
          ) : (
            others.map((hub) => (
              <Group key={hub.url} justify="space-between" wrap="nowrap" data-testid="hub-entry">
                <Stack gap={0} miw={0}>
                  <Text fw={600} truncate>
                    <bdi>{hub.name}</bdi>
                  </Text>
                  <Text size="xs" c="dimmed" dir="ltr" truncate>
                    {hub.url}
                  </Text>
                </Stack>
                <Group gap="xs" wrap="nowrap">
                  <Button
                    component="a"
                    href={switchAddress(hub, hubs, current)}
                    size="xs"
                    variant="light"
                    leftSection={<IconExternalLink size={14} aria-hidden />}
                  >
                    {t('hubs.open')}
                  </Button>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    onClick={() => update(withoutHub(hubs, hub.url))}
                    aria-label={t('hubs.remove', { name: hub.name })}
                  >
                    <IconTrash size={16} aria-hidden />
                  </ActionIcon>
                </Group>
              </Group>
            ))
          )}
        </Stack>
        <form onSubmit={add} noValidate>
          <Stack gap="xs">
            <Group grow align="flex-start">
              <TextInput
                label={t('hubs.name')}
                value={name}
                onChange={(event) => setName(event.currentTarget.value)}
                error={error.name}
                maxLength={64}
              />
              <TextInput
                label={t('hubs.url')}
                value={url}
                onChange={(event) => setUrl(event.currentTarget.value)}
                error={error.url}
                placeholder="https://hub.example.com"
                dir="ltr"
                maxLength={300}
              />
            </Group>
            <Group justify="flex-end">
              <Button type="submit" variant="default">
                {t('hubs.add')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    </Modal>
  );
}
