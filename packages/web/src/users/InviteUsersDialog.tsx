import { Alert, Button, Group, Modal, Select, Stack, TagsInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { canGrantRole, languages, roles, type Language, type Role } from '@tutti/protocol';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { currentLanguage, languageNames } from '../i18n/i18n.ts';
import { sessionQueryOptions } from '../session/session.ts';
import { usersQueryKey } from './users.queries.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The roles the signed-in user may hand out: never one with permissions they lack (ROLE_NOT_GRANTABLE). */
export function useGrantableRoles(): Role[] {
  const { data: session } = useQuery(sessionQueryOptions);
  return roles.filter((role) => canGrantRole(session?.permissions ?? [], role));
}

export function InviteUsersDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const grantable = useGrantableRoles();
  const [emails, setEmails] = useState<string[]>([]);
  const [role, setRole] = useState<Role>('monitor');
  const [language, setLanguage] = useState<Language>(currentLanguage());
  const [submitted, setSubmitted] = useState(false);
  const invalid = emails.filter((email) => !EMAIL.test(email));

  const invite = useMutation({
    mutationFn: () => api.inviteUsers({ emails, role, language }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: usersQueryKey });
      close();
    },
  });

  function close(): void {
    setEmails([]);
    setSubmitted(false);
    invite.reset();
    onClose();
  }

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setSubmitted(true);
    if (emails.length === 0 || invalid.length > 0) return;
    invite.mutate();
  }

  const emailError = !submitted
    ? undefined
    : emails.length === 0
      ? t('users.invite.emailsRequired')
      : invalid.length > 0
        ? t('users.invite.emailsInvalid', { emails: new Intl.ListFormat(currentLanguage()).format(invalid) })
        : undefined;

  return (
    <Modal opened={opened} onClose={close} title={t('users.invite.title')} centered size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {invite.isError ? (
            <Alert color="red" variant="light" role="alert" data-testid="invite-error">
              {t(errorKey(invite.error))}
            </Alert>
          ) : null}
          <TagsInput
            label={t('users.invite.emails')}
            description={t('users.invite.emailsHint')}
            value={emails}
            onChange={setEmails}
            splitChars={[',', ' ', ';']}
            acceptValueOnBlur
            clearable
            maxTags={50}
            error={emailError}
            required
            dir="ltr"
            data-autofocus
            data-testid="invite-emails"
          />
          <Group grow align="flex-start">
            <Select
              label={t('users.columns.role')}
              data={grantable.map((item) => ({ value: item, label: t(`role.${item}`) }))}
              value={role}
              onChange={(value) => value && setRole(value)}
              allowDeselect={false}
              data-testid="invite-role"
            />
            <Select
              label={t('shell.language')}
              data={languages.map((item) => ({ value: item, label: languageNames[item] }))}
              value={language}
              onChange={(value) => value && setLanguage(value)}
              allowDeselect={false}
              data-testid="invite-language"
            />
          </Group>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              {t('action.cancel')}
            </Button>
            <Button type="submit" loading={invite.isPending} data-testid="invite-submit">
              {t('users.invite.send')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function EditRoleDialog({
  user,
  onClose,
}: {
  user: { id: string; name: string; role: Role } | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const grantable = useGrantableRoles();
  const [role, setRole] = useState<Role | null>(null);
  const save = useMutation({
    mutationFn: (next: Role) => api.updateUser(user?.id ?? '', { role: next }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: usersQueryKey });
      close();
    },
  });
  function close(): void {
    setRole(null);
    save.reset();
    onClose();
  }
  const value = role ?? user?.role ?? null;
  return (
    <Modal opened={user !== null} onClose={close} title={t('users.editRole')} centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (value) save.mutate(value);
        }}
      >
        <Stack gap="md">
          {save.isError ? (
            <Alert color="red" variant="light" role="alert">
              {t(errorKey(save.error))}
            </Alert>
          ) : null}
          <Select
            label={t('users.columns.role')}
            data={grantable.map((item) => ({ value: item, label: t(`role.${item}`) }))}
            value={value}
            onChange={(next) => next && setRole(next)}
            allowDeselect={false}
            data-testid="edit-role"
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              {t('action.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending} data-testid="edit-role-submit">
              {t('action.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
