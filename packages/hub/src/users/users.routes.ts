import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  acceptInvitationRequestSchema,
  API_PREFIX,
  errorBodySchema,
  idParamsSchema,
  invitationInfoSchema,
  invitationTokenParamsSchema,
  inviteUsersRequestSchema,
  inviteUsersResultSchema,
  orgUserDtoSchema,
  updateUserRequestSchema,
  userListQuerySchema,
  userListSchema,
} from '@tutti/protocol';
import { clientInfo, requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import {
  acceptInvitation,
  getInvitation,
  getUser,
  inviteUsers,
  listUsers,
  removeUser,
  resendInvitation,
  updateUser,
} from './users.service.ts';

export function registerUserRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

  routes.get(
    `${API_PREFIX}/users`,
    {
      schema: {
        tags: ['users'],
        summary: 'People of the current organization (the Users table): search, filter, sort, page',
        querystring: userListQuerySchema,
        response: { 200: userListSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'users.view');
      return withTenant(context.db, auth.orgIds, (tx) => listUsers(tx, auth.orgId, request.query));
    },
  );

  routes.post(
    `${API_PREFIX}/users/invitations`,
    {
      schema: {
        tags: ['users'],
        summary: 'Add users: invite one or more email addresses with a role and language',
        body: inviteUsersRequestSchema,
        response: { 201: inviteUsersResultSchema, ...denied, 409: errorBodySchema, 502: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'users.manage');
      const items = await withTenant(context.db, auth.orgIds, (tx) =>
        inviteUsers(tx, context.mailer, context.config, auth, request.body, clientInfo(request)),
      );
      return reply.status(201).send({ items });
    },
  );

  routes.get(
    `${API_PREFIX}/users/:id`,
    {
      schema: {
        tags: ['users'],
        summary: 'One person of the current organization',
        params: idParamsSchema,
        response: { 200: orgUserDtoSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'users.view');
      return withTenant(context.db, auth.orgIds, (tx) => getUser(tx, auth.orgId, request.params.id));
    },
  );

  routes.patch(
    `${API_PREFIX}/users/:id`,
    {
      schema: {
        tags: ['users'],
        summary: 'Change a person’s role, or disable / enable them, in the current organization',
        params: idParamsSchema,
        body: updateUserRequestSchema,
        response: { 200: orgUserDtoSchema, ...denied, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'users.manage');
      return withTenant(context.db, auth.orgIds, (tx) =>
        updateUser(tx, auth, request.params.id, request.body, clientInfo(request)),
      );
    },
  );

  routes.delete(
    `${API_PREFIX}/users/:id`,
    {
      schema: {
        tags: ['users'],
        summary: 'Remove a person from the current organization (their accounts elsewhere stay)',
        params: idParamsSchema,
        response: { 204: z.null(), ...denied, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'users.manage');
      await withTenant(context.db, auth.orgIds, (tx) => removeUser(tx, auth, request.params.id, clientInfo(request)));
      return reply.status(204).send(null);
    },
  );

  routes.post(
    `${API_PREFIX}/users/:id/resend-invitation`,
    {
      schema: {
        tags: ['users'],
        summary: 'Send a new invitation link (the previous one stops working)',
        params: idParamsSchema,
        body: z.strictObject({}).optional(),
        response: { 204: z.null(), ...denied, 404: errorBodySchema, 409: errorBodySchema, 502: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'users.manage');
      await withTenant(context.db, auth.orgIds, (tx) =>
        resendInvitation(tx, context.mailer, context.config, auth, request.params.id, clientInfo(request)),
      );
      return reply.status(204).send(null);
    },
  );

  routes.get(
    `${API_PREFIX}/auth/invitations/:token`,
    {
      config: { anonymous: true },
      schema: {
        tags: ['auth'],
        summary: 'What an invitation link is for (anonymous): the email, organization and language',
        params: invitationTokenParamsSchema,
        response: { 200: invitationInfoSchema, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => getInvitation(context.db, request.params.token),
  );

  routes.post(
    `${API_PREFIX}/auth/invitations/accept`,
    {
      config: { anonymous: true },
      schema: {
        tags: ['auth'],
        summary: 'Register from an invitation: password, accepted terms, language; then sign in',
        body: acceptInvitationRequestSchema,
        response: { 204: z.null(), 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      await acceptInvitation(context.db, request.body, clientInfo(request));
      return reply.status(204).send(null);
    },
  );
}
