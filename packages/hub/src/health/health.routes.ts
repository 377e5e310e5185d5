import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { healthSchema } from '@tutti/protocol';
import type { HubContext } from '../hub-context.ts';

export function registerHealthRoutes(app: FastifyInstance, context: HubContext, isReady: () => boolean): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/health/live',
    { schema: { tags: ['health'], summary: 'The process is up', response: { 200: healthSchema } } },
    async () => ({ status: 'ok' as const, checks: {} }),
  );
  routes.get(
    '/health/ready',
    {
      schema: {
        tags: ['health'],
        summary: 'The hub can serve: migrations done and the database answers',
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (_request, reply) => {
      if (!isReady()) return reply.status(503).send({ status: 'starting', checks: { migrations: 'pending' } });
      try {
        await context.db.execute('SELECT 1');
        return { status: 'ok' as const, checks: { database: 'ok' } };
      } catch {
        return reply.status(503).send({ status: 'failing', checks: { database: 'unreachable' } });
      }
    },
  );
}
