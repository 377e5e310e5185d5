import { Group, PasswordInput, Progress, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { estimatePasswordStrength, meetsPasswordPolicy } from './password-strength.ts';

const strengthKeys = ['veryWeak', 'weak', 'fair', 'strong', 'veryStrong'] as const;
const strengthColors = ['red', 'red', 'orange', 'teal', 'teal'] as const;

export interface PasswordFieldsProps {
  password: string;
  confirm: string;
  onPasswordChange: (value: string) => void;
  onConfirmChange: (value: string) => void;
  /** Set after a submit attempt: shows what is wrong under each field. */
  showErrors: boolean;
  passwordLabel: string;
  testIdPrefix: string;
}

/** True when the pair may be submitted: the policy is met and the confirmation matches. */
export function passwordPairValid(password: string, confirm: string): boolean {
  return meetsPasswordPolicy(password) && password === confirm;
}

/** A new password with the policy hint, a live strength meter and a confirmation that must match. */
export function PasswordFields({
  password,
  confirm,
  onPasswordChange,
  onConfirmChange,
  showErrors,
  passwordLabel,
  testIdPrefix,
}: PasswordFieldsProps) {
  const { t } = useTranslation();
  const strength = estimatePasswordStrength(password);
  const policyError = showErrors && !meetsPasswordPolicy(password);
  const mismatch = showErrors && password !== confirm;
  return (
    <Stack gap="sm">
      <Stack gap={6}>
        <PasswordInput
          label={passwordLabel}
          description={t('password.policy')}
          value={password}
          onChange={(event) => onPasswordChange(event.currentTarget.value)}
          error={policyError ? t('password.policyNotMet') : undefined}
          autoComplete="new-password"
          required
          data-testid={`${testIdPrefix}-password`}
        />
        <Group gap="xs" wrap="nowrap" aria-live="polite">
          <Progress
            value={password ? ((strength + 1) / 5) * 100 : 0}
            color={strengthColors[strength]}
            size="sm"
            style={{ flex: 1 }}
            aria-hidden
          />
          <Text size="xs" c="dimmed" miw={110} data-testid={`${testIdPrefix}-strength`}>
            {password
              ? t('password.strengthLabel', { strength: t(`password.strength.${strengthKeys[strength]}`) })
              : ''}
          </Text>
        </Group>
      </Stack>
      <PasswordInput
        label={t('password.confirm')}
        value={confirm}
        onChange={(event) => onConfirmChange(event.currentTarget.value)}
        error={mismatch ? t('password.mismatch') : undefined}
        autoComplete="new-password"
        required
        data-testid={`${testIdPrefix}-confirm`}
      />
    </Stack>
  );
}
