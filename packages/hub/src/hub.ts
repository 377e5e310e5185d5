import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import type { Server } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyHttpOptions, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { pino, type Logger } from 'pino';
import { API_PREFIX, AGENT_LINK_PATH, LIVE_PATH } from '@tutti/protocol';
import { registerAgentPackageRoutes } from './agent-packages/index.ts';
import { agentLinkSocketOptions, createAgentLinks, registerAgentLink } from './agents/index.ts';
import { registerAlertRoutes, scheduleAlertTasks } from './alerts/index.ts';
import { systemClock, type Clock } from './clock/index.ts';
import { createMailer, createSignInLimiter, registerAuth } from './auth/index.ts';
import { registerAuditRoutes } from './audit/index.ts';
import { loadHubConfig, type HubConfig, type HubConfigInput } from './config/hub-config.ts';
import { openDatabase, type Database } from './db/index.ts';
import { registerDashboardRoutes } from './dashboard/index.ts';
import { registerDeviceRoutes } from './devices/index.ts';
import { registerBackupRoutes } from './backups/index.ts';
import { registerDeviceLogRoutes, scheduleDeviceLogTasks } from './device-logs/index.ts';
import { registerConfigurationRoutes } from './configurations/index.ts';
import { registerFirmwareRoutes } from './firmware/index.ts';
import { createJobDispatcher, registerJobRoutes, scheduleJobTimeouts } from './jobs/index.ts';
import { registerLocationRoutes } from './locations/index.ts';
import { registerHealthRoutes } from './health/health.routes.ts';
import type { HubContext } from './hub-context.ts';
import { installErrorHandling } from './http/error-handler.ts';
import { httpsOptionsOf } from './http/tls.ts';
import { registerOrganizationRoutes } from './orgs/index.ts';
import { registerServerRoutes } from './servers/index.ts';
import { registerLicenseRoutes } from './licenses/index.ts';
import { createHubMetrics, installHttpMetrics, registerMetricsRoutes } from './metrics/index.ts';
import { createScheduler } from './scheduler/index.ts';
import { emitWebhookEvent, registerWebhookRoutes, scheduleWebhookTasks } from './webhooks/index.ts';
import { registerBillingRoutes, scheduleBillingTasks } from './billing/index.ts';
import { createSecretBox } from './secrets/index.ts';
import { registerSettingsRoutes } from './settings/index.ts';
import { createDirectorySignIn, registerSignInProviderRoutes } from './sign-in-providers/index.ts';
import { registerTokenRoutes } from './tokens/index.ts';
import { registerUserRoutes } from './users/index.ts';
import { registerVoipRoutes } from './voip/index.ts';
import { createLocalChatBus, registerChatRoutes, registerChatSocket, type ChatBus } from './chat/index.ts';
import { registerCallRoutes } from './calls/index.ts';
import { registerSpaceRoutes } from './space/index.ts';
import {
  createLocalLiveBus,
  createNatsLiveBus,
  createRelayedChatBus,
  registerLiveRoutes,
  type LiveBus,
} from './live/index.ts';

export interface CreateHubOptions {
  /** Settings; anything left out comes from the environment and defaults (see loadHubConfig). */
  config?: HubConfigInput;
  /** An already opened database (tests pass a copy of a migrated template). */
  database?: Database;
  logger?: Logger;
  bus?: LiveBus;
  chatBus?: ChatBus;
  /** Defaults to the system clock. */
  clock?: Clock;
}

export interface Hub {
  app: FastifyInstance;
  config: HubConfig;
  database: Database;
  context: HubContext;
  /** Migrates the database and starts listening; resolves with the base URL. */
  start(): Promise<string>;
  close(): Promise<void>;
  url(): string;
}

function createLogger(config: HubConfig): Logger {
  return pino({
    level: config.logLevel,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', 'password'],
      censor: '[redacted]',
    },
    ...(config.prettyLogs ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss' } } } : {}),
  });
}

/** Builds a hub node: the HTTP API, WebSockets for agents and browsers, and the web app. Listens only on start(). */
export async function createHub(options: CreateHubOptions = {}): Promise<Hub> {
  const config = loadHubConfig(process.env, options.config);
  const log = options.logger ?? createLogger(config);
  const database =
    options.database ??
    (await openDatabase(
      config.databaseUrl
        ? { kind: 'postgres', url: config.databaseUrl }
        : { kind: 'pglite', dataDir: join(config.dataDir, 'pglite') },
    ));

  // Typed as Fastify's base logger so the app keeps the default FastifyInstance type plugins expect.
  const fastifyLogger: FastifyBaseLogger = log;
  const https = httpsOptionsOf(config);
  const fastifyOptions: FastifyHttpOptions<Server> = {
    loggerInstance: fastifyLogger,
    logController: new LogController({
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy ?? false,
  };
  // With certificates the server is an https.Server; typed as the plain HTTP instance every plugin expects, which it
  // behaves like (same request handler, upgrade and listen).
  const app = Fastify(https ? ({ ...fastifyOptions, https } as FastifyHttpOptions<Server>) : fastifyOptions);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const secrets = createSecretBox({ secretKey: config.secretKey, secretKeyFile: config.secretKeyFile });
  const clock = options.clock ?? systemClock;
  const metrics = createHubMetrics(log);
  const bus =
    options.bus ?? (config.natsUrl ? await createNatsLiveBus({ url: config.natsUrl, log }) : createLocalLiveBus());
  const agentLinks = createAgentLinks(bus);
  const context: HubContext = {
    config,
    clock,
    db: database.db,
    bus,
    // With NATS, chat and call signalling ride the live bus to the other nodes.
    chatBus: options.chatBus ?? (config.natsUrl ? createRelayedChatBus(bus) : createLocalChatBus()),
    signInLimiter: createSignInLimiter(database.db, clock, {
      perAccount: 5,
      perAddress: 20,
      windowMs: 15 * 60_000,
      lockoutMs: 60_000,
      maxLockoutMs: 60 * 60_000,
    }),
    mailer: createMailer(config.smtp, log),
    metrics,
    log,
    agentLinks,
    jobs: createJobDispatcher({
      db: database.db,
      links: agentLinks,
      bus,
      secrets,
      clock,
      log,
      onJobFinished: ({ orgId, job, failedSerials }) =>
        emitWebhookEvent(
          context,
          orgId,
          'job.finished',
          { job, failedSerials },
          job.finishedAt ? new Date(job.finishedAt) : undefined,
        ),
    }),
    secrets,
    directorySignIn: createDirectorySignIn(database.db, secrets),
    scheduler: createScheduler({ db: database.db, clock, log, metrics }),
  };
  scheduleBillingTasks(context);
  scheduleWebhookTasks(context);
  scheduleAlertTasks(context);
  scheduleJobTimeouts(context);
  scheduleDeviceLogTasks(context);
  const sweep = setInterval(() => {
    context.signInLimiter
      .sweep()
      .catch((error: unknown) => log.warn({ err: error }, 'could not sweep sign-in counters'));
  }, 60_000);
  sweep.unref();

  const webDir = config.webDir && existsSync(join(config.webDir, 'index.html')) ? config.webDir : null;
  installErrorHandling(app, webDir ? 'index.html' : null);
  installHttpMetrics(app, metrics);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        // The hub is often reached over plain HTTP on a LAN or localhost; upgrading would break it.
        upgradeInsecureRequests: null,
        connectSrc: ["'self'", 'ws:', 'wss:'],
      },
    },
    hsts: config.secureCookies,
  });
  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, { options: agentLinkSocketOptions });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Tutti hub API',
        version: '1.0.0',
        description: 'Fleet management for ClearOne AV installations.',
      },
      tags: [
        { name: 'auth', description: 'Sign-in and sessions' },
        { name: 'settings', description: 'Personal settings of the signed-in person' },
        { name: 'billing', description: 'Service plans, usage, invoices and payments of client organizations' },
        { name: 'license', description: 'Enterprise license: customer, Pro Audio device limit, features, expiry' },
        { name: 'sign-in', description: 'Directory sign-in (LDAP) and single sign-on (OIDC) of an organization' },
        { name: 'organizations', description: 'Organization tree: support and client organizations' },
        { name: 'users', description: 'People of an organization and invitations' },
        { name: 'servers', description: 'Local Agent server accounts' },
        { name: 'tokens', description: 'API tokens' },
        { name: 'webhooks', description: 'Webhook subscriptions, signed deliveries and their log' },
        { name: 'audit', description: 'Audit log' },
        { name: 'devices', description: 'Managed devices' },
        { name: 'alerts', description: 'Alert rules, alerts, their messages and maintenance windows' },
        { name: 'jobs', description: 'Operations on many devices: locate, safety mute, reboot, firmware update' },
        { name: 'firmware', description: 'Firmware catalog' },
        { name: 'backups', description: 'Configuration backups of devices, versioned with checksums' },
        { name: 'voip', description: 'VoIP lines of CONVERGE Pro 2 units: provisioning and registration status' },
        { name: 'health', description: 'Liveness and readiness' },
        { name: 'chat', description: 'Conversations, messages, attachments and read markers' },
        { name: 'calls', description: 'Audio and video calls and the call log' },
        { name: 'space', description: 'COLLABORATE Space accounts linked with OAuth2' },
      ],
    },
    transform: jsonSchemaTransform,
    hideUntagged: true,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  let ready = false;
  await app.register(async (scope) => {
    registerHealthRoutes(scope, context, () => ready);
    registerMetricsRoutes(scope, context);
    registerAuth(scope, context);
    registerSettingsRoutes(scope, context);
    registerSignInProviderRoutes(scope, context);
    registerLicenseRoutes(scope, context);
    registerBillingRoutes(scope, context);
    registerOrganizationRoutes(scope, context);
    registerUserRoutes(scope, context);
    registerServerRoutes(scope, context);
    registerAgentPackageRoutes(scope, context);
    registerTokenRoutes(scope, context);
    registerWebhookRoutes(scope, context);
    registerAuditRoutes(scope, context);
    registerDeviceRoutes(scope, context);
    registerAlertRoutes(scope, context);
    registerJobRoutes(scope, context);
    registerFirmwareRoutes(scope, context);
    registerBackupRoutes(scope, context);
    registerDeviceLogRoutes(scope, context);
    registerConfigurationRoutes(scope, context);
    registerVoipRoutes(scope, context);
    registerDashboardRoutes(scope, context);
    registerLocationRoutes(scope, context);
    registerLiveRoutes(scope, context);
    registerChatRoutes(scope, context);
    registerChatSocket(scope, context);
    registerCallRoutes(scope, context);
    registerSpaceRoutes(scope, context);
    registerAgentLink(scope, context);
  });
  if (webDir) {
    await app.register(fastifyStatic, { root: webDir, wildcard: false, index: ['index.html'] });
  }

  let listeningUrl = '';
  return {
    app,
    config,
    database,
    context,
    async start() {
      await database.migrate();
      ready = true;
      listeningUrl = await app.listen({ host: config.host, port: config.port });
      context.scheduler.start();
      context.jobs.start();
      log.info({ url: listeningUrl, api: API_PREFIX, agents: AGENT_LINK_PATH, live: LIVE_PATH }, 'hub listening');
      return listeningUrl;
    },
    async close() {
      clearInterval(sweep);
      await context.scheduler.stop();
      context.jobs.close();
      await app.close();
      context.mailer.close();
      await context.bus.close();
      await context.chatBus.close();
      if (!options.database) await database.close();
    },
    url: () => listeningUrl,
  };
}
