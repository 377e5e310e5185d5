import { and, asc, count, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../db/index.ts';
import {
  agents,
  billingReminders,
  devices,
  invoiceLines,
  invoices,
  memberships,
  organizationPlans,
  organizations,
  payments,
  servicePlans,
  usageSnapshots,
  users,
} from '../db/schema.ts';

export type ServicePlanRow = typeof servicePlans.$inferSelect;
export type InvoiceRow = typeof invoices.$inferSelect;
export type InvoiceLineRow = typeof invoiceLines.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;

// ---- Plans ------------------------------------------------------------------------------------------------------

export async function listPlans(db: Queryable, supportOrgId: string) {
  return db
    .select({ plan: servicePlans, organizations: sql<number>`count(${organizationPlans.orgId})::int` })
    .from(servicePlans)
    .leftJoin(organizationPlans, eq(organizationPlans.planId, servicePlans.id))
    .where(eq(servicePlans.orgId, supportOrgId))
    .groupBy(servicePlans.id)
    .orderBy(asc(sql`lower(${servicePlans.name})`));
}

export async function findPlan(db: Queryable, supportOrgId: string, id: string): Promise<ServicePlanRow | null> {
  const [row] = await db
    .select()
    .from(servicePlans)
    .where(and(eq(servicePlans.orgId, supportOrgId), eq(servicePlans.id, id)))
    .limit(1);
  return row ?? null;
}

export async function findPlanByName(db: Queryable, supportOrgId: string, name: string) {
  const [row] = await db
    .select({ id: servicePlans.id })
    .from(servicePlans)
    .where(and(eq(servicePlans.orgId, supportOrgId), sql`lower(${servicePlans.name}) = lower(${name})`))
    .limit(1);
  return row ?? null;
}

export async function insertPlan(db: Queryable, values: typeof servicePlans.$inferInsert): Promise<ServicePlanRow> {
  const [row] = await db.insert(servicePlans).values(values).returning();
  return row!;
}

export async function updatePlan(
  db: Queryable,
  id: string,
  changes: Partial<typeof servicePlans.$inferInsert>,
  now: Date,
): Promise<void> {
  await db
    .update(servicePlans)
    .set({ ...changes, updatedAt: now })
    .where(eq(servicePlans.id, id));
}

export async function deletePlan(db: Queryable, id: string): Promise<void> {
  await db.delete(servicePlans).where(eq(servicePlans.id, id));
}

export async function countPlanOrganizations(db: Queryable, planId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(organizationPlans).where(eq(organizationPlans.planId, planId));
  return row?.n ?? 0;
}

/** Client organizations on a plan: their device allocation follows the plan's maximum. */
export async function setAllocationOfPlanOrganizations(db: Queryable, planId: string, max: number): Promise<void> {
  await db
    .update(organizations)
    .set({ maxProAudioDevices: max })
    .where(
      inArray(
        organizations.id,
        db.select({ id: organizationPlans.orgId }).from(organizationPlans).where(eq(organizationPlans.planId, planId)),
      ),
    );
}

// ---- Organizations on plans -------------------------------------------------------------------------------------

export async function findOrganizationSummary(db: Queryable, id: string) {
  const [row] = await db
    .select({
      id: organizations.id,
      parentId: organizations.parentId,
      kind: organizations.kind,
      name: organizations.name,
      status: organizations.status,
      maxProAudioDevices: organizations.maxProAudioDevices,
    })
    .from(organizations)
    .where(eq(organizations.id, id))
    .limit(1);
  return row ?? null;
}

export async function findOrganizationPlan(db: Queryable, orgId: string) {
  const [row] = await db
    .select({ assignment: organizationPlans, plan: servicePlans })
    .from(organizationPlans)
    .innerJoin(servicePlans, eq(servicePlans.id, organizationPlans.planId))
    .where(eq(organizationPlans.orgId, orgId))
    .limit(1);
  return row ?? null;
}

export async function upsertOrganizationPlan(
  db: Queryable,
  values: { orgId: string; supportOrgId: string; planId: string; billingStart: string },
  now: Date,
): Promise<void> {
  await db
    .insert(organizationPlans)
    .values({ ...values, updatedAt: now })
    .onConflictDoUpdate({
      target: organizationPlans.orgId,
      set: { planId: values.planId, billingStart: values.billingStart, updatedAt: now },
    });
}

export async function setOrganizationAllocation(db: Queryable, orgId: string, max: number): Promise<void> {
  await db.update(organizations).set({ maxProAudioDevices: max }).where(eq(organizations.id, orgId));
}

export async function setOrganizationStatus(
  db: Queryable,
  orgId: string,
  status: 'active' | 'expired' | 'overflow',
  now: Date,
): Promise<void> {
  await db.update(organizations).set({ status, updatedAt: now }).where(eq(organizations.id, orgId));
}

export async function setBillingExpiredAt(db: Queryable, orgId: string, at: Date | null): Promise<void> {
  await db.update(organizationPlans).set({ billingExpiredAt: at }).where(eq(organizationPlans.orgId, orgId));
}

/** Every client organization on a plan (or just `orgId`), with what the billing ticks need. */
export async function listPlannedOrganizations(db: Queryable, orgId?: string) {
  return db
    .select({
      orgId: organizationPlans.orgId,
      supportOrgId: organizationPlans.supportOrgId,
      billingStart: organizationPlans.billingStart,
      billingExpiredAt: organizationPlans.billingExpiredAt,
      status: organizations.status,
      endDate: organizations.endDate,
      maxProAudioDevices: organizations.maxProAudioDevices,
      plan: servicePlans,
    })
    .from(organizationPlans)
    .innerJoin(organizations, eq(organizations.id, organizationPlans.orgId))
    .innerJoin(servicePlans, eq(servicePlans.id, organizationPlans.planId))
    .where(orgId ? eq(organizationPlans.orgId, orgId) : undefined);
}

/** The cloud plan limit of an organization: its allocation and status, when it is on a plan. */
export async function findPlanLimitState(db: Queryable, orgId: string) {
  const [row] = await db
    .select({ max: organizations.maxProAudioDevices, status: organizations.status })
    .from(organizationPlans)
    .innerJoin(organizations, eq(organizations.id, organizationPlans.orgId))
    .where(eq(organizationPlans.orgId, orgId))
    .limit(1);
  return row ?? null;
}

// ---- Usage ------------------------------------------------------------------------------------------------------

export async function countOrganizationUsage(db: Queryable, orgId: string, proAudioModels: readonly string[]) {
  const [deviceRow] = await db
    .select({ n: count() })
    .from(devices)
    .where(and(eq(devices.orgId, orgId), inArray(devices.model, [...proAudioModels])));
  const [serverRow] = await db.select({ n: count() }).from(agents).where(eq(agents.orgId, orgId));
  return { proAudioDevices: deviceRow?.n ?? 0, servers: serverRow?.n ?? 0 };
}

/** Adds one sample to the organization's row of the day (maximum, sum and count of Pro Audio devices managed). */
export async function addUsageSample(
  db: Queryable,
  sample: { orgId: string; supportOrgId: string; day: string; managed: number; servers: number; overflow: boolean },
  now: Date,
): Promise<void> {
  await db
    .insert(usageSnapshots)
    .values({
      orgId: sample.orgId,
      supportOrgId: sample.supportOrgId,
      day: sample.day,
      proAudioManagedMax: sample.managed,
      proAudioManagedSum: sample.managed,
      samples: 1,
      servers: sample.servers,
      overflow: sample.overflow,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: [usageSnapshots.orgId, usageSnapshots.day],
      set: {
        proAudioManagedMax: sql`greatest(${usageSnapshots.proAudioManagedMax}, excluded.pro_audio_managed_max)`,
        proAudioManagedSum: sql`${usageSnapshots.proAudioManagedSum} + excluded.pro_audio_managed_sum`,
        samples: sql`${usageSnapshots.samples} + 1`,
        servers: sql`greatest(${usageSnapshots.servers}, excluded.servers)`,
        overflow: sql`${usageSnapshots.overflow} OR excluded.overflow`,
        updatedAt: now,
      },
    });
}

/** Device-days of a period: the daily maximum of Pro Audio devices managed, summed over its days. */
export async function sumDeviceDays(db: Queryable, orgId: string, from: string, to: string): Promise<number> {
  const [row] = await db
    .select({ total: sql<number>`coalesce(sum(${usageSnapshots.proAudioManagedMax}), 0)::int` })
    .from(usageSnapshots)
    .where(and(eq(usageSnapshots.orgId, orgId), gte(usageSnapshots.day, from), lte(usageSnapshots.day, to)));
  return row?.total ?? 0;
}

/** Daily usage of the organizations in `orgIds` between two days. */
export async function listUsage(db: Queryable, orgIds: readonly string[], from: string, to: string) {
  if (orgIds.length === 0) return [];
  return db
    .select()
    .from(usageSnapshots)
    .where(and(inArray(usageSnapshots.orgId, [...orgIds]), gte(usageSnapshots.day, from), lte(usageSnapshots.day, to)))
    .orderBy(asc(usageSnapshots.day));
}

/** Client organizations whose usage the caller reads: the clients of a support org, or the org itself. */
export async function listUsageOrganizations(db: Queryable, orgId: string) {
  return db
    .select({
      id: organizations.id,
      name: organizations.name,
      kind: organizations.kind,
      maxProAudioDevices: organizations.maxProAudioDevices,
      planName: servicePlans.name,
    })
    .from(organizations)
    .leftJoin(organizationPlans, eq(organizationPlans.orgId, organizations.id))
    .leftJoin(servicePlans, eq(servicePlans.id, organizationPlans.planId))
    .where(
      sql`(${organizations.parentId} = ${orgId} AND ${organizations.kind} = 'client') OR (${organizations.id} = ${orgId} AND ${organizations.kind} = 'client')`,
    )
    .orderBy(asc(sql`lower(${organizations.name})`));
}

// ---- Invoices ---------------------------------------------------------------------------------------------------

const invoiceColumns = {
  invoice: invoices,
  organizationName: organizations.name,
  accountNumber: organizations.accountNumber,
  clientReference: organizations.clientReference,
};
export type InvoiceListRow = {
  invoice: InvoiceRow;
  organizationName: string;
  accountNumber: string;
  clientReference: string | null;
};

export interface InvoiceFilter {
  /** The caller's organization: its own invoices (a client) or those it issued (a support org). */
  orgId: string;
  status?: InvoiceRow['status'] | undefined;
  organizationId?: string | undefined;
}

function invoiceConditions(filter: InvoiceFilter): SQL {
  const list: SQL[] = [sql`(${invoices.orgId} = ${filter.orgId} OR ${invoices.supportOrgId} = ${filter.orgId})`];
  if (filter.status) list.push(eq(invoices.status, filter.status));
  if (filter.organizationId) list.push(eq(invoices.orgId, filter.organizationId));
  return and(...list)!;
}

export async function listInvoices(db: Queryable, filter: InvoiceFilter, page: number, limit: number) {
  const where = invoiceConditions(filter);
  const items: InvoiceListRow[] = await db
    .select(invoiceColumns)
    .from(invoices)
    .innerJoin(organizations, eq(organizations.id, invoices.orgId))
    .where(where)
    .orderBy(desc(invoices.periodStart), desc(invoices.sequence))
    .limit(limit)
    .offset((page - 1) * limit);
  const [total] = await db.select({ n: count() }).from(invoices).where(where);
  return { items, total: total?.n ?? 0 };
}

export async function findInvoice(db: Queryable, orgId: string, id: string): Promise<InvoiceListRow | null> {
  const [row] = await db
    .select(invoiceColumns)
    .from(invoices)
    .innerJoin(organizations, eq(organizations.id, invoices.orgId))
    .where(and(eq(invoices.id, id), sql`(${invoices.orgId} = ${orgId} OR ${invoices.supportOrgId} = ${orgId})`))
    .limit(1);
  return row ?? null;
}

export async function findOrganizationName(db: Queryable, orgId: string): Promise<string> {
  const [row] = await db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, orgId));
  return row?.name ?? '';
}

export async function listInvoiceLines(db: Queryable, invoiceId: string): Promise<InvoiceLineRow[]> {
  return db
    .select()
    .from(invoiceLines)
    .where(eq(invoiceLines.invoiceId, invoiceId))
    .orderBy(asc(invoiceLines.position));
}

export async function listPayments(db: Queryable, invoiceId: string): Promise<PaymentRow[]> {
  return db.select().from(payments).where(eq(payments.invoiceId, invoiceId)).orderBy(asc(payments.createdAt));
}

export async function listOrganizationInvoices(db: Queryable, orgId: string): Promise<InvoiceRow[]> {
  return db.select().from(invoices).where(eq(invoices.orgId, orgId)).orderBy(asc(invoices.periodStart));
}

/**
 * Creates the period's invoice as a draft with the support organization's next number, unless it exists. The
 * ticks run on one node at a time; the unique keys stop a duplicate should two ever race.
 */
export async function ensureDraftInvoice(
  db: Queryable,
  values: {
    orgId: string;
    supportOrgId: string;
    planName: string;
    periodStart: string;
    periodEnd: string;
    currency: string;
    graceDays: number;
    reminderOffsets: number[];
  },
  now: Date,
): Promise<void> {
  await db.execute(sql`
    INSERT INTO invoices (org_id, support_org_id, sequence, number, status, plan_name, period_start, period_end,
                          currency, total_minor, grace_days, reminder_offsets, created_at, updated_at)
    SELECT ${values.orgId}::uuid, ${values.supportOrgId}::uuid, next.sequence,
           'INV-' || lpad(next.sequence::text, 6, '0'), 'draft', ${values.planName}, ${values.periodStart}::date,
           ${values.periodEnd}::date, ${values.currency}, 0, ${values.graceDays},
           ${JSON.stringify(values.reminderOffsets)}::jsonb, ${now}, ${now}
    FROM (SELECT coalesce(max(sequence), 0) + 1 AS sequence FROM invoices
          WHERE support_org_id = ${values.supportOrgId}::uuid) next
    WHERE NOT EXISTS (SELECT 1 FROM invoices WHERE org_id = ${values.orgId}::uuid
                      AND period_start = ${values.periodStart}::date)
    ON CONFLICT DO NOTHING`);
}

export async function listOpenInvoices(db: Queryable, orgId: string): Promise<InvoiceRow[]> {
  return db
    .select()
    .from(invoices)
    .where(and(eq(invoices.orgId, orgId), inArray(invoices.status, ['draft', 'issued', 'overdue'])))
    .orderBy(asc(invoices.periodStart));
}

export async function replaceInvoiceLines(
  db: Queryable,
  invoice: InvoiceRow,
  lines: Array<{ kind: 'pro_audio_device_days'; quantity: number; unitPriceMinor: number; amountMinor: number }>,
): Promise<void> {
  await db.delete(invoiceLines).where(eq(invoiceLines.invoiceId, invoice.id));
  if (lines.length === 0) return;
  await db.insert(invoiceLines).values(
    lines.map((line, position) => ({
      ...line,
      position,
      invoiceId: invoice.id,
      orgId: invoice.orgId,
      supportOrgId: invoice.supportOrgId,
    })),
  );
}

export async function updateInvoice(
  db: Queryable,
  id: string,
  changes: Partial<typeof invoices.$inferInsert>,
  now: Date,
): Promise<void> {
  await db
    .update(invoices)
    .set({ ...changes, updatedAt: now })
    .where(eq(invoices.id, id));
}

export async function insertPayment(db: Queryable, values: typeof payments.$inferInsert): Promise<PaymentRow> {
  const [row] = await db.insert(payments).values(values).returning();
  return row!;
}

// ---- Reminders --------------------------------------------------------------------------------------------------

/** People who receive an organization's payment reminders: its active owners and billing members. */
export async function listBillingContacts(db: Queryable, orgId: string) {
  return db
    .select({ email: users.email, language: users.language })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.orgId, orgId),
        inArray(memberships.role, ['owner', 'billing']),
        sql`${memberships.disabledAt} IS NULL`,
        sql`${users.status} <> 'disabled'`,
      ),
    )
    .orderBy(asc(users.email));
}

/** Claims a reminder before it is sent; false when it was already claimed (never send one twice). */
export async function claimReminder(
  db: Queryable,
  values: { invoice: InvoiceRow; offsetDays: number; recipient: string; language: string },
  now: Date,
): Promise<boolean> {
  const inserted = await db
    .insert(billingReminders)
    .values({
      invoiceId: values.invoice.id,
      orgId: values.invoice.orgId,
      supportOrgId: values.invoice.supportOrgId,
      offsetDays: values.offsetDays,
      recipient: values.recipient,
      language: values.language,
      sentAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: billingReminders.id });
  return inserted.length > 0;
}

export async function releaseReminder(db: Queryable, invoiceId: string, offsetDays: number, recipient: string) {
  await db
    .delete(billingReminders)
    .where(
      and(
        eq(billingReminders.invoiceId, invoiceId),
        eq(billingReminders.offsetDays, offsetDays),
        eq(billingReminders.recipient, recipient),
      ),
    );
}
