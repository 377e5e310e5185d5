import { z } from 'zod';
import { languageSchema } from './api.ts';

/** Billing in cloud mode: a support organization's service plans, its clients' usage, invoices and payments. */

const isoDate = z.iso.date();
const pageFields = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(50),
};

export const billingPeriods = ['monthly', 'quarterly', 'yearly'] as const;
export const billingPeriodSchema = z.enum(billingPeriods);
export type BillingPeriod = z.infer<typeof billingPeriodSchema>;

/** Months in one billing period. */
export const billingPeriodMonths: Record<BillingPeriod, number> = { monthly: 1, quarterly: 3, yearly: 12 };

/** ISO 4217 code; amounts are integers in the currency's minor unit (cents for USD). */
export const currencySchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{3}$/, 'A three-letter ISO 4217 currency code such as USD.')
  .transform((code) => code.toUpperCase());
const minorAmount = z.number().int().min(0).max(1_000_000_000_000);

/** Days relative to an invoice's due date: negative before it, 0 on it, positive after it. */
export const reminderOffsetsSchema = z
  .array(z.number().int().min(-90).max(365))
  .max(10)
  .transform((offsets) => [...new Set(offsets)].sort((a, b) => a - b));

const planFields = {
  name: z.string().trim().min(1).max(120),
  maxProAudioDevices: z.number().int().min(0).max(1_000_000),
  pricePerDeviceYearMinor: minorAmount,
  currency: currencySchema,
  billingPeriod: billingPeriodSchema,
  /** Days between issuing an invoice and its due date. */
  paymentTermsDays: z.number().int().min(0).max(180),
  /** Days after the due date an unpaid invoice is tolerated before the organization expires. */
  graceDays: z.number().int().min(0).max(365),
  reminderOffsets: reminderOffsetsSchema,
};

export const createServicePlanRequestSchema = z.strictObject({
  ...planFields,
  paymentTermsDays: planFields.paymentTermsDays.default(30),
  graceDays: planFields.graceDays.default(30),
  reminderOffsets: planFields.reminderOffsets.default([-7, 0, 7]),
});
export type CreateServicePlanRequest = z.input<typeof createServicePlanRequestSchema>;

export const updateServicePlanRequestSchema = z
  .strictObject({
    name: planFields.name.optional(),
    maxProAudioDevices: planFields.maxProAudioDevices.optional(),
    pricePerDeviceYearMinor: planFields.pricePerDeviceYearMinor.optional(),
    currency: planFields.currency.optional(),
    billingPeriod: planFields.billingPeriod.optional(),
    paymentTermsDays: planFields.paymentTermsDays.optional(),
    graceDays: planFields.graceDays.optional(),
    reminderOffsets: planFields.reminderOffsets.optional(),
  })
  .refine((value) => Object.keys(value).length > 0, { message: 'Nothing to change.' });
export type UpdateServicePlanRequest = z.input<typeof updateServicePlanRequestSchema>;

export const servicePlanDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  maxProAudioDevices: z.number().int(),
  pricePerDeviceYearMinor: z.number().int(),
  currency: z.string(),
  billingPeriod: billingPeriodSchema,
  paymentTermsDays: z.number().int(),
  graceDays: z.number().int(),
  reminderOffsets: z.array(z.number().int()),
  /** Client organizations on this plan. */
  organizations: z.number().int(),
  createdAt: z.string(),
});
export type ServicePlanDto = z.infer<typeof servicePlanDtoSchema>;
export const servicePlanListSchema = z.object({ items: z.array(servicePlanDtoSchema) });
export type ServicePlanList = z.infer<typeof servicePlanListSchema>;

/** Puts a client organization on a plan from its billing start date; its device allocation follows the plan. */
export const assignServicePlanRequestSchema = z.strictObject({
  planId: z.uuid(),
  startDate: isoDate.optional(),
});
export type AssignServicePlanRequest = z.input<typeof assignServicePlanRequestSchema>;

// ---- Usage ------------------------------------------------------------------------------------------------------

export const usageQuerySchema = z
  .strictObject({ from: isoDate, to: isoDate })
  .refine((value) => value.from <= value.to, { message: 'The end date is before the start date.', path: ['to'] });
export type UsageQuery = z.input<typeof usageQuerySchema>;

export const usageDaySchema = z.object({
  day: z.string(),
  proAudioManagedMax: z.number().int(),
  proAudioManagedAverage: z.number(),
  servers: z.number().int(),
  overflow: z.boolean(),
});
export type UsageDay = z.infer<typeof usageDaySchema>;

export const organizationUsageSchema = z.object({
  organizationId: z.string(),
  organizationName: z.string(),
  planName: z.string().nullable(),
  maxProAudioDevices: z.number().int(),
  days: z.array(usageDaySchema),
  /** Highest daily maximum of the range. */
  peakProAudioManaged: z.number().int(),
  overflowDays: z.number().int(),
});
export type OrganizationUsage = z.infer<typeof organizationUsageSchema>;

export const usageReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  organizations: z.array(organizationUsageSchema),
  /** Per day, summed over every client organization. */
  totals: z.array(usageDaySchema),
});
export type UsageReport = z.infer<typeof usageReportSchema>;

// ---- Invoices ---------------------------------------------------------------------------------------------------

export const invoiceStatuses = ['draft', 'issued', 'paid', 'overdue', 'void'] as const;
export const invoiceStatusSchema = z.enum(invoiceStatuses);
export type InvoiceStatus = z.infer<typeof invoiceStatusSchema>;

export const invoiceLineDtoSchema = z.object({
  /** What the line bills; the PDF and screens word it in the reader's language. */
  kind: z.enum(['pro_audio_device_days']),
  /** Device-days: Pro Audio devices managed (daily maximum) summed over the days of the period. */
  quantity: z.number().int(),
  /** Price per device per year, in minor units. */
  unitPriceMinor: z.number().int(),
  amountMinor: z.number().int(),
});
export type InvoiceLineDto = z.infer<typeof invoiceLineDtoSchema>;

export const paymentDtoSchema = z.object({
  id: z.string(),
  amountMinor: z.number().int(),
  paidOn: z.string(),
  reference: z.string().nullable(),
  recordedBy: z.string(),
  createdAt: z.string(),
});
export type PaymentDto = z.infer<typeof paymentDtoSchema>;

export const invoiceDtoSchema = z.object({
  id: z.string(),
  number: z.string(),
  organizationId: z.string(),
  organizationName: z.string(),
  accountNumber: z.string(),
  clientReference: z.string().nullable(),
  planName: z.string(),
  status: invoiceStatusSchema,
  periodStart: z.string(),
  periodEnd: z.string(),
  issuedOn: z.string().nullable(),
  dueOn: z.string().nullable(),
  currency: z.string(),
  totalMinor: z.number().int(),
  paidMinor: z.number().int(),
  createdAt: z.string(),
});
export type InvoiceDto = z.infer<typeof invoiceDtoSchema>;

export const invoiceDetailSchema = invoiceDtoSchema.extend({
  supplierName: z.string(),
  lines: z.array(invoiceLineDtoSchema),
  payments: z.array(paymentDtoSchema),
});
export type InvoiceDetail = z.infer<typeof invoiceDetailSchema>;

export const invoiceListQuerySchema = z.strictObject({
  status: invoiceStatusSchema.optional(),
  organizationId: z.uuid().optional(),
  ...pageFields,
});
export type InvoiceListQuery = z.input<typeof invoiceListQuerySchema>;
export const invoiceListSchema = z.object({
  items: z.array(invoiceDtoSchema),
  total: z.number().int(),
  page: z.number().int(),
  limit: z.number().int(),
});
export type InvoiceList = z.infer<typeof invoiceListSchema>;

export const invoiceDocumentQuerySchema = z.strictObject({ lang: languageSchema.default('en') });
export type InvoiceDocumentQuery = z.input<typeof invoiceDocumentQuerySchema>;

export const recordPaymentRequestSchema = z.strictObject({
  amountMinor: minorAmount.min(1),
  paidOn: isoDate,
  reference: z.string().trim().max(120).nullable().optional(),
});
export type RecordPaymentRequest = z.input<typeof recordPaymentRequestSchema>;
