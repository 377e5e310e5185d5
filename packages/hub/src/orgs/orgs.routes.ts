import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  API_PREFIX,
  createOrganizationRequestSchema,
  errorBodySchema,
  idParamsSchema,
  organizationDtoSchema,
  organizationListQuerySchema,
  organizationListSchema,
  updateOrganizationRequestSchema,
} from '@tutti/protocol';
import { clientInfo, requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { createOrganization, getOrganization, listOrganizations, updateOrganization } from './orgs.service.ts';

export function registerOrganizationRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

  routes.get(
    `${API_PREFIX}/organizations`,
    {
      schema: {
        tags: ['organizations'],
        summary: 'Organizations below the current one (a support organization’s clients): search, filter, sort, page',
        querystring: organizationListQuerySchema,
        response: { 200: organizationListSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'orgs.view');
      return withTenant(context.db, auth.orgIds, (tx) => listOrganizations(tx, auth, request.query));
    },
  );

  routes.get(
    `${API_PREFIX}/organizations/:id`,
    {
      schema: {
        tags: ['organizations'],
        summary: 'The current organization or one of its clients',
        params: idParamsSchema,
        response: { 200: organizationDtoSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'orgs.view');
      return withTenant(context.db, auth.orgIds, (tx) => getOrganization(tx, auth, request.params.id));
    },
  );

  routes.post(
    `${API_PREFIX}/organizations`,
    {
      schema: {
        tags: ['organizations'],
        summary: 'Add a client organization with its plan and initial owner (invited by email); dryRun reviews only',
        body: createOrganizationRequestSchema,
        response: { 200: organizationDtoSchema, 201: organizationDtoSchema, ...denied, 409: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'orgs.manage');
      const created = await createOrganization(
        context.db,
        context.mailer,
        context.config,
        auth,
        request.body,
        clientInfo(request),
      );
      return reply.status(request.body.dryRun ? 200 : 201).send(created);
    },
  );

  routes.patch(
    `${API_PREFIX}/organizations/:id`,
    {
      schema: {
        tags: ['organizations'],
        summary: 'Change a client organization’s name, reference, plan, dates or service status',
        params: idParamsSchema,
        body: updateOrganizationRequestSchema,
        response: { 200: organizationDtoSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'orgs.manage');
      return withTenant(context.db, auth.orgIds, (tx) =>
        updateOrganization(tx, auth, request.params.id, request.body, clientInfo(request)),
      );
    },
  );
}
