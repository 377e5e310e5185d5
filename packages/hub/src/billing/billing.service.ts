import {
  appError,
  type assignServicePlanRequestSchema,
  type createServicePlanRequestSchema,
  type InvoiceDetail,
  type InvoiceDto,
  type InvoiceList,
  type invoiceListQuerySchema,
  type OrganizationUsage,
  type recordPaymentRequestSchema,
  type ServicePlanDto,
  type ServicePlanList,
  type updateServicePlanRequestSchema,
  type UsageDay,
  type usageQuerySchema,
  type UsageReport,
} from '@tutti/protocol';
import type { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import type { AuthContext, ClientInfo } from '../auth/index.ts';
import type { Queryable, Tx } from '../db/index.ts';
import {
  countPlanOrganizations,
  deletePlan,
  findOrganizationSummary,
  findInvoice,
  findOrganizationName,
  findPlan,
  findPlanByName,
  findPlanLimitState,
  insertPayment,
  insertPlan,
  listInvoiceLines,
  listInvoices,
  listPayments,
  listPlans,
  listUsage,
  listUsageOrganizations,
  setAllocationOfPlanOrganizations,
  setOrganizationAllocation,
  updateInvoice,
  updatePlan,
  upsertOrganizationPlan,
  type InvoiceListRow,
  type PaymentRow,
  type ServicePlanRow,
} from './billing.queries.ts';
import { addDays, daysBetween, isoDay } from './periods.ts';

const MAX_EXPORTED_INVOICES = 100_000;

function toPlanDto(row: ServicePlanRow, organizations: number): ServicePlanDto {
  return {
    id: row.id,
    name: row.name,
    maxProAudioDevices: row.maxProAudioDevices,
    pricePerDeviceYearMinor: row.pricePerDeviceYearMinor,
    currency: row.currency,
    billingPeriod: row.billingPeriod,
    paymentTermsDays: row.paymentTermsDays,
    graceDays: row.graceDays,
    reminderOffsets: row.reminderOffsets,
    organizations,
    createdAt: row.createdAt.toISOString(),
  };
}

function toInvoiceDto(row: InvoiceListRow): InvoiceDto {
  const invoice = row.invoice;
  return {
    id: invoice.id,
    number: invoice.number,
    organizationId: invoice.orgId,
    organizationName: row.organizationName,
    accountNumber: row.accountNumber,
    clientReference: row.clientReference,
    planName: invoice.planName,
    status: invoice.status,
    periodStart: invoice.periodStart,
    periodEnd: invoice.periodEnd,
    issuedOn: invoice.issuedOn,
    dueOn: invoice.dueOn,
    currency: invoice.currency,
    totalMinor: invoice.totalMinor,
    paidMinor: invoice.paidMinor,
    createdAt: invoice.createdAt.toISOString(),
  };
}

function toPaymentDto(row: PaymentRow) {
  return {
    id: row.id,
    amountMinor: row.amountMinor,
    paidOn: row.paidOn,
    reference: row.reference,
    recordedBy: row.recordedByLabel,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Plans belong to support organizations; anyone else gets a clear refusal rather than an empty list. */
async function requireSupportOrganization(tx: Tx, auth: AuthContext): Promise<void> {
  const organization = await findOrganizationSummary(tx, auth.orgId);
  if (organization?.kind !== 'support') throw appError('BILLING_SUPPORT_ONLY');
}

async function planOf(tx: Tx, auth: AuthContext, id: string): Promise<ServicePlanRow> {
  const plan = await findPlan(tx, auth.orgId, id);
  if (!plan) throw appError('SERVICE_PLAN_NOT_FOUND', { id });
  return plan;
}

async function assertNameFree(tx: Tx, auth: AuthContext, name: string, exceptId?: string): Promise<void> {
  const taken = await findPlanByName(tx, auth.orgId, name);
  if (taken && taken.id !== exceptId) throw appError('SERVICE_PLAN_NAME_TAKEN', { name });
}

export async function listServicePlans(tx: Tx, auth: AuthContext): Promise<ServicePlanList> {
  await requireSupportOrganization(tx, auth);
  const rows = await listPlans(tx, auth.orgId);
  return { items: rows.map((row) => toPlanDto(row.plan, row.organizations)) };
}

export async function createServicePlan(
  tx: Tx,
  auth: AuthContext,
  input: z.output<typeof createServicePlanRequestSchema>,
  client: ClientInfo,
): Promise<ServicePlanDto> {
  await requireSupportOrganization(tx, auth);
  await assertNameFree(tx, auth, input.name);
  const plan = await insertPlan(tx, { ...input, orgId: auth.orgId });
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'service_plan.create',
    target: `service_plan:${plan.id}`,
    after: input,
    ip: client.ip,
  });
  return toPlanDto(plan, 0);
}

export async function updateServicePlan(
  tx: Tx,
  auth: AuthContext,
  id: string,
  changes: z.output<typeof updateServicePlanRequestSchema>,
  client: ClientInfo,
  now: Date,
): Promise<ServicePlanDto> {
  await requireSupportOrganization(tx, auth);
  const before = await planOf(tx, auth, id);
  if (changes.name) await assertNameFree(tx, auth, changes.name, id);
  await updatePlan(tx, id, changes, now);
  if (changes.maxProAudioDevices !== undefined) {
    await setAllocationOfPlanOrganizations(tx, id, changes.maxProAudioDevices);
  }
  const after = await planOf(tx, auth, id);
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'service_plan.update',
    target: `service_plan:${id}`,
    before: toPlanDto(before, 0),
    after: toPlanDto(after, 0),
    ip: client.ip,
  });
  return toPlanDto(after, await countPlanOrganizations(tx, id));
}

export async function deleteServicePlan(tx: Tx, auth: AuthContext, id: string, client: ClientInfo): Promise<void> {
  await requireSupportOrganization(tx, auth);
  const plan = await planOf(tx, auth, id);
  const organizations = await countPlanOrganizations(tx, id);
  if (organizations > 0) throw appError('SERVICE_PLAN_IN_USE', { organizations });
  await deletePlan(tx, id);
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'service_plan.delete',
    target: `service_plan:${id}`,
    before: toPlanDto(plan, 0),
    ip: client.ip,
  });
}

/**
 * Puts a client organization of the caller's support organization on one of its plans. The organization's device
 * allocation becomes the plan's maximum; billing periods are counted from the start date (the organization's own
 * start date, or today, when none is given).
 */
export async function assignServicePlan(
  tx: Tx,
  auth: AuthContext,
  orgId: string,
  input: z.output<typeof assignServicePlanRequestSchema>,
  client: ClientInfo,
  now: Date,
): Promise<ServicePlanDto> {
  await requireSupportOrganization(tx, auth);
  const organization = await findOrganizationSummary(tx, orgId);
  if (organization?.kind !== 'client' || organization.parentId !== auth.orgId) {
    throw appError('ORGANIZATION_NOT_FOUND', { id: orgId });
  }
  const plan = await planOf(tx, auth, input.planId);
  const billingStart = input.startDate ?? isoDay(now);
  await upsertOrganizationPlan(tx, { orgId, supportOrgId: auth.orgId, planId: plan.id, billingStart }, now);
  await setOrganizationAllocation(tx, orgId, plan.maxProAudioDevices);
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'organization.plan',
    target: `organization:${orgId}`,
    before: { maxProAudioDevices: organization.maxProAudioDevices },
    after: { planId: plan.id, planName: plan.name, billingStart, maxProAudioDevices: plan.maxProAudioDevices },
    ip: client.ip,
  });
  return toPlanDto(plan, await countPlanOrganizations(tx, plan.id));
}

/** The Pro Audio limit of a client organization on a cloud plan: its allocation, none while Expired; null off plan. */
export async function cloudPlanLimit(db: Queryable, orgId: string): Promise<number | null> {
  const state = await findPlanLimitState(db, orgId);
  if (!state) return null;
  return state.status === 'expired' ? 0 : state.max;
}

// ---- Usage ------------------------------------------------------------------------------------------------------

function emptyDay(day: string): UsageDay {
  return { day, proAudioManagedMax: 0, proAudioManagedAverage: 0, servers: 0, overflow: false };
}

/** Daily usage of the caller's clients (a support organization) or of the caller itself (a client). */
export async function usageReport(
  tx: Tx,
  auth: AuthContext,
  query: z.output<typeof usageQuerySchema>,
): Promise<UsageReport> {
  if (daysBetween(query.from, query.to) > 366) {
    throw appError('VALIDATION_FAILED', {
      issues: [{ path: 'query.to', message: 'At most a year of usage at a time.' }],
    });
  }
  const days = Array.from({ length: daysBetween(query.from, query.to) + 1 }, (_, index) => addDays(query.from, index));
  const organizations = await listUsageOrganizations(tx, auth.orgId);
  const rows = await listUsage(
    tx,
    organizations.map((organization) => organization.id),
    query.from,
    query.to,
  );
  const totals = new Map(days.map((day) => [day, emptyDay(day)]));
  const reports: OrganizationUsage[] = organizations.map((organization) => {
    const byDay = new Map<string, UsageDay>();
    for (const row of rows.filter((candidate) => candidate.orgId === organization.id)) {
      const usage: UsageDay = {
        day: row.day,
        proAudioManagedMax: row.proAudioManagedMax,
        proAudioManagedAverage: Math.round((row.proAudioManagedSum / row.samples) * 10) / 10,
        servers: row.servers,
        overflow: row.overflow,
      };
      byDay.set(row.day, usage);
      const total = totals.get(row.day)!;
      total.proAudioManagedMax += usage.proAudioManagedMax;
      total.proAudioManagedAverage =
        Math.round((total.proAudioManagedAverage + usage.proAudioManagedAverage) * 10) / 10;
      total.servers += usage.servers;
      total.overflow ||= usage.overflow;
    }
    const series = days.map((day) => byDay.get(day) ?? emptyDay(day));
    return {
      organizationId: organization.id,
      organizationName: organization.name,
      planName: organization.planName,
      maxProAudioDevices: organization.maxProAudioDevices,
      days: series,
      peakProAudioManaged: Math.max(0, ...series.map((day) => day.proAudioManagedMax)),
      overflowDays: series.filter((day) => day.overflow).length,
    };
  });
  return { from: query.from, to: query.to, organizations: reports, totals: [...totals.values()] };
}

// ---- Invoices ---------------------------------------------------------------------------------------------------

export async function listInvoicesOf(
  tx: Tx,
  auth: AuthContext,
  query: z.output<typeof invoiceListQuerySchema>,
): Promise<InvoiceList> {
  const result = await listInvoices(
    tx,
    { orgId: auth.orgId, status: query.status, organizationId: query.organizationId },
    query.page,
    query.limit,
  );
  return { items: result.items.map(toInvoiceDto), total: result.total, page: query.page, limit: query.limit };
}

/** Every invoice the list's filters match (page and limit are ignored), for the CSV export. */
export async function listAllInvoicesOf(
  tx: Tx,
  auth: AuthContext,
  query: z.output<typeof invoiceListQuerySchema>,
): Promise<InvoiceDto[]> {
  const result = await listInvoices(
    tx,
    { orgId: auth.orgId, status: query.status, organizationId: query.organizationId },
    1,
    MAX_EXPORTED_INVOICES,
  );
  return result.items.map(toInvoiceDto);
}

async function invoiceOf(tx: Tx, auth: AuthContext, id: string): Promise<InvoiceListRow> {
  const row = await findInvoice(tx, auth.orgId, id);
  if (!row) throw appError('INVOICE_NOT_FOUND', { id });
  return row;
}

export async function getInvoice(tx: Tx, auth: AuthContext, id: string): Promise<InvoiceDetail> {
  const row = await invoiceOf(tx, auth, id);
  const lines = await listInvoiceLines(tx, id);
  return {
    ...toInvoiceDto(row),
    supplierName: await findOrganizationName(tx, row.invoice.supportOrgId),
    lines: lines.map((line) => ({
      kind: line.kind,
      quantity: line.quantity,
      unitPriceMinor: line.unitPriceMinor,
      amountMinor: line.amountMinor,
    })),
    payments: (await listPayments(tx, id)).map(toPaymentDto),
  };
}

/** Only the support organization that issued an invoice changes it. */
function assertIssuer(auth: AuthContext, row: InvoiceListRow): void {
  if (row.invoice.supportOrgId !== auth.orgId) {
    throw appError('FORBIDDEN', { reason: 'only the issuing support organization changes an invoice' });
  }
}

/**
 * Records a payment of an issued or overdue invoice; paid in full, the invoice becomes Paid. The caller then
 * reconciles the organization's status (`reconcileOrganizationNow`), which needs to see its devices.
 */
export async function recordPayment(
  tx: Tx,
  auth: AuthContext,
  id: string,
  input: z.output<typeof recordPaymentRequestSchema>,
  client: ClientInfo,
  now: Date,
): Promise<InvoiceDetail> {
  const row = await invoiceOf(tx, auth, id);
  assertIssuer(auth, row);
  const invoice = row.invoice;
  if (invoice.status !== 'issued' && invoice.status !== 'overdue') {
    throw appError('INVOICE_NOT_PAYABLE', { status: invoice.status });
  }
  const payment = await insertPayment(tx, {
    invoiceId: id,
    orgId: invoice.orgId,
    supportOrgId: invoice.supportOrgId,
    amountMinor: input.amountMinor,
    paidOn: input.paidOn,
    reference: input.reference ?? null,
    recordedByLabel: auth.email,
  });
  const paidMinor = invoice.paidMinor + input.amountMinor;
  const status = paidMinor >= invoice.totalMinor ? 'paid' : invoice.status;
  await updateInvoice(tx, id, { paidMinor, status }, now);
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'invoice.payment',
    target: `invoice:${id}`,
    before: { status: invoice.status, paidMinor: invoice.paidMinor },
    after: { status, paidMinor, payment: toPaymentDto(payment) },
    ip: client.ip,
  });
  return getInvoice(tx, auth, id);
}

export async function voidInvoice(
  tx: Tx,
  auth: AuthContext,
  id: string,
  client: ClientInfo,
  now: Date,
): Promise<InvoiceDetail> {
  const row = await invoiceOf(tx, auth, id);
  assertIssuer(auth, row);
  if (row.invoice.status === 'paid' || row.invoice.status === 'void') {
    throw appError('INVOICE_CLOSED', { status: row.invoice.status });
  }
  await updateInvoice(tx, id, { status: 'void' }, now);
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'invoice.void',
    target: `invoice:${id}`,
    before: { status: row.invoice.status },
    after: { status: 'void' },
    ip: client.ip,
  });
  return getInvoice(tx, auth, id);
}
