import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { appError } from '@tutti/protocol';
import type { HubContext } from '../hub-context.ts';
import type { HubMetrics } from './hub-metrics.ts';

export const METRICS_PATH = '/metrics';

/** Times every HTTP request by its route pattern (never the raw URL, which would make a series per device id). */
export function installHttpMetrics(app: FastifyInstance, metrics: HubMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequestSeconds.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * `/metrics` in the Prometheus text format, for the scraper of each hub node (not through the load balancer).
 * With `metricsToken` set, the scraper sends it as a Bearer token.
 */
export function registerMetricsRoutes(app: FastifyInstance, context: HubContext): void {
  context.metrics.gauge({
    name: 'tutti_agents_connected',
    help: 'Local Agents holding a link to this hub node.',
    read: () => context.agentLinks.sockets.size,
  });
  app.get(METRICS_PATH, async (request, reply) => {
    const token = context.config.metricsToken;
    if (token && !bearerMatches(request.headers.authorization, token)) throw appError('UNAUTHENTICATED');
    const { contentType, body } = await context.metrics.render();
    return reply.type(contentType).send(body);
  });
}
