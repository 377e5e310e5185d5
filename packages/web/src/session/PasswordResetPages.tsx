import { Alert, Button, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { PasswordFields, passwordPairValid } from '../shell/PasswordFields.tsx';
import { AuthFrame, BackToSignIn } from './AuthFrame.tsx';

/** The password reset link: choose a new password (every session ends). */
export function ResetPasswordPage({ token }: { token: string }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const reset = useMutation({ mutationFn: () => api.resetPassword(token, password) });
  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setSubmitted(true);
    if (!passwordPairValid(password, confirm)) return;
    reset.mutate();
  }
  return (
    <AuthFrame title={t('resetPassword.title')}>
      {reset.isSuccess ? (
        <Stack gap="md">
          <Alert color="teal" variant="light" role="status" data-testid="reset-done">
            {t('resetPassword.done')}
          </Alert>
          <BackToSignIn />
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            {reset.isError ? (
              <Alert color="red" variant="light" role="alert" data-testid="reset-error">
                {t(errorKey(reset.error))}
              </Alert>
            ) : null}
            <PasswordFields
              password={password}
              confirm={confirm}
              onPasswordChange={setPassword}
              onConfirmChange={setConfirm}
              showErrors={submitted}
              passwordLabel={t('password.new')}
              testIdPrefix="reset"
            />
            <Button type="submit" size="md" fullWidth loading={reset.isPending} data-testid="reset-submit">
              {t('resetPassword.submit')}
            </Button>
            <BackToSignIn />
          </Stack>
        </form>
      )}
    </AuthFrame>
  );
}

/** Forgot password: the hub emails a single-use link, and answers the same whether or not the address is known. */
export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const send = useMutation({ mutationFn: () => api.forgotPassword(email.trim()) });
  const invalid = !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim());
  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setSubmitted(true);
    if (invalid) return;
    send.mutate();
  }
  return (
    <AuthFrame title={t('action.forgotPassword')} subtitle={t('forgotPassword.hint')}>
      {send.isSuccess ? (
        <Stack gap="md">
          <Alert color="teal" variant="light" role="status" data-testid="forgot-sent">
            {t('forgotPassword.sent')}
          </Alert>
          <BackToSignIn />
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            {send.isError ? (
              <Alert color="red" variant="light" role="alert" data-testid="forgot-error">
                {t(errorKey(send.error))}
              </Alert>
            ) : null}
            <TextInput
              label={t('signIn.email')}
              type="email"
              autoComplete="username"
              dir="ltr"
              value={email}
              onChange={(event) => setEmail(event.currentTarget.value)}
              error={submitted && invalid ? t('organizations.add.emailInvalid') : undefined}
              required
              data-testid="forgot-email"
            />
            <Button type="submit" size="md" fullWidth loading={send.isPending} data-testid="forgot-submit">
              {t('forgotPassword.submit')}
            </Button>
            <BackToSignIn />
          </Stack>
        </form>
      )}
    </AuthFrame>
  );
}
