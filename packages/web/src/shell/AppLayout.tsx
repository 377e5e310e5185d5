import {
  AppShell,
  Avatar,
  Burger,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  Stack,
  Text,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconAlertTriangle,
  IconBuilding,
  IconCloud,
  IconHistory,
  IconSwitchHorizontal,
  IconCreditCard,
  IconDatabaseExport,
  IconDeviceSpeaker,
  IconDownload,
  IconHelpCircle,
  IconLayoutDashboard,
  IconLogout,
  IconMapPin,
  IconMessages,
  IconServer,
  IconServer2,
  IconSettings,
  IconListCheck,
  IconUpload,
  IconUsers,
  type Icon,
} from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useNavigate, useRouterState } from '@tanstack/react-router';
import type { Permission } from '@tutti/protocol';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { LanguagePicker } from '../i18n/LanguagePicker.tsx';
import { LiveIndicator } from '../live/LiveIndicator.tsx';
import { useLiveUpdates } from '../live/useLiveUpdates.ts';
import { usePermissions } from '../session/permissions.ts';
import { HubsDialog } from '../hubs/HubsDialog.tsx';
import { ChooseOrganizationDialog } from '../session/ChooseOrganizationDialog.tsx';
import { hasClientOrganizations, organizationName, sessionQueryKey, sessionQueryOptions } from '../session/session.ts';
import { BrandMark } from './BrandMark.tsx';
import { CallProvider } from '../calls/CallProvider.tsx';
import { ChatProvider } from '../chat/ChatProvider.tsx';

type NavKey =
  | 'dashboard'
  | 'devices'
  | 'locations'
  | 'organizations'
  | 'users'
  | 'servers'
  | 'jobs'
  | 'firmware'
  | 'backups'
  | 'alerts'
  | 'billing'
  | 'audit'
  | 'chat'
  | 'space'
  | 'settings'
  | 'downloads'
  | 'help';

interface Section {
  key: NavKey;
  icon: Icon;
  to?:
    | '/dashboard'
    | '/devices'
    | '/locations'
    | '/downloads'
    | '/help'
    | '/organizations'
    | '/users'
    | '/servers'
    | '/jobs'
    | '/firmware'
    | '/backups'
    | '/audit'
    | '/billing'
    | '/settings'
    | '/chat'
    | '/space'
    | '/alerts';
  /** Hidden from roles without it. */
  permission?: Permission;
  /** Shown only in organizations that have organizations below them (platform, support). */
  parentsOnly?: boolean;
}

// Sections whose API does not exist yet are listed (disabled) so the product's shape is visible, never faked.
const sections: Section[] = [
  { key: 'dashboard', icon: IconLayoutDashboard, to: '/dashboard', permission: 'devices.view' },
  { key: 'devices', icon: IconDeviceSpeaker, to: '/devices', permission: 'devices.view' },
  { key: 'locations', icon: IconMapPin, to: '/locations', permission: 'devices.view' },
  { key: 'organizations', icon: IconBuilding, to: '/organizations', permission: 'orgs.view', parentsOnly: true },
  { key: 'users', icon: IconUsers, to: '/users', permission: 'users.view' },
  { key: 'servers', icon: IconServer, to: '/servers', permission: 'servers.view' },
  { key: 'jobs', icon: IconListCheck, to: '/jobs', permission: 'devices.view' },
  { key: 'firmware', icon: IconUpload, to: '/firmware', permission: 'devices.view' },
  { key: 'backups', icon: IconDatabaseExport, to: '/backups', permission: 'devices.view' },
  { key: 'alerts', icon: IconAlertTriangle, to: '/alerts', permission: 'alerts.view' },
  { key: 'billing', icon: IconCreditCard, to: '/billing', permission: 'billing.view' },
  { key: 'audit', icon: IconHistory, to: '/audit', permission: 'audit.view' },
  { key: 'chat', icon: IconMessages, to: '/chat', permission: 'chat.use' },
  { key: 'space', icon: IconCloud, to: '/space', permission: 'space.manage' },
  { key: 'settings', icon: IconSettings, to: '/settings' },
  { key: 'downloads', icon: IconDownload, to: '/downloads', permission: 'servers.view' },
  { key: 'help', icon: IconHelpCircle, to: '/help' },
];

function initials(name: string): string {
  const letters = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word[0]?.toUpperCase() ?? '');
  return letters.join('') || '?';
}

export function AppLayout() {
  const { t } = useTranslation();
  const [navOpened, nav] = useDisclosure(false);
  const [choosingOrganization, chooseOrganization] = useDisclosure(false);
  const [showingHubs, hubsDialog] = useDisclosure(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  const { data: session } = useQuery(sessionQueryOptions);
  const liveState = useLiveUpdates(session?.currentOrganizationId);
  const orgName = session ? organizationName(session) : null;
  const { can } = usePermissions();
  const parent = session ? hasClientOrganizations(session) : false;
  const visibleSections = sections.filter(
    (section) => (!section.permission || can(section.permission)) && (!section.parentsOnly || parent),
  );

  async function signOut(): Promise<void> {
    try {
      await api.signOut();
    } finally {
      // Signed out locally even if the hub is unreachable: the cookie expires on its own.
      queryClient.clear();
      queryClient.setQueryData(sessionQueryKey, null);
      await navigate({ to: '/sign-in' });
    }
  }

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
      padding={{ base: 'sm', sm: 'lg' }}
    >
      <a href="#main" className="tutti-skip-link">
        {t('shell.skipToContent')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
          <Group gap="sm" wrap="nowrap" miw={0}>
            <Burger
              opened={navOpened}
              onClick={nav.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t('shell.toggleNavigation')}
              aria-expanded={navOpened}
              aria-controls="main-navigation"
              data-testid="nav-toggle"
            />
            <BrandMark />
            {orgName ? (
              <Text
                c="gray.7"
                size="sm"
                truncate
                visibleFrom="sm"
                aria-label={`${t('shell.organization')}: ${orgName}`}
              >
                <bdi>{orgName}</bdi>
              </Text>
            ) : null}
          </Group>
          <Group gap={4} wrap="nowrap">
            <LiveIndicator state={liveState} />
            <LanguagePicker compact />
            <Menu position="bottom-end" shadow="md" width={260}>
              <Menu.Target>
                <UnstyledButton data-testid="user-menu" p={4}>
                  <Avatar color="blue" radius="xl" size={34}>
                    {initials(session?.user.name ?? session?.user.email ?? '')}
                  </Avatar>
                  {/* Named in its content, so the name contains the initials people see (WCAG 2.5.3). */}
                  <VisuallyHidden>{t('shell.userMenu')}</VisuallyHidden>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                {session ? (
                  <Stack gap={0} px="sm" py={6}>
                    <Text size="sm" fw={600} truncate>
                      <bdi>{session.user.name}</bdi>
                    </Text>
                    <Text size="xs" c="dimmed" truncate>
                      <bdi>{session.user.email}</bdi>
                    </Text>
                    {orgName ? (
                      <Text size="xs" c="dimmed" truncate mt={4}>
                        {orgName}
                      </Text>
                    ) : null}
                  </Stack>
                ) : null}
                <Menu.Divider />
                {session && session.memberships.length > 1 ? (
                  <Menu.Item
                    leftSection={<IconSwitchHorizontal size={16} aria-hidden />}
                    onClick={chooseOrganization.open}
                    data-testid="choose-organization"
                  >
                    {t('action.chooseOrganization')}
                  </Menu.Item>
                ) : null}
                <Menu.Item
                  leftSection={<IconServer2 size={16} aria-hidden />}
                  onClick={hubsDialog.open}
                  data-testid="switch-hub"
                >
                  {t('hubs.switch')}
                </Menu.Item>
                <Menu.Item
                  leftSection={<IconSettings size={16} aria-hidden />}
                  onClick={() => void navigate({ to: '/settings' })}
                  data-testid="my-account"
                >
                  {t('settings.title')}
                </Menu.Item>
                <Menu.Item
                  leftSection={<IconLogout size={16} aria-hidden />}
                  onClick={() => void signOut()}
                  data-testid="sign-out"
                >
                  {t('action.signOut')}
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar id="main-navigation" component="nav" aria-label={t('shell.mainNavigation')} p="xs">
        <AppShell.Section grow component={ScrollArea}>
          {orgName ? (
            <Text hiddenFrom="sm" size="sm" fw={600} px="sm" py="xs" truncate>
              {orgName}
            </Text>
          ) : null}
          {visibleSections.map(({ key, icon: SectionIcon, to }) =>
            to ? (
              <NavLink
                key={key}
                data-testid={`nav-${key}`}
                component={Link}
                to={to}
                label={t(`nav.${key}`)}
                leftSection={<SectionIcon size={18} stroke={1.6} aria-hidden />}
                active={pathname.startsWith(to)}
                aria-current={pathname.startsWith(to) ? 'page' : undefined}
                onClick={nav.close}
                variant="light"
                style={{ borderRadius: 'var(--mantine-radius-md)' }}
              />
            ) : (
              <NavLink
                key={key}
                component="button"
                type="button"
                disabled
                aria-disabled
                label={t(`nav.${key}`)}
                title={t('shell.comingSoon')}
                leftSection={<SectionIcon size={18} stroke={1.6} aria-hidden />}
                style={{ borderRadius: 'var(--mantine-radius-md)' }}
              />
            ),
          )}
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main id="main" tabIndex={-1}>
        <ChatProvider>
          <CallProvider>
            <Outlet />
          </CallProvider>
        </ChatProvider>
      </AppShell.Main>
      <ChooseOrganizationDialog opened={choosingOrganization} onClose={chooseOrganization.close} />
      <HubsDialog opened={showingHubs} onClose={hubsDialog.close} />
    </AppShell>
  );
}
