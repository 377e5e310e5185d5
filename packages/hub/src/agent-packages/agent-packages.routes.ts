import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AGENT_LINK_PATH,
  API_PREFIX,
  agentPackageListSchema,
  agentVersionSchema,
  appError,
  errorBodySchema,
  isAppError,
  signedAgentPackageSchema,
} from '@tutti/protocol';
import { authenticateAgent } from '../agents/index.ts';
import { requirePermission } from '../auth/index.ts';
import type { HubContext } from '../hub-context.ts';
import { latestAgentPackage, listAgentPackages, openAgentPackageArchive } from './agent-packages.service.ts';

const versionParamsSchema = z.strictObject({ version: agentVersionSchema });

/** `Authorization: Basic name:password` of an agent server account; throttled like the agent link's hello. */
async function requireAgent(request: FastifyRequest, context: HubContext): Promise<void> {
  const header = request.headers.authorization ?? '';
  const decoded = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon < 1) throw appError('UNAUTHENTICATED');
  const name = decoded.slice(0, colon);
  const organization = request.headers['x-tutti-organization'];
  const limiterKey = `agent:${name}`;
  if ((await context.signInLimiter.retryAfterSeconds(limiterKey, request.ip)) > 0) throw appError('RATE_LIMITED');
  try {
    await authenticateAgent(
      context.db,
      name,
      decoded.slice(colon + 1),
      typeof organization === 'string' ? organization : undefined,
    );
  } catch (error) {
    if (isAppError(error)) await context.signInLimiter.recordFailure(limiterKey, request.ip);
    throw error;
  }
}

async function sendArchive(reply: FastifyReply, dir: string, version: string): Promise<FastifyReply> {
  const { signed, stream } = await openAgentPackageArchive(dir, version);
  return reply
    .header('content-type', 'application/gzip')
    .header('content-length', signed.manifest.size)
    .header('content-disposition', `attachment; filename="${signed.manifest.file}"`)
    .header('x-content-sha256', signed.manifest.sha256)
    .send(stream);
}

export function registerAgentPackageRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const dir = context.config.agentPackagesDir;
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

  routes.get(
    `${API_PREFIX}/agent-packages`,
    {
      schema: {
        tags: ['servers'],
        summary: 'Local Agent packages this hub offers for download and self-update, newest first',
        response: { 200: agentPackageListSchema, ...denied },
      },
    },
    async (request) => {
      requirePermission(request, 'servers.view');
      return listAgentPackages(dir);
    },
  );

  routes.get(
    `${API_PREFIX}/agent-packages/:version/archive`,
    {
      schema: {
        tags: ['servers'],
        summary: 'Download a Local Agent package (tar.gz with the bundled agent, install script and service unit)',
        params: versionParamsSchema,
        response: { ...denied, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      requirePermission(request, 'servers.view');
      return sendArchive(reply, dir, request.params.version);
    },
  );

  routes.get(
    `${AGENT_LINK_PATH}/packages/latest`,
    {
      schema: {
        tags: ['servers'],
        summary: "The newest package's signed manifest, for an agent checking for updates (agent account, Basic)",
        response: { 200: signedAgentPackageSchema, ...denied, 404: errorBodySchema, 429: errorBodySchema },
      },
    },
    async (request) => {
      await requireAgent(request, context);
      return latestAgentPackage(dir);
    },
  );

  routes.get(
    `${AGENT_LINK_PATH}/packages/:version/archive`,
    {
      schema: {
        tags: ['servers'],
        summary: 'A package archive, for an agent updating itself (agent account, Basic)',
        params: versionParamsSchema,
        response: { ...denied, 404: errorBodySchema, 429: errorBodySchema },
      },
    },
    async (request, reply) => {
      await requireAgent(request, context);
      return sendArchive(reply, dir, request.params.version);
    },
  );
}
