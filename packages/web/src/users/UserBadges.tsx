import { Badge, Stack, Text } from '@mantine/core';
import type { OrgUserDto } from '@tutti/protocol';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';

const statusColor: Record<OrgUserDto['status'], string> = { invited: 'blue', registered: 'teal', disabled: 'gray' };

/** "Invited 8/4/2021", as the quick-start guide shows it: the status and the date it began. */
export function UserStatus({ user }: { user: OrgUserDto }) {
  const { t } = useTranslation();
  const since = Date.parse(user.statusSince);
  return (
    <Stack gap={2}>
      <Badge
        color={statusColor[user.status]}
        variant="light"
        style={{ textTransform: 'none' }}
        data-testid={`user-status-${user.email}`}
      >
        {t(`userStatus.${user.status}`)}
      </Badge>
      {Number.isNaN(since) ? null : (
        <Text size="xs" c="dimmed" component="time" dateTime={user.statusSince}>
          {formatDate(currentLanguage(), since)}
        </Text>
      )}
    </Stack>
  );
}
