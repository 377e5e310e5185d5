import { ActionIcon, Anchor, Group, Table, Text, ThemeIcon, VisuallyHidden } from '@mantine/core';
import {
  IconBuilding,
  IconChevronDown,
  IconChevronRight,
  IconDoor,
  IconMapPin,
  IconStack2,
  type Icon,
} from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import type { LocationDeviceCounts, LocationDto, LocationKind, Severity } from '@tutti/protocol';
import { useState, type ComponentProps, type DragEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { severityLabelKey, severityTextColor } from '../devices/status.ts';
import { formatNumber, isolate } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { carriesDevices, readDeviceDrag } from './device-drag.ts';
import { depths } from './locations.queries.ts';
import { TableScroll } from '../shared/TableScroll.tsx';

export const kindIcon: Record<LocationKind, Icon> = {
  building: IconBuilding,
  floor: IconStack2,
  room: IconDoor,
  other: IconMapPin,
};

const severities: Severity[] = ['down', 'issue', 'healthy'];

/** One count that opens the device list filtered to the node (and severity); zero stays plain text. */
function CountLink({
  count,
  location,
  severity,
  label,
  testId,
}: {
  count: number;
  location: string;
  severity?: Severity;
  label: string;
  testId: string;
}) {
  const language = currentLanguage();
  const text = formatNumber(language, count);
  if (count === 0) {
    return (
      <Text span c="dimmed" size="sm" data-testid={testId}>
        {text}
      </Text>
    );
  }
  return (
    <Anchor
      renderRoot={(props) => <Link {...props} to="/devices" search={{ location, severity }} />}
      size="sm"
      fw={600}
      c={severity ? severityTextColor[severity] : undefined}
      data-testid={testId}
    >
      {text}
      <VisuallyHidden> {label}</VisuallyHidden>
    </Anchor>
  );
}

function CountCells({ counts, location, name }: { counts: LocationDeviceCounts; location: string; name: string }) {
  const { t } = useTranslation();
  return (
    <>
      {severities.map((severity) => (
        <Table.Td key={severity} ta="end">
          <CountLink
            count={counts[severity]}
            location={location}
            severity={severity}
            label={t('locations.countLink', { severity: t(severityLabelKey(severity)), location: isolate(name) })}
            testId={`location-count-${severity}-${name}`}
          />
        </Table.Td>
      ))}
      <Table.Td ta="end">
        <CountLink
          count={counts.total}
          location={location}
          label={t('locations.totalLink', { location: isolate(name) })}
          testId={`location-count-total-${name}`}
        />
      </Table.Td>
    </>
  );
}

export interface LocationTreeProps {
  items: readonly LocationDto[];
  unassigned: LocationDeviceCounts;
  /** A row's actions (the editor's menu); none on the dashboard. */
  actions?: (location: LocationDto) => ReactNode;
  /** Devices dropped on a row (null: on "Without a location"); rows are no drop targets without it. */
  onDropDevices?: (locationId: string | null, deviceIds: string[]) => void;
}

/** The location tree as a table: each node indented under its parent, foldable, with rolled-up device counts. */
export function LocationTree({ items, unassigned, actions, onDropDevices }: LocationTreeProps) {
  const { t } = useTranslation();
  const [folded, setFolded] = useState<ReadonlySet<string>>(new Set());
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const dropProps = (key: string, locationId: string | null): ComponentProps<'tr'> => {
    if (!onDropDevices) return {};
    const over = (event: DragEvent) => {
      if (!carriesDevices([...event.dataTransfer.types])) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'move';
      setDropTarget(key);
    };
    return {
      onDragEnter: over,
      onDragOver: over,
      onDragLeave: () => setDropTarget((current) => (current === key ? null : current)),
      onDrop: (event) => {
        event.preventDefault();
        setDropTarget(null);
        const ids = readDeviceDrag(event.dataTransfer);
        if (ids.length > 0) onDropDevices(locationId, ids);
      },
      'data-drop-target': dropTarget === key ? 'over' : undefined,
      style:
        dropTarget === key
          ? {
              outline: '2px dashed var(--mantine-color-blue-6)',
              outlineOffset: -2,
              background: 'var(--mantine-color-blue-light)',
            }
          : undefined,
    } as ComponentProps<'tr'>;
  };
  const depth = depths(items);
  const hasChildren = new Set(items.flatMap((item) => (item.parentId === null ? [] : [item.parentId])));
  const hidden = new Set<string>();
  for (const item of items) {
    if (item.parentId !== null && (hidden.has(item.parentId) || folded.has(item.parentId))) hidden.add(item.id);
  }
  const toggle = (id: string) =>
    setFolded((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <TableScroll label={t('nav.locations')} minWidth={340}>
      <Table verticalSpacing="xs" highlightOnHover data-testid="location-tree">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('locations.columns.name')}</Table.Th>
            {severities.map((severity) => (
              <Table.Th key={severity} ta="end">
                {t(severityLabelKey(severity))}
              </Table.Th>
            ))}
            <Table.Th ta="end">{t('locations.columns.total')}</Table.Th>
            {actions ? (
              <Table.Th>
                <VisuallyHidden>{t('locations.columns.actions')}</VisuallyHidden>
              </Table.Th>
            ) : null}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items
            .filter((item) => !hidden.has(item.id))
            .map((item) => {
              const KindIcon = kindIcon[item.kind];
              const open = !folded.has(item.id);
              return (
                <Table.Tr key={item.id} data-testid={`location-row-${item.name}`} {...dropProps(item.id, item.id)}>
                  <Table.Td>
                    <Group
                      gap={6}
                      wrap="nowrap"
                      style={{ paddingInlineStart: `calc(${depth.get(item.id) ?? 0} * 1.25rem)` }}
                    >
                      {hasChildren.has(item.id) ? (
                        <ActionIcon
                          variant="subtle"
                          color="gray"
                          size="sm"
                          onClick={() => toggle(item.id)}
                          aria-expanded={open}
                          aria-label={t(open ? 'locations.fold' : 'locations.unfold', { name: isolate(item.name) })}
                          data-testid={`location-toggle-${item.name}`}
                        >
                          {open ? (
                            <IconChevronDown size={14} aria-hidden />
                          ) : (
                            <IconChevronRight size={14} aria-hidden className="tutti-mirror" />
                          )}
                        </ActionIcon>
                      ) : (
                        <span style={{ width: 22, flexShrink: 0 }} aria-hidden />
                      )}
                      <ThemeIcon variant="light" color="gray" size="sm" aria-hidden>
                        <KindIcon size={14} />
                      </ThemeIcon>
                      <Text size="sm" fw={500}>
                        <bdi>{item.name}</bdi>
                        <VisuallyHidden>, {t(`locations.kind.${item.kind}`)}</VisuallyHidden>
                      </Text>
                    </Group>
                  </Table.Td>
                  <CountCells counts={item.devices} location={item.id} name={item.name} />
                  {actions ? <Table.Td ta="end">{actions(item)}</Table.Td> : null}
                </Table.Tr>
              );
            })}
          <Table.Tr data-testid="location-row-unassigned" {...dropProps('none', null)}>
            <Table.Td>
              <Text size="sm" c="dimmed" fs="italic">
                {t('locations.unassigned')}
              </Text>
            </Table.Td>
            <CountCells counts={unassigned} location="none" name={t('locations.unassigned')} />
            {actions ? <Table.Td /> : null}
          </Table.Tr>
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}
