import { deviceModelCatalog, deviceModels, languageSchema, type Language } from '@tutti/protocol';
import { recordAudit } from '../audit/index.ts';
import type { Db, Tx } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import {
  addUsageSample,
  claimReminder,
  countOrganizationUsage,
  ensureDraftInvoice,
  findOrganizationName,
  listBillingContacts,
  listOpenInvoices,
  listPlannedOrganizations,
  releaseReminder,
  replaceInvoiceLines,
  setBillingExpiredAt,
  setOrganizationStatus,
  sumDeviceDays,
  updateInvoice,
  type InvoiceRow,
} from './billing.queries.ts';
import { billingTexts, fillTemplate, formatDay, formatMoney } from './billing-texts.ts';
import { addDays, isoDay, periodsStartedBy } from './periods.ts';

export type BillingContext = Pick<HubContext, 'db' | 'clock' | 'mailer' | 'log'>;

export const proAudioModels = deviceModels.filter((model) => deviceModelCatalog[model].category === 'pro_audio');

type PlannedOrganization = Awaited<ReturnType<typeof listPlannedOrganizations>>[number];

const SYSTEM = 'system:billing';

/** The day an unpaid invoice's grace runs out: after it the organization is Expired. */
export function graceEndOf(invoice: Pick<InvoiceRow, 'dueOn' | 'graceDays'>): string | null {
  return invoice.dueOn ? addDays(invoice.dueOn, invoice.graceDays) : null;
}

function isUnpaid(invoice: InvoiceRow): boolean {
  return invoice.status === 'issued' || invoice.status === 'overdue';
}

/**
 * Brings the organization's status in line with its bills and devices: Expired while an invoice is unpaid past its
 * grace period (and Active again once none is), Overflow while it has more Pro Audio devices than its plan allows.
 * An Invited organization, or one an administrator expired, keeps its status.
 */
export async function reconcileOrganization(
  db: Tx,
  orgId: string,
  now: Date,
  actor: { userId: string | null; label: string },
): Promise<void> {
  const [organization] = await listPlannedOrganizations(db, orgId);
  if (!organization) return;
  const today = isoDay(now);
  const pastGrace = (await listOpenInvoices(db, orgId)).some((invoice) => {
    const graceEnd = graceEndOf(invoice);
    return isUnpaid(invoice) && graceEnd !== null && today > graceEnd;
  });
  const usage = await countOrganizationUsage(db, orgId, proAudioModels);
  const overflowing = usage.proAudioDevices > organization.maxProAudioDevices;
  const expiredByBilling = organization.billingExpiredAt !== null;
  let next = organization.status;
  if (pastGrace && organization.status !== 'expired') {
    next = 'expired';
    await setBillingExpiredAt(db, orgId, now);
  } else if (!pastGrace && expiredByBilling) {
    next = overflowing ? 'overflow' : 'active';
    await setBillingExpiredAt(db, orgId, null);
  } else if (organization.status === 'active' || organization.status === 'overflow') {
    next = overflowing ? 'overflow' : 'active';
  }
  if (next === organization.status || next === 'invited') return;
  await setOrganizationStatus(db, orgId, next, now);
  await recordAudit(db, {
    orgId,
    actorUserId: actor.userId,
    actorLabel: actor.label,
    action: 'organization.status',
    target: `organization:${orgId}`,
    before: { status: organization.status },
    after: { status: next },
  });
}

/** Reconciles an organization after a person changed its bills or plan (a payment, a void, a new plan). */
export async function reconcileOrganizationNow(
  context: BillingContext,
  orgId: string,
  actor: { userId: string | null; label: string },
): Promise<void> {
  await context.db.transaction((tx) => reconcileOrganization(tx, orgId, context.clock.now(), actor));
}

/**
 * One usage sample of every client organization on a plan, added to its row of the day: the daily maximum and
 * average of Pro Audio devices managed (up to the plan's limit, none while Expired), servers and overflow.
 */
export async function snapshotUsage(context: BillingContext): Promise<void> {
  const now = context.clock.now();
  for (const { orgId } of await listPlannedOrganizations(context.db)) {
    await isolated(context, orgId, () => sampleOrganization(context, orgId, now));
  }
}

async function sampleOrganization(context: BillingContext, orgId: string, now: Date): Promise<void> {
  await context.db.transaction(async (tx) => {
    await reconcileOrganization(tx, orgId, now, { userId: null, label: SYSTEM });
    const [organization] = await listPlannedOrganizations(tx, orgId);
    if (!organization) return;
    const usage = await countOrganizationUsage(tx, orgId, proAudioModels);
    const limit = organization.status === 'expired' ? 0 : organization.maxProAudioDevices;
    await addUsageSample(
      tx,
      {
        orgId,
        supportOrgId: organization.supportOrgId,
        day: isoDay(now),
        managed: Math.min(usage.proAudioDevices, limit),
        servers: usage.servers,
        overflow: usage.proAudioDevices > organization.maxProAudioDevices,
      },
      now,
    );
  });
}

/** One organization's failure is logged and retried on the next tick; the others are still sampled and billed. */
async function isolated(context: BillingContext, orgId: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    context.log.error({ err: error, orgId }, 'billing tick failed for an organization');
  }
}

/** Recomputes a draft from the usage of its period; once the period is over, issues it with its due date. */
async function refreshDraft(db: Tx, organization: PlannedOrganization, invoice: InvoiceRow, now: Date) {
  const today = isoDay(now);
  const plan = organization.plan;
  const deviceDays = await sumDeviceDays(db, invoice.orgId, invoice.periodStart, invoice.periodEnd);
  const amountMinor = Math.round((deviceDays * plan.pricePerDeviceYearMinor) / 365);
  await replaceInvoiceLines(db, invoice, [
    { kind: 'pro_audio_device_days', quantity: deviceDays, unitPriceMinor: plan.pricePerDeviceYearMinor, amountMinor },
  ]);
  const terms = {
    totalMinor: amountMinor,
    currency: plan.currency,
    planName: plan.name,
    graceDays: plan.graceDays,
    reminderOffsets: plan.reminderOffsets,
  };
  if (invoice.periodEnd >= today) {
    await updateInvoice(db, invoice.id, terms, now);
    return;
  }
  const status = amountMinor === 0 ? 'paid' : 'issued';
  await updateInvoice(
    db,
    invoice.id,
    { ...terms, status, issuedOn: today, dueOn: addDays(today, plan.paymentTermsDays) },
    now,
  );
  await recordAudit(db, {
    orgId: invoice.supportOrgId,
    actorUserId: null,
    actorLabel: SYSTEM,
    action: 'invoice.issue',
    target: `invoice:${invoice.id}`,
    after: { number: invoice.number, status, totalMinor: amountMinor, currency: plan.currency },
  });
}

/** The reminder due today or most recently: the largest offset whose day has come (earlier missed ones are not sent). */
function reminderOffsetDue(invoice: InvoiceRow, today: string): number | null {
  if (!invoice.dueOn || !isUnpaid(invoice)) return null;
  const reached = invoice.reminderOffsets.filter((offset) => addDays(invoice.dueOn!, offset) <= today);
  return reached.length ? Math.max(...reached) : null;
}

async function sendReminders(context: BillingContext, invoice: InvoiceRow, now: Date): Promise<void> {
  const offset = reminderOffsetDue(invoice, isoDay(now));
  if (offset === null) return;
  const organizationName = await findOrganizationName(context.db, invoice.orgId);
  const supplierName = await findOrganizationName(context.db, invoice.supportOrgId);
  for (const contact of await listBillingContacts(context.db, invoice.orgId)) {
    const parsed = languageSchema.safeParse(contact.language);
    const language: Language = parsed.success ? parsed.data : 'en';
    const claimed = await claimReminder(
      context.db,
      { invoice, offsetDays: offset, recipient: contact.email, language },
      now,
    );
    if (!claimed) continue;
    try {
      await context.mailer.send({
        to: contact.email,
        ...reminderMessage(language, invoice, offset, organizationName, supplierName),
      });
    } catch (error) {
      context.log.warn({ err: error, invoice: invoice.number }, 'payment reminder not sent; retried on the next tick');
      await releaseReminder(context.db, invoice.id, offset, contact.email);
    }
  }
}

export function reminderMessage(
  language: Language,
  invoice: InvoiceRow,
  offset: number,
  organizationName: string,
  supplierName: string,
): { subject: string; text: string } {
  const words = billingTexts(language).reminder;
  const values = {
    number: invoice.number,
    org: organizationName,
    amount: formatMoney(language, invoice.totalMinor - invoice.paidMinor, invoice.currency),
    due: formatDay(language, invoice.dueOn!),
    expires: formatDay(language, addDays(graceEndOf(invoice)!, 1)),
  };
  const subject = offset < 0 ? words.subjectBefore : offset === 0 ? words.subjectOn : words.subjectAfter;
  const body = offset < 0 ? words.before : offset === 0 ? words.on : words.after;
  const lines = [words.greeting, '', fillTemplate(body, values)];
  if (offset > 0) lines.push(fillTemplate(words.expiry, values));
  lines.push('', words.closing, '', supplierName);
  return { subject: fillTemplate(subject, values), text: lines.join('\n') };
}

async function billOrganization(context: BillingContext, organization: PlannedOrganization, now: Date) {
  const today = isoDay(now);
  const db: Db = context.db;
  await db.transaction(async (tx) => {
    for (const period of periodsStartedBy(organization.billingStart, organization.plan.billingPeriod, today)) {
      await ensureDraftInvoice(
        tx,
        {
          orgId: organization.orgId,
          supportOrgId: organization.supportOrgId,
          planName: organization.plan.name,
          periodStart: period.start,
          periodEnd: period.end,
          currency: organization.plan.currency,
          graceDays: organization.plan.graceDays,
          reminderOffsets: organization.plan.reminderOffsets,
        },
        now,
      );
    }
    for (const invoice of await listOpenInvoices(tx, organization.orgId)) {
      if (invoice.status === 'draft') await refreshDraft(tx, organization, invoice, now);
      else if (invoice.status === 'issued' && invoice.dueOn && today > invoice.dueOn) {
        await updateInvoice(tx, invoice.id, { status: 'overdue' }, now);
      }
    }
  });
  for (const invoice of await listOpenInvoices(db, organization.orgId)) await sendReminders(context, invoice, now);
  await db.transaction((tx) => reconcileOrganization(tx, organization.orgId, now, { userId: null, label: SYSTEM }));
}

/**
 * The billing tick: for every client organization on a plan, creates the invoice of each billing period that has
 * begun (a draft that follows usage), issues those whose period is over, marks unpaid ones past their due date
 * Overdue, sends the payment reminders whose day has come in each recipient's language, and expires or restores
 * the organization. Idempotent: running it twice on one day changes nothing and sends nothing twice.
 */
export async function runBillingCycle(context: BillingContext): Promise<void> {
  const now = context.clock.now();
  for (const organization of await listPlannedOrganizations(context.db)) {
    await isolated(context, organization.orgId, () => billOrganization(context, organization, now));
  }
}

/** Usage is sampled every hour (the day's maximum and average); the billing cycle runs daily at 00:15 UTC. */
export function scheduleBillingTasks(context: BillingContext & Pick<HubContext, 'scheduler'>): void {
  context.scheduler.every('billing.usage', 3_600_000, () => snapshotUsage(context));
  context.scheduler.every('billing.cycle', '15 0 * * *', () => runBillingCycle(context));
}
