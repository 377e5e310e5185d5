import { Badge, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { LiveState } from './live-connection.ts';

const color: Record<LiveState, string> = { connected: 'teal', connecting: 'yellow', offline: 'gray' };

export function LiveIndicator({ state }: { state: LiveState }) {
  const { t } = useTranslation();
  const hint = t(`live.${state}Hint`);
  return (
    <Tooltip label={hint} withArrow>
      <Badge
        variant="dot"
        color={color[state]}
        size="lg"
        radius="sm"
        role="status"
        aria-label={`${t(`live.${state}`)}. ${hint}`}
        data-testid="live-indicator"
        data-state={state}
        style={{ textTransform: 'none', fontWeight: 500 }}
      >
        {t(`live.${state}`)}
      </Badge>
    </Tooltip>
  );
}
