import { describe, expect, it } from 'vitest';
import { createServicePlanRequestSchema, recordPaymentRequestSchema, usageQuerySchema } from './billing.ts';

const plan = {
  name: 'Standard',
  maxProAudioDevices: 50,
  pricePerDeviceYearMinor: 12_000,
  currency: 'eur',
  billingPeriod: 'monthly',
};

describe('billing payloads', () => {
  it.each([
    [plan, true],
    [{ ...plan, reminderOffsets: [7, -7, 0, 7] }, true],
    [{ ...plan, currency: 'EURO' }, false],
    [{ ...plan, pricePerDeviceYearMinor: 12.5 }, false],
    [{ ...plan, billingPeriod: 'weekly' }, false],
    [{ ...plan, reminderOffsets: [-365] }, false],
    [{ ...plan, name: '  ' }, false],
    [{ ...plan, extra: 1 }, false],
  ])('plan %j → %s', (payload, valid) => {
    expect(createServicePlanRequestSchema.safeParse(payload).success).toBe(valid);
  });

  it('normalises the currency and sorts the reminder offsets without duplicates', () => {
    const parsed = createServicePlanRequestSchema.parse({ ...plan, reminderOffsets: [7, -7, 0, 7] });
    expect(parsed).toMatchObject({ currency: 'EUR', reminderOffsets: [-7, 0, 7], graceDays: 30 });
  });

  it.each([
    [{ amountMinor: 100, paidOn: '2027-02-01' }, true],
    [{ amountMinor: 0, paidOn: '2027-02-01' }, false],
    [{ amountMinor: 100, paidOn: '1 Feb' }, false],
  ])('payment %j → %s', (payload, valid) => {
    expect(recordPaymentRequestSchema.safeParse(payload).success).toBe(valid);
  });

  it('refuses a usage range that ends before it starts', () => {
    expect(usageQuerySchema.safeParse({ from: '2027-02-01', to: '2027-01-01' }).success).toBe(false);
  });
});
