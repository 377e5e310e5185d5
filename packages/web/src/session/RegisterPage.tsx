import { Alert, Button, Checkbox, Loader, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { languages, type InvitationInfo, type Language } from '@tutti/protocol';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { isolate } from '../i18n/format.ts';
import { changeLanguage, languageNames } from '../i18n/i18n.ts';
import { PasswordFields, passwordPairValid } from '../shell/PasswordFields.tsx';
import { AuthFrame, BackToSignIn } from './AuthFrame.tsx';

function RegisterForm({ token, invitation }: { token: string; invitation: InvitationInfo }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [language, setLanguage] = useState<Language>(invitation.language);
  const [terms, setTerms] = useState(false);
  const [privacy, setPrivacy] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const accept = useMutation({
    mutationFn: () =>
      api.acceptInvitation({
        token,
        acceptTerms: true,
        language,
        ...(invitation.needsRegistration ? { name: name.trim(), password } : {}),
      }),
  });

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setSubmitted(true);
    if (!terms || !privacy) return;
    if (invitation.needsRegistration && (name.trim() === '' || !passwordPairValid(password, confirm))) return;
    accept.mutate();
  }

  if (accept.isSuccess) {
    return (
      <Stack gap="md">
        <Alert color="teal" variant="light" role="status" data-testid="register-done">
          {t('register.done')}
        </Alert>
        <BackToSignIn />
      </Stack>
    );
  }
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        {accept.isError ? (
          <Alert color="red" variant="light" role="alert" data-testid="register-error">
            {t(errorKey(accept.error))}
          </Alert>
        ) : null}
        <TextInput label={t('signIn.email')} value={invitation.email} readOnly variant="filled" dir="ltr" />
        {invitation.needsRegistration ? (
          <>
            <TextInput
              label={t('register.name')}
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              error={submitted && name.trim() === '' ? t('organizations.add.required') : undefined}
              autoComplete="name"
              maxLength={120}
              required
              data-testid="register-name"
            />
            <PasswordFields
              password={password}
              confirm={confirm}
              onPasswordChange={setPassword}
              onConfirmChange={setConfirm}
              showErrors={submitted}
              passwordLabel={t('signIn.password')}
              testIdPrefix="register"
            />
          </>
        ) : (
          <Text size="sm">{t('register.joinHint', { organization: isolate(invitation.organizationName) })}</Text>
        )}
        <Select
          label={t('shell.language')}
          data={languages.map((value) => ({ value, label: languageNames[value] }))}
          value={language}
          onChange={(value) => {
            if (!value) return;
            setLanguage(value);
            void changeLanguage(value);
          }}
          allowDeselect={false}
        />
        <Stack gap="xs">
          <Checkbox
            label={t('register.terms')}
            checked={terms}
            onChange={(event) => setTerms(event.currentTarget.checked)}
            data-testid="register-terms"
          />
          <Checkbox
            label={t('register.privacy')}
            checked={privacy}
            onChange={(event) => setPrivacy(event.currentTarget.checked)}
            error={submitted && (!terms || !privacy) ? t('register.termsRequired') : undefined}
            data-testid="register-privacy"
          />
        </Stack>
        <Button type="submit" size="md" fullWidth loading={accept.isPending} data-testid="register-submit">
          {invitation.needsRegistration ? t('register.submit') : t('register.accept')}
        </Button>
      </Stack>
    </form>
  );
}

/** The invitation link: register a password and accept the terms, or accept a new organization account. */
export function RegisterPage({ token }: { token: string }) {
  const { t } = useTranslation();
  const invitation = useQuery({ queryKey: ['invitation', token], queryFn: () => api.invitation(token), retry: false });
  const info = invitation.data;
  // The page speaks the language the person was invited in; they can still pick another.
  const invitedIn = info?.language;
  useEffect(() => {
    if (invitedIn) void changeLanguage(invitedIn);
  }, [invitedIn]);
  return (
    <AuthFrame
      title={info && !info.needsRegistration ? t('register.joinTitle') : t('register.title')}
      subtitle={info ? t('register.subtitle', { organization: isolate(info.organizationName) }) : undefined}
    >
      {invitation.isError ? (
        <Stack gap="md">
          <Alert color="red" variant="light" role="alert" data-testid="register-error">
            {t(errorKey(invitation.error))}
          </Alert>
          <BackToSignIn />
        </Stack>
      ) : info ? (
        <RegisterForm token={token} invitation={info} />
      ) : (
        <Loader mx="auto" />
      )}
    </AuthFrame>
  );
}
