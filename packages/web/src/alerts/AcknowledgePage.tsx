import { Alert, Button, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { BrandMark } from '../shell/BrandMark.tsx';
import { usePageTitle } from '../shell/usePageTitle.ts';

/**
 * Where the acknowledge link of an alert message leads; no sign-in needed. It acknowledges on a click, not on
 * opening: mail scanners that open links must not use up the single-use link.
 */
export function AcknowledgePage({ token }: { token: string }) {
  const { t } = useTranslation();
  usePageTitle(t('alerts.ackPage.title'));
  const acknowledge = useMutation({ mutationFn: () => api.acknowledgeByLink(token) });

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" radius="md" p="xl" maw={460} w="100%">
        <Stack gap="md">
          <BrandMark />
          <Title order={1} size="h3">
            {t('alerts.ackPage.title')}
          </Title>
          {acknowledge.isSuccess ? (
            <Alert color="teal" variant="light" icon={<IconCheck aria-hidden />} data-testid="ack-done">
              {t('alerts.ackPage.done', { count: acknowledge.data.acknowledged })}
            </Alert>
          ) : (
            <>
              <Text size="sm">{t('alerts.ackPage.explain')}</Text>
              {acknowledge.isError ? (
                <Alert color="red" variant="light" role="alert" data-testid="ack-error">
                  {t(errorKey(acknowledge.error))}
                </Alert>
              ) : null}
              <Button
                onClick={() => acknowledge.mutate()}
                loading={acknowledge.isPending}
                disabled={!token}
                data-testid="ack-confirm"
              >
                {t('alerts.acknowledge')}
              </Button>
            </>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}
