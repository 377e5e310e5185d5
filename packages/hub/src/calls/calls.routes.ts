import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  API_PREFIX,
  callDtoSchema,
  callListSchema,
  callSettingsSchema,
  errorBodySchema,
  idParamsSchema,
  startCallRequestSchema,
} from '@tutti/protocol';
import { clientInfo, requirePermission } from '../auth/index.ts';
import { chatCallerOf } from '../chat/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { createCallRinger } from './call-ringer.ts';
import { actOnCall, listCalls, startCall, type CallAction } from './calls.service.ts';

const actions = ['accept', 'decline', 'hang-up'] as const satisfies readonly CallAction[];

export function registerCallRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };
  const caller = (request: FastifyRequest) => chatCallerOf(requirePermission(request, 'chat.use'));
  const ringer = createCallRinger(context);
  app.addHook('onClose', async () => ringer.close());

  routes.get(
    `${API_PREFIX}/calls/settings`,
    {
      schema: {
        tags: ['calls'],
        summary: 'STUN/TURN servers for WebRTC and the ring time',
        response: { 200: callSettingsSchema, ...denied },
      },
    },
    async (request) => {
      caller(request);
      return { iceServers: context.config.iceServers, ringSeconds: context.config.callRingSeconds };
    },
  );

  routes.get(
    `${API_PREFIX}/calls`,
    {
      schema: {
        tags: ['calls'],
        summary: "The caller's call log, most recent first",
        response: { 200: callListSchema, ...denied },
      },
    },
    async (request) => {
      const me = caller(request);
      return withTenant(context.db, [me.orgId], (tx) => listCalls(tx, me));
    },
  );

  routes.post(
    `${API_PREFIX}/calls`,
    {
      schema: {
        tags: ['calls'],
        summary: 'Call a person of the organization (audio or video); it rings until answered or the ring time ends',
        body: startCallRequestSchema,
        response: { 201: callDtoSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      const me = caller(request);
      const change = await withTenant(context.db, [me.orgId], (tx) =>
        startCall(tx, me, request.body, clientInfo(request), context.clock.now()),
      );
      context.chatBus.publish(change.event);
      ringer.ring(me.orgId, change.call.id);
      return reply.status(201).send(change.call);
    },
  );

  for (const action of actions) {
    routes.post(
      `${API_PREFIX}/calls/:id/${action}`,
      {
        schema: {
          tags: ['calls'],
          summary:
            action === 'hang-up'
              ? 'Hang up (a call nobody answered is then missed)'
              : `${action === 'accept' ? 'Accept' : 'Decline'} a ringing call`,
          params: idParamsSchema,
          response: { 200: callDtoSchema, ...denied, 404: errorBodySchema, 409: errorBodySchema },
        },
      },
      async (request) => {
        const me = caller(request);
        const change = await withTenant(context.db, [me.orgId], (tx) =>
          actOnCall(tx, me, request.params.id, action, clientInfo(request), context.clock.now()),
        );
        context.chatBus.publish(change.event);
        return change.call;
      },
    );
  }
}
