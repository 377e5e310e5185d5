import { Alert, Badge, Button, Group, Modal, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import type { SessionInfo } from '@tutti/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { sessionQueryKey, sessionQueryOptions } from './session.ts';

/**
 * Switches the session to another organization the person has an account in: no new sign-in. Every cached answer
 * belongs to the old organization, so the cache is emptied before the new session info goes in.
 */
export function useSwitchOrganization() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: (organizationId: string) => api.switchOrganization(organizationId),
    onSuccess: async (session) => {
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionQueryKey[0] });
      queryClient.setQueryData(sessionQueryKey, session);
      await navigate({ to: '/dashboard' });
    },
  });
}

/** The person's organization accounts, the current one marked; choosing another switches to it. */
export function OrganizationAccounts({ onSwitched }: { onSwitched?: () => void }) {
  const { t } = useTranslation();
  const { data: session } = useQuery(sessionQueryOptions);
  const switchTo = useSwitchOrganization();
  const [chosen, setChosen] = useState<string | null>(null);
  if (!session) return null;
  const memberships: SessionInfo['memberships'] = [...session.memberships].sort((a, b) =>
    a.organizationName.localeCompare(b.organizationName),
  );
  return (
    <Stack gap="sm">
      {switchTo.isError ? (
        <Alert color="red" variant="light" role="alert">
          {t(errorKey(switchTo.error))}
        </Alert>
      ) : null}
      <Stack gap={4} component="ul" p={0} m={0} style={{ listStyle: 'none' }} data-testid="organization-accounts">
        {memberships.map((membership) => {
          const current = membership.organizationId === session.currentOrganizationId;
          const selected = (chosen ?? session.currentOrganizationId) === membership.organizationId;
          return (
            <li key={membership.organizationId}>
              <UnstyledButton
                w="100%"
                p="sm"
                onClick={() => setChosen(membership.organizationId)}
                aria-pressed={selected}
                data-testid={`organization-account-${membership.organizationName}`}
                style={{
                  borderRadius: 'var(--mantine-radius-md)',
                  border: `1px solid var(--mantine-color-${selected ? 'blue-5' : 'gray-3'})`,
                  background: selected ? 'var(--mantine-color-blue-0)' : undefined,
                }}
              >
                <Group justify="space-between" wrap="nowrap" gap="sm">
                  <Stack gap={2} miw={0}>
                    <Text size="sm" fw={600} truncate>
                      <bdi>{membership.organizationName}</bdi>
                    </Text>
                    <Text size="xs" c="dimmed">
                      {t(`organizations.kind.${membership.organizationKind}`)} · {t(`role.${membership.role}`)}
                    </Text>
                  </Stack>
                  {current ? (
                    <Badge
                      color="teal"
                      variant="light"
                      leftSection={<IconCheck size={12} aria-hidden />}
                      style={{ textTransform: 'none', flexShrink: 0 }}
                    >
                      {t('organizations.current')}
                    </Badge>
                  ) : null}
                </Group>
              </UnstyledButton>
            </li>
          );
        })}
      </Stack>
      <Group justify="flex-end">
        <Button
          disabled={!chosen || chosen === session.currentOrganizationId}
          loading={switchTo.isPending}
          onClick={() =>
            chosen &&
            switchTo.mutate(chosen, {
              onSuccess: () => {
                setChosen(null);
                onSwitched?.();
              },
            })
          }
          data-testid="choose-organization-submit"
        >
          {t('action.signIn')}
        </Button>
      </Group>
    </Stack>
  );
}

export function ChooseOrganizationDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('action.chooseOrganization')} centered size="md">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('organizations.chooseHint')}
        </Text>
        <OrganizationAccounts onSwitched={onClose} />
      </Stack>
    </Modal>
  );
}
