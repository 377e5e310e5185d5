import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  API_PREFIX,
  assignServicePlanRequestSchema,
  createServicePlanRequestSchema,
  errorBodySchema,
  idParamsSchema,
  invoiceDetailSchema,
  invoiceDocumentQuerySchema,
  invoiceListQuerySchema,
  invoiceListSchema,
  recordPaymentRequestSchema,
  servicePlanDtoSchema,
  servicePlanListSchema,
  updateServicePlanRequestSchema,
  usageQuerySchema,
  usageReportSchema,
} from '@tutti/protocol';
import { clientInfo, requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { reconcileOrganizationNow } from './billing-cycle.ts';
import {
  assignServicePlan,
  createServicePlan,
  deleteServicePlan,
  getInvoice,
  listAllInvoicesOf,
  listInvoicesOf,
  listServicePlans,
  recordPayment,
  updateServicePlan,
  usageReport,
  voidInvoice,
} from './billing.service.ts';
import { renderInvoiceCsv, renderInvoiceListCsv } from './invoice-csv.ts';
import { renderInvoicePdf } from './invoice-pdf.ts';

export function registerBillingRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };
  const now = () => context.clock.now();

  routes.get(
    `${API_PREFIX}/billing/plans`,
    {
      schema: {
        tags: ['billing'],
        summary: 'Service plans of the current support organization',
        response: { 200: servicePlanListSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'billing.view');
      return withTenant(context.db, auth.orgIds, (tx) => listServicePlans(tx, auth));
    },
  );

  routes.post(
    `${API_PREFIX}/billing/plans`,
    {
      schema: {
        tags: ['billing'],
        summary: 'Add a service plan: device maximum, price per device per year, billing period, terms, reminders',
        body: createServicePlanRequestSchema,
        response: { 201: servicePlanDtoSchema, ...denied, 409: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'billing.manage');
      const created = await withTenant(context.db, auth.orgIds, (tx) =>
        createServicePlan(tx, auth, request.body, clientInfo(request)),
      );
      return reply.status(201).send(created);
    },
  );

  routes.patch(
    `${API_PREFIX}/billing/plans/:id`,
    {
      schema: {
        tags: ['billing'],
        summary: 'Change a service plan; its client organizations’ device allocation follows the maximum',
        params: idParamsSchema,
        body: updateServicePlanRequestSchema,
        response: { 200: servicePlanDtoSchema, ...denied, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'billing.manage');
      return withTenant(context.db, auth.orgIds, (tx) =>
        updateServicePlan(tx, auth, request.params.id, request.body, clientInfo(request), now()),
      );
    },
  );

  routes.delete(
    `${API_PREFIX}/billing/plans/:id`,
    {
      schema: {
        tags: ['billing'],
        summary: 'Remove a service plan no client organization is on',
        params: idParamsSchema,
        response: { 204: z.null(), ...denied, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'billing.manage');
      await withTenant(context.db, auth.orgIds, (tx) =>
        deleteServicePlan(tx, auth, request.params.id, clientInfo(request)),
      );
      return reply.status(204).send(null);
    },
  );

  routes.put(
    `${API_PREFIX}/billing/organizations/:id/plan`,
    {
      schema: {
        tags: ['billing'],
        summary: 'Put a client organization on a service plan, billed from a start date',
        params: idParamsSchema,
        body: assignServicePlanRequestSchema,
        response: { 200: servicePlanDtoSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'billing.manage');
      const plan = await withTenant(context.db, auth.orgIds, (tx) =>
        assignServicePlan(tx, auth, request.params.id, request.body, clientInfo(request), now()),
      );
      await reconcileOrganizationNow(context, request.params.id, { userId: auth.userId, label: auth.email });
      return plan;
    },
  );

  routes.get(
    `${API_PREFIX}/billing/usage`,
    {
      schema: {
        tags: ['billing'],
        summary: 'Daily usage of the client organizations (or of the current client), with totals per day',
        querystring: usageQuerySchema,
        response: { 200: usageReportSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'billing.view');
      return withTenant(context.db, auth.orgIds, (tx) => usageReport(tx, auth, request.query));
    },
  );

  routes.get(
    `${API_PREFIX}/billing/invoices`,
    {
      schema: {
        tags: ['billing'],
        summary: 'Invoices the current organization issued (support) or received (client), newest period first',
        querystring: invoiceListQuerySchema,
        response: { 200: invoiceListSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'billing.view');
      return withTenant(context.db, auth.orgIds, (tx) => listInvoicesOf(tx, auth, request.query));
    },
  );

  routes.get(
    `${API_PREFIX}/billing/invoices/export.csv`,
    {
      schema: {
        tags: ['billing'],
        summary: 'The filtered invoices as CSV, one row per invoice (page and limit are ignored)',
        querystring: invoiceListQuerySchema,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'billing.view');
      const invoices = await withTenant(context.db, auth.orgIds, (tx) => listAllInvoicesOf(tx, auth, request.query));
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="invoices.csv"')
        .send(renderInvoiceListCsv(invoices));
    },
  );

  routes.get(
    `${API_PREFIX}/billing/invoices/:id`,
    {
      schema: {
        tags: ['billing'],
        summary: 'One invoice with its lines and payments',
        params: idParamsSchema,
        response: { 200: invoiceDetailSchema, ...denied, 404: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'billing.view');
      return withTenant(context.db, auth.orgIds, (tx) => getInvoice(tx, auth, request.params.id));
    },
  );

  routes.get(
    `${API_PREFIX}/billing/invoices/:id/pdf`,
    {
      schema: {
        tags: ['billing'],
        summary: 'The invoice as a PDF in the language asked for (Arabic right to left; Chinese, Japanese, Korean)',
        params: idParamsSchema,
        querystring: invoiceDocumentQuerySchema,
        produces: ['application/pdf'],
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'billing.view');
      const invoice = await withTenant(context.db, auth.orgIds, (tx) => getInvoice(tx, auth, request.params.id));
      const pdf = await renderInvoicePdf(invoice, request.query.lang);
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="${invoice.number}.pdf"`)
        .send(pdf);
    },
  );

  routes.get(
    `${API_PREFIX}/billing/invoices/:id/csv`,
    {
      schema: {
        tags: ['billing'],
        summary: 'The invoice as CSV, one row per line',
        params: idParamsSchema,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const auth = requirePermission(request, 'billing.view');
      const invoice = await withTenant(context.db, auth.orgIds, (tx) => getInvoice(tx, auth, request.params.id));
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${invoice.number}.csv"`)
        .send(renderInvoiceCsv(invoice));
    },
  );

  routes.post(
    `${API_PREFIX}/billing/invoices/:id/payments`,
    {
      schema: {
        tags: ['billing'],
        summary: 'Record a payment; paid in full, the invoice is Paid and an organization expired for it is Active',
        params: idParamsSchema,
        body: recordPaymentRequestSchema,
        response: { 200: invoiceDetailSchema, ...denied, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'billing.manage');
      const invoice = await withTenant(context.db, auth.orgIds, (tx) =>
        recordPayment(tx, auth, request.params.id, request.body, clientInfo(request), now()),
      );
      await reconcileOrganizationNow(context, invoice.organizationId, { userId: auth.userId, label: auth.email });
      return invoice;
    },
  );

  routes.post(
    `${API_PREFIX}/billing/invoices/:id/void`,
    {
      schema: {
        tags: ['billing'],
        summary: 'Void an invoice that is not paid',
        params: idParamsSchema,
        response: { 200: invoiceDetailSchema, ...denied, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'billing.manage');
      const invoice = await withTenant(context.db, auth.orgIds, (tx) =>
        voidInvoice(tx, auth, request.params.id, clientInfo(request), now()),
      );
      await reconcileOrganizationNow(context, invoice.organizationId, { userId: auth.userId, label: auth.email });
      return invoice;
    },
  );
}
