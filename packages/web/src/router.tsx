import { Alert, Button, Center, Loader, Stack } from '@mantine/core';
import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
  useRouter,
  type ErrorComponentProps,
} from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { errorKey } from './api.ts';
import { parseDevicesSearch, type DevicesSearch } from './devices/devices.search.ts';
import { parseSignInSearch, sessionQueryOptions, type SignInSearch } from './session/session.ts';
import { AppLayout } from './shell/AppLayout.tsx';
import { parseHelpScreen, type HelpScreen } from './help/help-topics.ts';

// Each screen is its own chunk, loaded when first opened: the first page downloads the shell and one screen.
const DashboardPage = lazyRouteComponent(() => import('./dashboard/DashboardPage.tsx'), 'DashboardPage');
const AcknowledgePage = lazyRouteComponent(() => import('./alerts/AcknowledgePage.tsx'), 'AcknowledgePage');
const AlertsPage = lazyRouteComponent(() => import('./alerts/AlertsPage.tsx'), 'AlertsPage');
const DeviceDetailPage = lazyRouteComponent(() => import('./devices/DeviceDetailPage.tsx'), 'DeviceDetailPage');
const DevicesPage = lazyRouteComponent(() => import('./devices/DevicesPage.tsx'), 'DevicesPage');
const ForgotPasswordPage = lazyRouteComponent(() => import('./session/PasswordResetPages.tsx'), 'ForgotPasswordPage');
const ResetPasswordPage = lazyRouteComponent(() => import('./session/PasswordResetPages.tsx'), 'ResetPasswordPage');
const RegisterPage = lazyRouteComponent(() => import('./session/RegisterPage.tsx'), 'RegisterPage');
const SignInPage = lazyRouteComponent(() => import('./session/SignInPage.tsx'), 'SignInPage');
const OrganizationsPage = lazyRouteComponent(
  () => import('./organizations/OrganizationsPage.tsx'),
  'OrganizationsPage',
);
const AuditPage = lazyRouteComponent(() => import('./audit/AuditPage.tsx'), 'AuditPage');
const BillingPage = lazyRouteComponent(() => import('./billing/BillingPage.tsx'), 'BillingPage');
const ServersPage = lazyRouteComponent(() => import('./servers/ServersPage.tsx'), 'ServersPage');
const FirmwarePage = lazyRouteComponent(() => import('./firmware/FirmwarePage.tsx'), 'FirmwarePage');
const BackupsPage = lazyRouteComponent(() => import('./backups/BackupsPage.tsx'), 'BackupsPage');
const JobDetailPage = lazyRouteComponent(() => import('./jobs/JobDetailPage.tsx'), 'JobDetailPage');
const JobsPage = lazyRouteComponent(() => import('./jobs/JobsPage.tsx'), 'JobsPage');
const SettingsPage = lazyRouteComponent(() => import('./settings/SettingsPage.tsx'), 'SettingsPage');
const ChatPage = lazyRouteComponent(() => import('./chat/ChatPage.tsx'), 'ChatPage');
const SpacePage = lazyRouteComponent(() => import('./space/SpacePage.tsx'), 'SpacePage');
const UsersPage = lazyRouteComponent(() => import('./users/UsersPage.tsx'), 'UsersPage');
const LocationsPage = lazyRouteComponent(() => import('./locations/LocationsPage.tsx'), 'LocationsPage');
const DownloadsPage = lazyRouteComponent(() => import('./downloads/DownloadsPage.tsx'), 'DownloadsPage');
const HelpPage = lazyRouteComponent(() => import('./help/HelpPage.tsx'), 'HelpPage');

export interface RouterContext {
  queryClient: QueryClient;
}

function RouteError({ error }: ErrorComponentProps) {
  const { t } = useTranslation();
  const router = useRouter();
  return (
    <Center mih="60vh" p="md">
      <Alert color="red" variant="light" role="alert" title={t('shell.loadFailed')} maw={480}>
        <Stack gap="sm" align="flex-start">
          {t(errorKey(error))}
          <Button size="xs" variant="light" color="red" onClick={() => void router.invalidate()}>
            {t('action.retry')}
          </Button>
        </Stack>
      </Alert>
    </Center>
  );
}

function RoutePending() {
  return (
    <Center mih="40vh">
      <Loader aria-hidden />
    </Center>
  );
}

const rootRoute = createRootRouteWithContext<RouterContext>()({ component: Outlet });

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: (search: Record<string, unknown>): SignInSearch => parseSignInSearch(search),
  beforeLoad: async ({ context }) => {
    const session = await context.queryClient.ensureQueryData(sessionQueryOptions);
    // `throw: true` makes redirect() throw its own Response (lint allows only Errors to be thrown by hand).
    if (session) redirect({ to: '/dashboard', throw: true });
  },
  component: function SignInRoute() {
    const { redirect: redirectTo, error, organization } = signInRoute.useSearch();
    return <SignInPage redirectTo={redirectTo} error={error} organization={organization} />;
  },
});

const tokenSearch = (search: Record<string, unknown>): { token: string } => ({
  token: typeof search.token === 'string' ? search.token : '',
});

const registerRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/register',
  validateSearch: tokenSearch,
  component: function RegisterRoute() {
    const { token } = registerRoute.useSearch();
    return <RegisterPage token={token} />;
  },
});

const resetPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/reset-password',
  validateSearch: tokenSearch,
  component: function ResetPasswordRoute() {
    const { token } = resetPasswordRoute.useSearch();
    return <ResetPasswordPage token={token} />;
  },
});

const forgotPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/forgot-password',
  component: ForgotPasswordPage,
});

const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: async ({ context, location }) => {
    const session = await context.queryClient.ensureQueryData(sessionQueryOptions);
    if (!session) {
      redirect({ to: '/sign-in', search: location.href === '/' ? {} : { redirect: location.href }, throw: true });
    }
  },
  component: AppLayout,
});

const indexRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  beforeLoad: () => {
    redirect({ to: '/dashboard', throw: true });
  },
});

const dashboardRoute = createRoute({ getParentRoute: () => appRoute, path: '/dashboard', component: DashboardPage });
const alertsRoute = createRoute({ getParentRoute: () => appRoute, path: '/alerts', component: AlertsPage });
const serversRoute = createRoute({ getParentRoute: () => appRoute, path: '/servers', component: ServersPage });
const jobsRoute = createRoute({ getParentRoute: () => appRoute, path: '/jobs', component: JobsPage });
const jobDetailRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/jobs/$id',
  component: function JobDetailRoute() {
    const { id } = jobDetailRoute.useParams();
    return <JobDetailPage key={id} id={id} />;
  },
});
const firmwareRoute = createRoute({ getParentRoute: () => appRoute, path: '/firmware', component: FirmwarePage });
const backupsRoute = createRoute({ getParentRoute: () => appRoute, path: '/backups', component: BackupsPage });
const usersRoute = createRoute({ getParentRoute: () => appRoute, path: '/users', component: UsersPage });
const locationsRoute = createRoute({ getParentRoute: () => appRoute, path: '/locations', component: LocationsPage });
const downloadsRoute = createRoute({ getParentRoute: () => appRoute, path: '/downloads', component: DownloadsPage });
const helpRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/help',
  validateSearch: (search: Record<string, unknown>): { screen?: HelpScreen } => {
    const screen = parseHelpScreen(search.screen);
    return screen ? { screen } : {};
  },
  component: function HelpRoute() {
    return <HelpPage screen={helpRoute.useSearch().screen} />;
  },
});
const organizationsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/organizations',
  component: OrganizationsPage,
});
const auditRoute = createRoute({ getParentRoute: () => appRoute, path: '/audit', component: AuditPage });
const billingRoute = createRoute({ getParentRoute: () => appRoute, path: '/billing', component: BillingPage });
const settingsRoute = createRoute({ getParentRoute: () => appRoute, path: '/settings', component: SettingsPage });
const chatRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/chat',
  validateSearch: (search: Record<string, unknown>): { c?: string } =>
    typeof search.c === 'string' ? { c: search.c } : {},
  component: function ChatRoute() {
    const { c } = chatRoute.useSearch();
    const navigate = chatRoute.useNavigate();
    return <ChatPage conversationId={c} onSelect={(id) => void navigate({ search: { c: id } })} />;
  },
});
const spaceRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/space',
  validateSearch: (search: Record<string, unknown>): { linked?: string; error?: string } => ({
    ...(typeof search.linked === 'string' ? { linked: search.linked } : {}),
    ...(typeof search.error === 'string' ? { error: search.error } : {}),
  }),
  component: function SpaceRoute() {
    const outcome = spaceRoute.useSearch();
    return <SpacePage outcome={outcome} />;
  },
});

const devicesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/devices',
  validateSearch: (search: Record<string, unknown>): DevicesSearch => parseDevicesSearch(search),
  component: function DevicesRoute() {
    const filters = devicesRoute.useSearch();
    const navigate = devicesRoute.useNavigate();
    return <DevicesPage filters={filters} onFiltersChange={(next) => void navigate({ search: next, replace: true })} />;
  },
});

const deviceDetailRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/devices/$id',
  component: function DeviceDetailRoute() {
    const { id } = deviceDetailRoute.useParams();
    return <DeviceDetailPage key={id} id={id} />;
  },
});

/** The acknowledge link of an alert message: works without signing in. */
const acknowledgeRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/alerts/acknowledge',
  validateSearch: (search: Record<string, unknown>): { token: string } => ({
    token: typeof search.token === 'string' ? search.token : '',
  }),
  component: function AcknowledgeRoute() {
    const { token } = acknowledgeRoute.useSearch();
    return <AcknowledgePage token={token} />;
  },
});

const routeTree = rootRoute.addChildren([
  acknowledgeRoute,
  signInRoute,
  registerRoute,
  resetPasswordRoute,
  forgotPasswordRoute,
  appRoute.addChildren([
    alertsRoute,
    indexRoute,
    dashboardRoute,
    devicesRoute,
    deviceDetailRoute,
    serversRoute,
    jobsRoute,
    jobDetailRoute,
    firmwareRoute,
    backupsRoute,
    usersRoute,
    locationsRoute,
    downloadsRoute,
    helpRoute,
    organizationsRoute,
    auditRoute,
    billingRoute,
    settingsRoute,
    chatRoute,
    spaceRoute,
  ]),
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultErrorComponent: RouteError,
    // Also the Suspense fallback while a screen's chunk loads.
    defaultPendingComponent: RoutePending,
    defaultPreload: false,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
