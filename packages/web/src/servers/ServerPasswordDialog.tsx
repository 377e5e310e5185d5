import { Alert, Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ServerDto } from '@tutti/protocol';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { isolate } from '../i18n/format.ts';
import { PasswordFields, passwordPairValid } from '../shell/PasswordFields.tsx';
import { serversQueryKey } from './servers.queries.ts';

/** "Add server" (no server given) or "Change password" of an existing server account. */
export function ServerPasswordDialog({
  server,
  opened,
  onClose,
}: {
  server: ServerDto | null;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const adding = server === null;

  const save = useMutation({
    mutationFn: async () => {
      if (server) await api.setServerPassword(server.id, { password, confirmPassword: confirm });
      else await api.createServer({ name: name.trim(), password, confirmPassword: confirm });
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: serversQueryKey });
      close();
    },
  });

  function close(): void {
    setName('');
    setPassword('');
    setConfirm('');
    setSubmitted(false);
    save.reset();
    onClose();
  }

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setSubmitted(true);
    if ((adding && !name.trim()) || !passwordPairValid(password, confirm)) return;
    save.mutate();
  }

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={server ? t('servers.changePasswordOf', { name: isolate(server.name) }) : t('action.addServer')}
      centered
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {save.isError ? (
            <Alert color="red" variant="light" role="alert" data-testid="server-dialog-error">
              {t(errorKey(save.error))}
            </Alert>
          ) : null}
          {adding ? (
            <TextInput
              label={t('servers.name')}
              description={t('servers.nameHint')}
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              error={submitted && !name.trim() ? t('servers.nameRequired') : undefined}
              required
              maxLength={64}
              data-autofocus
              data-testid="server-name"
            />
          ) : null}
          <PasswordFields
            password={password}
            confirm={confirm}
            onPasswordChange={setPassword}
            onConfirmChange={setConfirm}
            showErrors={submitted}
            passwordLabel={adding ? t('servers.password') : t('password.new')}
            testIdPrefix="server"
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              {t('action.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending} data-testid="server-dialog-submit">
              {adding ? t('action.add') : t('action.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
