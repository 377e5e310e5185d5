import { Badge, Box, Group, Paper, Stack, Text, UnstyledButton } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { DeviceDto, StackMember } from '@tutti/protocol';
import { useTranslation } from 'react-i18next';
import { StatusAge } from './DeviceStatusCell.tsx';
import { severityColor, statusLabelKey } from './status.ts';

function pad(position: number): string {
  return String(position).padStart(2, '0');
}

/** One unit or peripheral: a link to its own page, coloured by severity, the current device highlighted. */
function UnitLink({ device, currentId, position }: { device: DeviceDto; currentId: string; position: string }) {
  const { t } = useTranslation();
  const current = device.id === currentId;
  const color = severityColor[device.severity];
  return (
    <UnstyledButton
      renderRoot={(props) => <Link {...props} to="/devices/$id" params={{ id: device.id }} />}
      aria-current={current ? 'page' : undefined}
      data-testid={`stack-unit-${device.serial}`}
      style={{ display: 'block', minWidth: 0 }}
    >
      <Paper
        withBorder
        radius="md"
        p="xs"
        style={{
          borderInlineStart: `4px solid var(--mantine-color-${color}-6)`,
          background: current ? 'var(--mantine-color-blue-0)' : undefined,
          outline: current ? '2px solid var(--mantine-color-blue-5)' : undefined,
        }}
      >
        <Group gap="xs" wrap="nowrap" justify="space-between">
          <Stack gap={0} miw={0}>
            <Text size="xs" c="dimmed" className="tutti-mono">
              <bdi dir="ltr">{position}</bdi>
            </Text>
            <Text size="sm" fw={600} truncate>
              <bdi dir="auto">{device.name}</bdi>
            </Text>
            <Text size="xs" c="dimmed" truncate>
              <bdi dir="ltr">{device.modelName}</bdi>
            </Text>
          </Stack>
          <Stack gap={2} align="flex-end" style={{ flexShrink: 0 }}>
            <Badge color={color} variant="light" size="sm" style={{ textTransform: 'none' }}>
              {t(statusLabelKey(device.status))}
            </Badge>
            <StatusAge since={device.statusSince} />
          </Stack>
        </Group>
      </Paper>
    </UnstyledButton>
  );
}

/**
 * The stack as it is cabled: DSP units in C-Link order, each with the peripherals on its P-Link ports indented
 * beneath it (on the inline-start side, so Arabic mirrors it).
 */
export function StackDiagram({ members, currentId }: { members: StackMember[]; currentId: string }) {
  const { t } = useTranslation();
  const ordered = [...members].sort((a, b) => (a.device.connection.clink ?? 0) - (b.device.connection.clink ?? 0));
  return (
    <Stack gap="sm" component="ol" p={0} m={0} style={{ listStyle: 'none' }} aria-label={t('deviceDetail.stack')}>
      {ordered.map((member) => (
        <Box component="li" key={member.device.id}>
          <UnitLink
            device={member.device}
            currentId={currentId}
            position={member.device.connection.clink === null ? '—' : `C-Link ${pad(member.device.connection.clink)}`}
          />
          {member.peripherals.length > 0 ? (
            <Stack
              component="ul"
              gap={6}
              mt={6}
              p={0}
              style={{
                listStyle: 'none',
                marginInlineStart: 20,
                paddingInlineStart: 12,
                borderInlineStart: '2px solid var(--mantine-color-gray-3)',
              }}
            >
              {[...member.peripherals]
                .sort((a, b) => (a.connection.plink ?? 0) - (b.connection.plink ?? 0))
                .map((peripheral) => (
                  <Box component="li" key={peripheral.id}>
                    <UnitLink
                      device={peripheral}
                      currentId={currentId}
                      position={
                        peripheral.connection.plink === null ? '—' : `P-Link ${pad(peripheral.connection.plink)}`
                      }
                    />
                  </Box>
                ))}
            </Stack>
          ) : null}
        </Box>
      ))}
    </Stack>
  );
}
