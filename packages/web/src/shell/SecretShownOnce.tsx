import { Alert, Button, Code, CopyButton, Group, Stack } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

interface SecretShownOnceProps {
  secret: string;
  /** Why to copy it now, e.g. "it is shown only this once". */
  warning: string;
  onDone: () => void;
  /** Test ids of the secret and of the Done button. */
  testIds: { secret: string; done: string };
}

/** A token or signing secret right after it was made: shown this once, with a copy button. */
export function SecretShownOnce({ secret, warning, onDone, testIds }: SecretShownOnceProps) {
  const { t } = useTranslation();
  return (
    <Stack gap="md">
      <Alert color="yellow" variant="light" role="status">
        {warning}
      </Alert>
      <Group gap="xs" wrap="nowrap" align="center">
        <Code block dir="ltr" style={{ flex: 1, overflowWrap: 'anywhere' }} data-testid={testIds.secret}>
          {secret}
        </Code>
        <CopyButton value={secret}>
          {({ copied, copy }) => (
            <Button
              variant="light"
              onClick={copy}
              leftSection={copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}
            >
              {copied ? t('tokens.copied') : t('tokens.copy')}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Group justify="flex-end">
        <Button onClick={onDone} data-testid={testIds.done}>
          {t('tokens.done')}
        </Button>
      </Group>
    </Stack>
  );
}
