import { Alert, Button, Group, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { devicePasswordSchema, deviceUsernameSchema } from '@tutti/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorKey } from '../api.ts';

/**
 * Asks for the new device login of a change_credentials job. The password goes to the hub once, with the request
 * that starts the job, and is never shown again.
 */
export function CredentialsDialog({
  opened,
  onClose,
  onStart,
  pending,
  error,
}: {
  opened: boolean;
  onClose: () => void;
  onStart: (username: string, password: string) => void;
  pending: boolean;
  error: unknown;
}) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('clearone');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const usernameValid = deviceUsernameSchema.safeParse(username).success;
  const passwordValid = devicePasswordSchema.safeParse(password).success;
  const same = password === repeat;
  const close = () => {
    setPassword('');
    setRepeat('');
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title={t('jobs.start.credentialsTitle')}>
      <Stack gap="sm">
        <Text size="sm">{t('jobs.start.credentialsNote')}</Text>
        <TextInput
          label={t('jobs.start.username')}
          value={username}
          onChange={(event) => setUsername(event.currentTarget.value)}
          error={username && !usernameValid ? t('jobs.start.usernameRule') : undefined}
          autoComplete="off"
          data-testid="credentials-username"
        />
        <PasswordInput
          label={t('jobs.start.newPassword')}
          description={t('jobs.start.passwordRule')}
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
          error={password && !passwordValid ? t('jobs.start.passwordRule') : undefined}
          autoComplete="new-password"
          data-testid="credentials-password"
        />
        <PasswordInput
          label={t('jobs.start.repeatPassword')}
          value={repeat}
          onChange={(event) => setRepeat(event.currentTarget.value)}
          error={repeat && !same ? t('jobs.start.passwordsDiffer') : undefined}
          autoComplete="new-password"
          data-testid="credentials-repeat"
        />
        {error ? (
          <Alert color="red" role="alert">
            {t(errorKey(error))}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t('action.cancel')}
          </Button>
          <Button
            disabled={!usernameValid || !passwordValid || !same}
            loading={pending}
            onClick={() => onStart(username, password)}
            data-testid="start-credentials-job"
          >
            {t('jobs.start.changeCredentials')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
