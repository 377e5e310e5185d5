import { Badge, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** "Update Available" with the newer version, when the catalog holds one for the device's family. */
export function UpdateAvailableBadge({ version }: { version: string | null }) {
  const { t } = useTranslation();
  if (!version) return null;
  return (
    <Tooltip label={<bdi>{version}</bdi>}>
      <Badge color="blue" variant="light" style={{ textTransform: 'none' }} data-testid="update-available">
        {t('firmware.updateAvailable')}
      </Badge>
    </Tooltip>
  );
}
