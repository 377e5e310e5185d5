import { Anchor, Box, Paper, Stack, Text, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguagePicker } from '../i18n/LanguagePicker.tsx';
import { BrandMark } from '../shell/BrandMark.tsx';

/** The centred card of the pages reached without a session: sign-in, registration and password reset. */
export function AuthFrame({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  return (
    <Box
      component="main"
      mih="100dvh"
      p="md"
      style={{
        display: 'grid',
        placeItems: 'center',
        background: 'linear-gradient(160deg, var(--mantine-color-blue-0) 0%, var(--mantine-color-gray-0) 55%)',
      }}
    >
      <Box pos="absolute" top={12} style={{ insetInlineEnd: 12 }}>
        <LanguagePicker />
      </Box>
      <Paper withBorder shadow="md" radius="lg" p={{ base: 'lg', sm: 36 }} w="100%" maw={440}>
        <Stack gap="lg">
          <Stack gap={6}>
            <BrandMark size="lg" />
            <Title order={1} size="h3" mt="sm">
              {title}
            </Title>
            {subtitle ? (
              <Text c="dimmed" size="sm">
                {subtitle}
              </Text>
            ) : null}
          </Stack>
          {children}
        </Stack>
      </Paper>
    </Box>
  );
}

export function BackToSignIn() {
  const { t } = useTranslation();
  return (
    <Anchor component={Link} to="/sign-in" size="sm" data-testid="back-to-sign-in">
      {t('forgotPassword.backToSignIn')}
    </Anchor>
  );
}
