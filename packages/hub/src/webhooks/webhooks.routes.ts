import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  API_PREFIX,
  createWebhookRequestSchema,
  errorBodySchema,
  idParamsSchema,
  updateWebhookRequestSchema,
  webhookDeliveryListQuerySchema,
  webhookDeliveryListSchema,
  webhookSecretResponseSchema,
  webhookSubscriptionDtoSchema,
  webhookSubscriptionListSchema,
} from '@tutti/protocol';
import { clientInfo, requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import {
  createWebhook,
  listWebhookDeliveries,
  listWebhooks,
  removeWebhook,
  rotateWebhookSecret,
  sendTestWebhook,
  updateWebhook,
} from './webhooks.service.ts';

export function registerWebhookRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

  routes.get(
    `${API_PREFIX}/webhooks`,
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Webhook subscriptions of the current organization',
        response: { 200: webhookSubscriptionListSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'webhooks.manage');
      return withTenant(context.db, auth.orgIds, (tx) => listWebhooks(tx, auth.orgId));
    },
  );

  routes.post(
    `${API_PREFIX}/webhooks`,
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Subscribe a URL to event types; answers the signing secret, shown only this once',
        body: createWebhookRequestSchema,
        response: { 201: webhookSecretResponseSchema, ...denied },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'webhooks.manage');
      const created = await withTenant(context.db, auth.orgIds, (tx) =>
        createWebhook(tx, context, auth, request.body, clientInfo(request)),
      );
      return reply.status(201).send(created);
    },
  );

  routes.patch(
    `${API_PREFIX}/webhooks/:id`,
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Change the URL, event types or description, or turn a subscription off and on',
        params: idParamsSchema,
        body: updateWebhookRequestSchema,
        response: { 200: webhookSubscriptionDtoSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'webhooks.manage');
      return updateWebhook(context, auth, request.params.id, request.body, clientInfo(request));
    },
  );

  routes.delete(
    `${API_PREFIX}/webhooks/:id`,
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Remove a subscription and its delivery log',
        params: idParamsSchema,
        response: { 204: z.null(), ...denied, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'webhooks.manage');
      await withTenant(context.db, auth.orgIds, (tx) =>
        removeWebhook(tx, context, auth, request.params.id, clientInfo(request)),
      );
      return reply.status(204).send(null);
    },
  );

  routes.post(
    `${API_PREFIX}/webhooks/:id/secret`,
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Replace the signing secret; answers the new one, shown only this once',
        params: idParamsSchema,
        response: { 200: webhookSecretResponseSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'webhooks.manage');
      return withTenant(context.db, auth.orgIds, (tx) =>
        rotateWebhookSecret(tx, context, auth, request.params.id, clientInfo(request)),
      );
    },
  );

  routes.post(
    `${API_PREFIX}/webhooks/:id/test`,
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Queue a signed webhook.test delivery to this subscription; it shows in the delivery log',
        params: idParamsSchema,
        response: { 202: webhookSubscriptionDtoSchema, ...denied, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'webhooks.manage');
      const subscription = await sendTestWebhook(context, auth, request.params.id, clientInfo(request));
      return reply.status(202).send(subscription);
    },
  );

  routes.get(
    `${API_PREFIX}/webhooks/:id/deliveries`,
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Latest deliveries of a subscription with every attempt (status code or error, duration)',
        params: idParamsSchema,
        querystring: webhookDeliveryListQuerySchema,
        response: { 200: webhookDeliveryListSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'webhooks.manage');
      return withTenant(context.db, auth.orgIds, (tx) =>
        listWebhookDeliveries(tx, auth.orgId, request.params.id, request.query),
      );
    },
  );
}
