import { Button, Text } from '@mantine/core';
import { IconMessages } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { usePermissions } from '../session/permissions.ts';
import { chatRootKey } from './chat.queries.ts';

/** Opens the device's chat thread (created on first use) on the chat screen. */
export function ChatAboutDeviceButton({ deviceId }: { deviceId: string }) {
  const { t } = useTranslation();
  const { can } = usePermissions();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  if (!can('chat.use')) return null;
  return (
    <>
      <Button
        size="xs"
        variant="light"
        leftSection={<IconMessages size={16} aria-hidden />}
        data-testid="chat-about-device"
        onClick={() => {
          setError(null);
          api
            .openConversation({ kind: 'device', deviceId })
            .then(async (conversation) => {
              await queryClient.invalidateQueries({ queryKey: chatRootKey });
              await navigate({ to: '/chat', search: { c: conversation.id } });
            })
            .catch(setError);
        }}
      >
        {t('chat.chatAboutDevice')}
      </Button>
      {error ? (
        <Text size="xs" c="red" role="alert">
          {t(errorKey(error))}
        </Text>
      ) : null}
    </>
  );
}
