import { Alert, Anchor, Button, Checkbox, Divider, Group, PasswordInput, Stack, TextInput } from '@mantine/core';
import { IconAlertCircle, IconKey } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ErrorCode } from '@tutti/protocol';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { HubsDialog } from '../hubs/HubsDialog.tsx';
import { AuthFrame } from './AuthFrame.tsx';
import { sessionQueryKey } from './session.ts';

interface FieldErrors {
  email?: 'signIn.emailRequired';
  password?: 'signIn.passwordRequired';
}

/** Only same-app paths: an absolute URL here would be an open redirect. */
function safeTarget(redirectTo: string | undefined): string {
  return redirectTo?.startsWith('/') && !redirectTo.startsWith('//') ? redirectTo : '/dashboard';
}

/**
 * Single sign-on: offered at once when the page names an organization with OIDC (its sign-in link), otherwise
 * after the person enters their organization's account number.
 */
function SingleSignOn({ organization, redirectTo }: { organization: string | undefined; redirectTo: string }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const [account, setAccount] = useState('');
  const named = useQuery({
    queryKey: ['sso-status', organization],
    queryFn: () => api.ssoStatus(organization!),
    enabled: organization !== undefined,
  });
  const lookUp = useMutation({
    mutationFn: async () => {
      const status = await api.ssoStatus(account.trim());
      if (!status.enabled) return false;
      window.location.assign(api.ssoStartUrl(account.trim(), redirectTo));
      return true;
    },
  });
  if (organization !== undefined && named.data?.enabled) {
    return (
      <Button
        component="a"
        href={api.ssoStartUrl(organization, redirectTo)}
        variant="default"
        size="md"
        fullWidth
        leftSection={<IconKey size={18} aria-hidden />}
        data-testid="sso-sign-in"
      >
        {t('signIn.sso')}
      </Button>
    );
  }
  if (!asking) {
    return (
      <Button variant="subtle" size="sm" onClick={() => setAsking(true)} data-testid="sso-ask">
        {t('signIn.ssoUse')}
      </Button>
    );
  }
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (account.trim()) lookUp.mutate();
      }}
    >
      <Stack gap="xs">
        {lookUp.data === false ? (
          <Alert color="red" variant="light" role="alert" data-testid="sso-not-configured">
            {t('error.SSO_NOT_CONFIGURED')}
          </Alert>
        ) : null}
        {lookUp.isError ? (
          <Alert color="red" variant="light" role="alert">
            {t(errorKey(lookUp.error))}
          </Alert>
        ) : null}
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <TextInput
            label={t('signIn.ssoAccount')}
            value={account}
            onChange={(event) => setAccount(event.currentTarget.value)}
            dir="ltr"
            style={{ flex: 1 }}
            data-testid="sso-account"
          />
          <Button type="submit" variant="default" loading={lookUp.isPending} data-testid="sso-continue">
            {t('organizations.add.next')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function SignInPage({
  redirectTo,
  error,
  organization,
}: {
  redirectTo: string | undefined;
  error?: ErrorCode | undefined;
  organization?: string | undefined;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [showingHubs, setShowingHubs] = useState(false);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [staySignedIn, setStaySignedIn] = useState(false);
  const [passwordVisible, setPasswordVisible] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});

  const signIn = useMutation({
    mutationFn: () => api.signIn({ email: email.trim(), password, staySignedIn }),
    onSuccess: async (session) => {
      queryClient.setQueryData(sessionQueryKey, session);
      await navigate({ to: safeTarget(redirectTo) });
    },
  });

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    const errors: FieldErrors = {};
    if (!email.trim()) errors.email = 'signIn.emailRequired';
    if (!password) errors.password = 'signIn.passwordRequired';
    setFieldErrors(errors);
    if (errors.email || errors.password) return;
    signIn.mutate();
  }

  return (
    <AuthFrame title={t('signIn.title')} subtitle={t('signIn.subtitle')}>
      {error && !signIn.isError ? (
        <Alert color="red" variant="light" role="alert" icon={<IconAlertCircle aria-hidden />} data-testid="sso-error">
          {t(`error.${error}`)}
        </Alert>
      ) : null}
      <form onSubmit={submit} noValidate aria-describedby={signIn.isError ? 'sign-in-error' : undefined}>
        <Stack gap="md">
          {signIn.isError ? (
            <Alert
              id="sign-in-error"
              color="red"
              variant="light"
              role="alert"
              icon={<IconAlertCircle aria-hidden />}
              data-testid="sign-in-error"
            >
              {t(errorKey(signIn.error))}
            </Alert>
          ) : null}
          <TextInput
            label={t('signIn.email')}
            type="email"
            name="email"
            autoComplete="username"
            inputMode="email"
            dir="ltr"
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
            error={fieldErrors.email ? t(fieldErrors.email) : undefined}
            data-testid="sign-in-email"
            autoFocus
          />
          <PasswordInput
            label={t('signIn.password')}
            name="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            error={fieldErrors.password ? t(fieldErrors.password) : undefined}
            data-testid="sign-in-password"
            visible={passwordVisible}
            onVisibilityChange={setPasswordVisible}
            visibilityToggleButtonProps={{
              'aria-label': t(passwordVisible ? 'signIn.hidePassword' : 'signIn.showPassword'),
              'aria-pressed': passwordVisible,
              title: t(passwordVisible ? 'signIn.hidePassword' : 'signIn.showPassword'),
            }}
          />
          <Group justify="space-between" gap="xs">
            <Checkbox
              label={t('action.staySignedIn')}
              checked={staySignedIn}
              onChange={(event) => setStaySignedIn(event.currentTarget.checked)}
              data-testid="sign-in-stay"
            />
            <Anchor component={Link} to="/forgot-password" size="sm" data-testid="forgot-password">
              {t('action.forgotPassword')}
            </Anchor>
          </Group>
          <Button type="submit" size="md" fullWidth loading={signIn.isPending} data-testid="sign-in-submit">
            {t('action.signIn')}
          </Button>
        </Stack>
      </form>
      <Divider label={t('signIn.or')} labelPosition="center" />
      <SingleSignOn organization={organization} redirectTo={safeTarget(redirectTo)} />
      <Button variant="subtle" size="xs" color="gray" onClick={() => setShowingHubs(true)} data-testid="other-hubs">
        {t('hubs.otherHubs')}
      </Button>
      <HubsDialog opened={showingHubs} onClose={() => setShowingHubs(false)} />
    </AuthFrame>
  );
}
