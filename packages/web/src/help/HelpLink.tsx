import { ActionIcon, Tooltip } from '@mantine/core';
import { IconHelpCircle } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { HelpScreen } from './help-topics.ts';

/** The "?" beside a screen's title: opens Help at the topics for this screen. */
export function HelpLink({ screen }: { screen: HelpScreen }) {
  const { t } = useTranslation();
  const label = t('help.forThisScreen');
  return (
    <Tooltip label={label}>
      <ActionIcon
        renderRoot={(props) => <Link {...props} to="/help" search={{ screen }} />}
        variant="subtle"
        color="gray"
        aria-label={label}
        data-testid={`help-link-${screen}`}
      >
        <IconHelpCircle size={20} aria-hidden />
      </ActionIcon>
    </Tooltip>
  );
}
