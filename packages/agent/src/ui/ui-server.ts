import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { errorCatalog, isAppError, type ErrorCode } from '@tutti/protocol';
import { hubUrlSchema } from '../config/agent-config.ts';
import type { Agent } from '../agent.ts';
import type { MonitoredDevice } from '../sessions/device-monitor.ts';
import { renderPage } from './page.ts';
import { isUiLocale, uiLocales, type UiLocale } from './strings.ts';

export interface UiServerOptions {
  agent: Pick<Agent, 'status' | 'configureHub' | 'setSubnet' | 'rescan' | 'updateNow'>;
  log: Logger;
}

export interface UiServer {
  readonly app: FastifyInstance;
  /** Listens and returns the base URL. */
  listen(host: string, port: number): Promise<string>;
  close(): Promise<void>;
}

export const hubRequestSchema = z.strictObject({
  url: hubUrlSchema,
  agentName: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256).optional(),
  organization: z
    .string()
    .trim()
    .max(64)
    .optional()
    .transform((value) => (value === '' ? undefined : value)),
});

export const subnetRequestSchema = z.strictObject({
  subnet: z.string().trim().min(1).max(32),
  enabled: z.boolean(),
  interfaceName: z.string().trim().min(1).max(32).nullable().optional(),
});

/** `GET /api/status?limit=` pages the device list (the page shows thousands of devices one page at a time). */
export const statusQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1_000).optional(),
  /** Matches serial number, name, model, IP address or connection path, case-insensitively. */
  q: z.string().trim().max(100).optional(),
  /** `1`: only devices whose status is not Healthy. */
  issues: z.enum(['0', '1']).optional(),
});

type StatusQuery = z.infer<typeof statusQuerySchema>;

function devicePage(
  devices: readonly MonitoredDevice[],
  query: StatusQuery,
): { devices: MonitoredDevice[]; deviceTotal: number; deviceMatches: number; offset: number } {
  const needle = query.q?.toLowerCase() ?? '';
  const matches = devices.filter(
    (device) =>
      (query.issues !== '1' || device.status !== 'healthy') &&
      (needle === '' ||
        [device.serial, device.name, device.modelName, device.model, device.accessIp, device.connectionPath].some(
          (field) => field.toLowerCase().includes(needle),
        )),
  );
  const limit = query.limit ?? matches.length;
  // A page past the end (the list shrank) shows the last page.
  const offset = Math.min(query.offset, Math.max(0, Math.floor((matches.length - 1) / limit) * limit));
  return {
    devices: matches.slice(offset, offset + limit),
    deviceTotal: devices.length,
    deviceMatches: matches.length,
    offset,
  };
}

const fastifyErrorCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
};

function sendError(reply: FastifyReply, code: ErrorCode, details?: unknown, message?: string): FastifyReply {
  return reply.status(errorCatalog[code].status).send({
    error: { code, message: message ?? errorCatalog[code].message, ...(details === undefined ? {} : { details }) },
  });
}

const loopbackHostnames = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function hostnameOf(hostHeader: string): string {
  try {
    return new URL(`http://${hostHeader}`).hostname;
  } catch {
    return '';
  }
}

/**
 * Refuses state-changing requests from other origins (CSRF): a browser names the page's origin in `Origin` (or at
 * least `Referer`), and it must be this server. While the UI listens on loopback, the Host header must be a
 * loopback name too, so a DNS-rebound page cannot reach the API.
 */
function requestIsTrusted(request: FastifyRequest, boundToLoopback: boolean): boolean {
  const host = request.headers.host ?? '';
  if (boundToLoopback && !loopbackHostnames.has(hostnameOf(host))) return false;
  if (request.method === 'GET' || request.method === 'HEAD') return true;
  const source = request.headers.origin ?? request.headers.referer;
  if (source === undefined) return true;
  try {
    return new URL(source).host === host;
  } catch {
    return false;
  }
}

/** `?lang=` first, else the browser's preferred language we have; the page then prefers the one the user picked. */
function pageLocale(request: FastifyRequest): UiLocale {
  const lang = (request.query as Record<string, unknown> | undefined)?.lang;
  if (isUiLocale(lang)) return lang;
  const accepted = (request.headers['accept-language'] ?? '').split(',').map((part) => part.split(';')[0]!.trim());
  for (const tag of accepted) {
    const exact = uiLocales.find((locale) => locale.toLowerCase() === tag.toLowerCase());
    if (exact) return exact;
    const base = uiLocales.find((locale) => locale.split('-')[0] === tag.split('-')[0]!.toLowerCase());
    if (base) return base;
  }
  return 'en';
}

/** The agent's local web UI: one page and a small JSON API. */
export function createUiServer(options: UiServerOptions): UiServer {
  const { agent, log } = options;
  let boundToLoopback = true;
  const logger: FastifyBaseLogger = log;
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: 64 * 1024,
    logController: new LogController({ disableRequestLogging: true }),
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isAppError(error)) return sendError(reply, error.code, error.details, error.message);
    if (error instanceof z.ZodError) {
      return sendError(reply, 'VALIDATION_FAILED', {
        issues: error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
      });
    }
    const mapped = error.code ? fastifyErrorCodes[error.code] : undefined;
    if (mapped) return sendError(reply, mapped);
    request.log.error({ err: error }, 'request failed');
    void reply.header('x-request-id', request.id);
    return sendError(reply, 'INTERNAL');
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 'NOT_FOUND'));

  app.addHook('onRequest', async (request, reply) => {
    if (!requestIsTrusted(request, boundToLoopback)) {
      log.warn({ method: request.method, url: request.url, origin: request.headers.origin }, 'request refused');
      await sendError(reply, 'FORBIDDEN');
    }
  });

  app.get('/', async (request, reply) => {
    await reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
      .header('x-frame-options', 'DENY')
      .header('vary', 'accept-language')
      .send(renderPage(pageLocale(request)));
  });

  app.get('/api/status', (request) => {
    const status = agent.status();
    const query = statusQuerySchema.parse(request.query);
    return query.limit === undefined ? status : { ...status, ...devicePage(status.devices, query) };
  });

  app.post('/api/hub', (request) => {
    const body = hubRequestSchema.parse(request.body);
    agent.configureHub(body);
    return { link: agent.status().link };
  });

  app.delete('/api/hub', () => {
    agent.configureHub(null);
    return { link: agent.status().link };
  });

  app.post('/api/subnets', (request) => {
    const body = subnetRequestSchema.parse(request.body);
    return { subnet: agent.setSubnet(body) };
  });

  app.post('/api/rescan', () => {
    agent.rescan();
    return { ok: true };
  });

  app.post('/api/update', async () => {
    const installed = await agent.updateNow();
    return { installed, update: agent.status().update };
  });

  return {
    app,
    async listen(host, port) {
      boundToLoopback = loopbackHostnames.has(host) || host.startsWith('127.');
      await app.listen({ host, port });
      const address = app.server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      return `http://${shownHost}:${actualPort}`;
    },
    async close() {
      await app.close();
    },
  };
}
