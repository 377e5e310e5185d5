import { Alert, Badge, Button, Card, Group, Loader, Menu, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconDots, IconPlus, IconWebhook } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { WebhookSecretResponse, WebhookSubscriptionDto } from '@tutti/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { formatIsoDateTime, isolate } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { RecordCards } from '../shell/RecordCards.tsx';
import { deliveryStatusColor, eventTypeLabelKey, stateColor, subscriptionState } from './webhook-labels.ts';
import { WebhookDeliveries } from './WebhookDeliveries.tsx';
import { WebhookDialog, webhooksKey, WebhookSecret } from './WebhookDialog.tsx';
import { TableScroll } from '../shared/TableScroll.tsx';

type Confirming = { kind: 'delete' | 'rotate'; subscription: WebhookSubscriptionDto };

function StateBadge({ subscription }: { subscription: WebhookSubscriptionDto }) {
  const { t } = useTranslation();
  const state = subscriptionState(subscription);
  return (
    <Badge
      color={stateColor[state]}
      variant="light"
      style={{ textTransform: 'none' }}
      data-testid={`webhook-state-${state}`}
    >
      {t(`webhooks.states.${state}`)}
    </Badge>
  );
}

function LastDelivery({ subscription }: { subscription: WebhookSubscriptionDto }) {
  const { t } = useTranslation();
  const last = subscription.lastDelivery;
  if (!last) return <Text size="sm">{t('webhooks.noneYet')}</Text>;
  return (
    <Stack gap={2}>
      <Group gap={6} wrap="nowrap">
        <Badge color={deliveryStatusColor[last.status]} variant="light" style={{ textTransform: 'none' }}>
          {t(`webhooks.deliveryStatus.${last.status}`)}
        </Badge>
        {last.statusCode !== null ? <Text size="xs">{isolate(String(last.statusCode))}</Text> : null}
      </Group>
      <Text size="xs" c="dimmed">
        {formatIsoDateTime(currentLanguage(), last.createdAt)}
      </Text>
    </Stack>
  );
}

/** Webhook subscriptions of the current organization: add, edit, test, turn on and off, new secret, delete, log. */
export function WebhooksCard() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const isPhone = useMediaQuery('(max-width: 48em)');
  const webhooks = useQuery({
    queryKey: webhooksKey,
    queryFn: () => api.listWebhooks(),
    // While a delivery is pending its outcome arrives within seconds.
    refetchInterval: (query) =>
      query.state.data?.items.some((item) => item.lastDelivery?.status === 'pending') ? 3000 : false,
  });
  const [dialog, setDialog] = useState<{ editing: WebhookSubscriptionDto | null } | null>(null);
  const [logOf, setLogOf] = useState<WebhookSubscriptionDto | null>(null);
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const [rotated, setRotated] = useState<WebhookSecretResponse | null>(null);
  const [testQueued, setTestQueued] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: webhooksKey });
  const action = useMutation({
    mutationFn: async ({ kind, id }: { kind: 'enable' | 'disable' | 'test' | 'delete' | 'rotate'; id: string }) => {
      switch (kind) {
        case 'enable':
        case 'disable':
          await api.updateWebhook(id, { enabled: kind === 'enable' });
          return null;
        case 'test':
          await api.sendTestWebhook(id);
          return null;
        case 'delete':
          await api.deleteWebhook(id);
          return null;
        case 'rotate':
          return api.rotateWebhookSecret(id);
      }
    },
    onMutate: () => setTestQueued(false),
    onSuccess: async (answer, { kind }) => {
      setConfirming(null);
      if (answer) setRotated(answer);
      if (kind === 'test') setTestQueued(true);
      await refresh();
    },
  });
  const run = (kind: 'enable' | 'disable' | 'test', subscription: WebhookSubscriptionDto) =>
    action.mutate({ kind, id: subscription.id });

  const actions = (subscription: WebhookSubscriptionDto) => (
    <Group gap="xs" wrap="nowrap" justify="flex-end">
      <Button size="xs" variant="default" onClick={() => setLogOf(subscription)} data-testid="webhook-log">
        {t('webhooks.deliveries')}
      </Button>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button size="xs" variant="subtle" aria-label={t('webhooks.more')} data-testid="webhook-menu">
            <IconDots size={16} aria-hidden />
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item
            disabled={!subscription.enabled}
            onClick={() => run('test', subscription)}
            data-testid="webhook-test"
          >
            {t('webhooks.sendTest')}
          </Menu.Item>
          <Menu.Item onClick={() => setDialog({ editing: subscription })} data-testid="webhook-edit">
            {t('webhooks.edit')}
          </Menu.Item>
          {subscription.enabled ? (
            <Menu.Item onClick={() => run('disable', subscription)} data-testid="webhook-disable">
              {t('webhooks.turnOff')}
            </Menu.Item>
          ) : (
            <Menu.Item onClick={() => run('enable', subscription)} data-testid="webhook-enable">
              {t('webhooks.turnOn')}
            </Menu.Item>
          )}
          <Menu.Item onClick={() => setConfirming({ kind: 'rotate', subscription })} data-testid="webhook-rotate">
            {t('webhooks.rotate')}
          </Menu.Item>
          <Menu.Item
            color="red"
            onClick={() => setConfirming({ kind: 'delete', subscription })}
            data-testid="webhook-delete"
          >
            {t('webhooks.delete')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
  const eventTypes = (subscription: WebhookSubscriptionDto) =>
    subscription.eventTypes.map((type) => t(eventTypeLabelKey[type])).join(', ');
  const urlOf = (subscription: WebhookSubscriptionDto) => (
    <Stack gap={0} miw={0}>
      <Text size="sm" dir="ltr" ta="start" style={{ overflowWrap: 'anywhere' }}>
        {subscription.url}
      </Text>
      {subscription.description ? (
        <Text size="xs" c="dimmed">
          <bdi>{subscription.description}</bdi>
        </Text>
      ) : null}
    </Stack>
  );
  const items = webhooks.data?.items ?? [];

  return (
    <Card withBorder radius="md" padding="lg" data-testid="webhooks-card">
      <Group justify="space-between" mb="xs" gap="sm">
        <Group gap="xs">
          <IconWebhook size={20} aria-hidden />
          <Title order={2} size="h4">
            {t('webhooks.title')}
          </Title>
        </Group>
        <Button
          leftSection={<IconPlus size={16} aria-hidden />}
          onClick={() => setDialog({ editing: null })}
          data-testid="webhook-add"
        >
          {t('webhooks.add')}
        </Button>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        {t('webhooks.intro')}
      </Text>
      {action.isError ? (
        <Alert color="red" variant="light" role="alert" mb="md">
          {t(errorKey(action.error))}
        </Alert>
      ) : null}
      {testQueued ? (
        <Alert color="blue" variant="light" role="status" mb="md" data-testid="webhook-test-queued">
          {t('webhooks.testQueued')}
        </Alert>
      ) : null}
      {webhooks.isError ? (
        <LoadError title={t('webhooks.loadFailed')} error={webhooks.error} onRetry={() => void webhooks.refetch()} />
      ) : !webhooks.data ? (
        <Loader size="sm" />
      ) : isPhone ? (
        <RecordCards
          records={items}
          recordKey={(subscription) => subscription.id}
          header={(subscription) => (
            <Group justify="space-between" wrap="nowrap" align="flex-start">
              {urlOf(subscription)}
              <StateBadge subscription={subscription} />
            </Group>
          )}
          fields={[
            { key: 'events', label: t('webhooks.eventTypes'), render: eventTypes },
            {
              key: 'last',
              label: t('webhooks.lastDelivery'),
              render: (subscription) => <LastDelivery subscription={subscription} />,
            },
          ]}
          actions={actions}
          testId={(subscription) => `webhook-row-${subscription.url}`}
          emptyText={t('webhooks.none')}
        />
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('webhooks.none')}
        </Text>
      ) : (
        <TableScroll label={t('webhooks.title')} minWidth={720}>
          <Table verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('webhooks.url')}</Table.Th>
                <Table.Th>{t('webhooks.eventTypes')}</Table.Th>
                <Table.Th>{t('webhooks.state')}</Table.Th>
                <Table.Th>{t('webhooks.lastDelivery')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((subscription) => (
                <Table.Tr key={subscription.id} data-testid={`webhook-row-${subscription.url}`}>
                  <Table.Td maw={320}>{urlOf(subscription)}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{eventTypes(subscription)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <StateBadge subscription={subscription} />
                  </Table.Td>
                  <Table.Td>
                    <LastDelivery subscription={subscription} />
                  </Table.Td>
                  <Table.Td>{actions(subscription)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
      {dialog ? (
        <WebhookDialog
          key={dialog.editing?.id ?? 'new'}
          editing={dialog.editing}
          opened
          onClose={() => setDialog(null)}
        />
      ) : null}
      <WebhookDeliveries subscription={logOf} onClose={() => setLogOf(null)} />
      <Modal
        opened={confirming !== null}
        onClose={() => setConfirming(null)}
        title={confirming?.kind === 'delete' ? t('webhooks.delete') : t('webhooks.rotate')}
        centered
      >
        <Stack gap="md">
          <Text size="sm">
            {t(confirming?.kind === 'delete' ? 'webhooks.deleteConfirm' : 'webhooks.rotateConfirm', {
              url: isolate(confirming?.subscription.url ?? ''),
            })}
          </Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setConfirming(null)}>
              {t('action.cancel')}
            </Button>
            <Button
              color={confirming?.kind === 'delete' ? 'red' : undefined}
              loading={action.isPending}
              onClick={() => confirming && action.mutate({ kind: confirming.kind, id: confirming.subscription.id })}
              data-testid="webhook-confirm"
            >
              {confirming?.kind === 'delete' ? t('webhooks.delete') : t('webhooks.rotate')}
            </Button>
          </Group>
        </Stack>
      </Modal>
      <Modal opened={rotated !== null} onClose={() => setRotated(null)} title={t('webhooks.rotate')} centered size="lg">
        {rotated ? <WebhookSecret secret={rotated.secret} onDone={() => setRotated(null)} /> : null}
      </Modal>
    </Card>
  );
}
