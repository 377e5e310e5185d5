import { Alert, Button, Checkbox, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  webhookEventTypes,
  webhookUrlProblem,
  type WebhookEventType,
  type WebhookSecretResponse,
  type WebhookSubscriptionDto,
} from '@tutti/protocol';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { SecretShownOnce } from '../shell/SecretShownOnce.tsx';
import { eventTypeLabelKey } from './webhook-labels.ts';

export const webhooksKey = ['webhooks'] as const;

/** The signing secret right after it was made or replaced: shown this once. */
export function WebhookSecret({ secret, onDone }: { secret: string; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <SecretShownOnce
      secret={secret}
      warning={t('webhooks.secretShownOnce')}
      onDone={onDone}
      testIds={{ secret: 'webhook-secret', done: 'webhook-secret-done' }}
    />
  );
}

interface WebhookDialogProps {
  /** The subscription to edit; null to add one. */
  editing: WebhookSubscriptionDto | null;
  opened: boolean;
  onClose: () => void;
}

/** Adds a subscription (then shows its secret once) or edits one's URL, event types and description. */
export function WebhookDialog({ editing, opened, onClose }: WebhookDialogProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [url, setUrl] = useState(editing?.url ?? '');
  const [description, setDescription] = useState(editing?.description ?? '');
  const [eventTypes, setEventTypes] = useState<WebhookEventType[]>(editing?.eventTypes ?? ['device.status']);
  const [submitted, setSubmitted] = useState(false);
  const [created, setCreated] = useState<WebhookSecretResponse | null>(null);
  const save = useMutation({
    mutationFn: async () => {
      const body = { url: url.trim(), eventTypes, description: description.trim() };
      if (editing) {
        await api.updateWebhook(editing.id, body);
        return null;
      }
      return api.createWebhook(body);
    },
    onSuccess: async (answer) => {
      await queryClient.invalidateQueries({ queryKey: webhooksKey });
      if (answer) setCreated(answer);
      else onClose();
    },
  });

  const urlInvalid = webhookUrlProblem(url.trim()) !== null;
  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setSubmitted(true);
    if (urlInvalid || eventTypes.length === 0) return;
    save.mutate();
  }

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={editing ? t('webhooks.edit') : t('webhooks.add')}
      centered
      size="lg"
    >
      {created ? (
        <WebhookSecret secret={created.secret} onDone={onClose} />
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            {save.isError ? (
              <Alert color="red" variant="light" role="alert">
                {t(errorKey(save.error))}
              </Alert>
            ) : null}
            <TextInput
              label={t('webhooks.url')}
              description={t('webhooks.urlHint')}
              value={url}
              onChange={(event) => setUrl(event.currentTarget.value)}
              error={submitted && urlInvalid ? t('webhooks.urlInvalid') : undefined}
              dir="ltr"
              type="url"
              maxLength={2048}
              required
              data-autofocus
              data-testid="webhook-url"
            />
            <TextInput
              label={t('webhooks.description')}
              value={description}
              onChange={(event) => setDescription(event.currentTarget.value)}
              maxLength={200}
              data-testid="webhook-description"
            />
            <Checkbox.Group
              label={t('webhooks.eventTypes')}
              value={eventTypes}
              onChange={(values) => setEventTypes(values)}
              error={submitted && eventTypes.length === 0 ? t('webhooks.eventTypesRequired') : undefined}
              required
            >
              <Stack gap="xs" mt="xs">
                {webhookEventTypes.map((type) => (
                  <Checkbox
                    key={type}
                    value={type}
                    label={t(eventTypeLabelKey[type])}
                    data-testid={`webhook-event-${type}`}
                  />
                ))}
              </Stack>
            </Checkbox.Group>
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={onClose}>
                {t('action.cancel')}
              </Button>
              <Button type="submit" loading={save.isPending} data-testid="webhook-save">
                {editing ? t('action.save') : t('webhooks.add')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
