import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  acknowledgeAlertRequestSchema,
  acknowledgeLinkRequestSchema,
  acknowledgeLinkResultSchema,
  alertDeliveryListQuerySchema,
  alertDeliveryListSchema,
  alertDtoSchema,
  alertListQuerySchema,
  alertListSchema,
  alertRuleDtoSchema,
  alertRuleListSchema,
  alertRuleRequestSchema,
  API_PREFIX,
  errorBodySchema,
  idParamsSchema,
  maintenanceWindowDtoSchema,
  maintenanceWindowListSchema,
  maintenanceWindowRequestSchema,
} from '@tutti/protocol';
import { clientInfo, requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { listAlertDeliveries } from '../notifications/index.ts';
import {
  acknowledgeAlert,
  acknowledgeByLink,
  createAlertRule,
  createMaintenanceWindow,
  listAlertRules,
  listAlerts,
  listMaintenanceWindows,
  removeAlertRule,
  removeMaintenanceWindow,
  replaceAlertRule,
} from './alerts.service.ts';

export function registerAlertRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };
  const now = () => context.clock.now();

  routes.get(
    `${API_PREFIX}/alerts`,
    {
      schema: {
        tags: ['alerts'],
        summary: 'Alerts of the current organization: unresolved (default), open, acknowledged or resolved',
        querystring: alertListQuerySchema,
        response: { 200: alertListSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'alerts.view');
      return withTenant(context.db, auth.orgIds, (tx) => listAlerts(tx, auth.orgId, request.query));
    },
  );

  routes.post(
    `${API_PREFIX}/alerts/:id/acknowledge`,
    {
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledge an alert: it is marked as seen and no longer escalated',
        params: idParamsSchema,
        body: acknowledgeAlertRequestSchema,
        response: { 200: alertDtoSchema, ...denied, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'alerts.acknowledge');
      return withTenant(context.db, auth.orgIds, (tx) =>
        acknowledgeAlert(tx, auth, request.params.id, clientInfo(request), now()),
      );
    },
  );

  routes.post(
    `${API_PREFIX}/alerts/acknowledge-link`,
    {
      config: { anonymous: true },
      schema: {
        tags: ['alerts'],
        summary: "Acknowledge the alerts of a message through its link's token (works once, no sign-in)",
        body: acknowledgeLinkRequestSchema,
        response: { 200: acknowledgeLinkResultSchema, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => acknowledgeByLink(context, request.body.token, clientInfo(request)),
  );

  routes.get(
    `${API_PREFIX}/alerts/deliveries`,
    {
      schema: {
        tags: ['alerts'],
        summary: 'Every alert message and its delivery attempts (queued, sent, failed with the reason)',
        querystring: alertDeliveryListQuerySchema,
        response: { 200: alertDeliveryListSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'alerts.view');
      return withTenant(context.db, auth.orgIds, (tx) => listAlertDeliveries(tx, auth.orgId, request.query));
    },
  );

  routes.get(
    `${API_PREFIX}/alert-rules`,
    {
      schema: {
        tags: ['alerts'],
        summary: 'Alert rules of the current organization',
        response: { 200: alertRuleListSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'alerts.view');
      return withTenant(context.db, auth.orgIds, (tx) => listAlertRules(tx, auth.orgId));
    },
  );

  routes.post(
    `${API_PREFIX}/alert-rules`,
    {
      schema: {
        tags: ['alerts'],
        summary: 'Add an alert rule: condition, recipients, quiet hours, escalation',
        body: alertRuleRequestSchema,
        response: { 201: alertRuleDtoSchema, ...denied },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'alerts.manage');
      const rule = await withTenant(context.db, auth.orgIds, (tx) =>
        createAlertRule(tx, auth, request.body, context.config, clientInfo(request), now()),
      );
      return reply.status(201).send(rule);
    },
  );

  routes.put(
    `${API_PREFIX}/alert-rules/:id`,
    {
      schema: {
        tags: ['alerts'],
        summary: 'Replace an alert rule',
        params: idParamsSchema,
        body: alertRuleRequestSchema,
        response: { 200: alertRuleDtoSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'alerts.manage');
      return withTenant(context.db, auth.orgIds, (tx) =>
        replaceAlertRule(tx, auth, request.params.id, request.body, context.config, clientInfo(request), now()),
      );
    },
  );

  routes.delete(
    `${API_PREFIX}/alert-rules/:id`,
    {
      schema: {
        tags: ['alerts'],
        summary: 'Delete an alert rule and its alerts',
        params: idParamsSchema,
        response: { 204: z.null(), ...denied, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'alerts.manage');
      await withTenant(context.db, auth.orgIds, (tx) =>
        removeAlertRule(tx, auth, request.params.id, clientInfo(request)),
      );
      return reply.status(204).send(null);
    },
  );

  routes.get(
    `${API_PREFIX}/maintenance-windows`,
    {
      schema: {
        tags: ['alerts'],
        summary: 'Maintenance windows of the current organization, with whether each is in force now',
        response: { 200: maintenanceWindowListSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'alerts.view');
      return withTenant(context.db, auth.orgIds, (tx) => listMaintenanceWindows(tx, auth.orgId, now()));
    },
  );

  routes.post(
    `${API_PREFIX}/maintenance-windows`,
    {
      schema: {
        tags: ['alerts'],
        summary: 'Add a maintenance window (one-off or weekly) for the organization, a location or a device',
        body: maintenanceWindowRequestSchema,
        response: { 201: maintenanceWindowDtoSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'alerts.manage');
      const window = await withTenant(context.db, auth.orgIds, (tx) =>
        createMaintenanceWindow(tx, auth, request.body, clientInfo(request), now()),
      );
      return reply.status(201).send(window);
    },
  );

  routes.delete(
    `${API_PREFIX}/maintenance-windows/:id`,
    {
      schema: {
        tags: ['alerts'],
        summary: 'Delete a maintenance window',
        params: idParamsSchema,
        response: { 204: z.null(), ...denied, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'alerts.manage');
      await withTenant(context.db, auth.orgIds, (tx) =>
        removeMaintenanceWindow(tx, auth, request.params.id, clientInfo(request)),
      );
      return reply.status(204).send(null);
    },
  );
}
