import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceList, InvoiceDetail, InvoiceList, OrganizationDto, UsageReport } from '@tutti/protocol';
import { createManualClock } from '../clock/index.ts';
import { sql } from 'drizzle-orm';
import { rowsOf, testDatabaseKinds, withTenant } from '../db/index.ts';
import { ensureMember } from '../orgs/index.ts';
import { makeDevices, makeOrg, makeUser, TEST_PASSWORD } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startSmtpSink, type SmtpSink, type SunkMail } from '../testing/smtp-sink.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';

/** Subject and body of a sunk mail as text, whatever header and transfer encodings nodemailer chose. */
function readMail(mail: SunkMail): { subject: string; body: string } {
  const [head = '', ...rest] = mail.raw.split(/\r?\n\r?\n/);
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  // nodemailer cuts encoded words on character boundaries, so each decodes on its own.
  const subject = (/^Subject: (.*)$/im.exec(unfolded)?.[1] ?? '')
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([BQ])\?([^?]*)\?=/gi, (_match, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
  const content = rest.join('\n\n');
  const body = /Content-Transfer-Encoding: base64/i.test(unfolded)
    ? Buffer.from(content.replace(/\s+/g, ''), 'base64').toString('utf8')
    : decodeQuotedPrintable(content.replace(/=\r?\n/g, ''));
  return { subject, body };
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index += 1) {
    const hex = text[index] === '=' ? /^[0-9A-F]{2}/i.exec(text.slice(index + 1, index + 3)) : null;
    if (hex) {
      bytes.push(parseInt(hex[0], 16));
      index += 2;
    } else bytes.push(...Buffer.from(text[index]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * A client organization walks through a billing year in seconds: monthly invoices from daily usage, payment
 * reminders before, on and after the due date in each recipient's language (once each), Expired past the grace
 * period with its devices no longer managed, Active again when paid, Overflow when it outgrows its plan.
 */
describe.each(await testDatabaseKinds())('billing year on %s', (kind) => {
  const clock = createManualClock(new Date('2026-12-31T12:00:00Z'));
  let smtp: SmtpSink;
  let hub: TestHub;
  let supportCookies: Record<string, string>;
  let clientCookies: Record<string, string>;
  let clientId: string;
  let supportId: string;
  const owner = 'owner-ar@client.test';
  const billing = 'billing-zh@client.test';
  const monitor = 'monitor-fr@client.test';

  const call = <T>(method: InjectOptions['method'], url: string, cookies: Record<string, string>, payload?: unknown) =>
    hub.app
      .inject({
        method,
        url: `/api/v1${url}`,
        cookies,
        ...(payload === undefined ? {} : { payload: payload as object }),
      })
      .then((response) => ({ status: response.statusCode, body: response.json<T>(), response }));

  /** Moves the clock to 00:30 UTC of `day` and runs the scheduled ticks that came due, as a hub node would. */
  async function on(day: string) {
    clock.set(new Date(`${day}T00:30:00Z`));
    await hub.context.scheduler.runDue();
  }
  const invoices = async () =>
    (await call<InvoiceList>('GET', `/billing/invoices?organizationId=${clientId}&limit=100`, supportCookies)).body
      .items;
  const invoiceNumbered = async (number: string) => (await invoices()).find((invoice) => invoice.number === number)!;
  const organizationStatus = async () =>
    (await call<OrganizationDto>('GET', `/organizations/${clientId}`, supportCookies)).body.status;
  const overflowedDevices = async () =>
    (await call<DeviceList>('GET', '/devices?status=overflowed', clientCookies)).body.total;
  const mailsTo = (to: string, since: number) => smtp.messages.slice(since).filter((mail) => mail.to.includes(to));
  const pay = async (invoiceId: string, amountMinor: number, paidOn: string) =>
    call<InvoiceDetail>('POST', `/billing/invoices/${invoiceId}/payments`, supportCookies, { amountMinor, paidOn });

  beforeAll(async () => {
    smtp = await startSmtpSink();
    hub = await startTestHub({
      kind,
      clock,
      config: {
        smtp: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, from: 'Tutti <hub@tutti.test>' },
      },
    });
    const db = hub.database.db;
    const support = await makeOrg(db, { name: 'Harmony AV Support', kind: 'support' });
    supportId = support.id;
    const supportOwner = await makeUser(db, support.id, { role: 'billing' });
    supportCookies = await signInCookies(hub.app, supportOwner.email, supportOwner.password);
    const client = await makeOrg(db, { name: 'Boardroom Partners', kind: 'client', parentId: support.id });
    clientId = client.id;
    const member = (email: string, role: 'owner' | 'billing' | 'monitor', language: 'ar' | 'zh-CN' | 'fr') =>
      ensureMember(db, { orgId: client.id, email, name: email, password: TEST_PASSWORD, role, language }, 'test');
    await member(owner, 'owner', 'ar');
    await member(billing, 'billing', 'zh-CN');
    await member(monitor, 'monitor', 'fr');
    clientCookies = await signInCookies(hub.app, owner, TEST_PASSWORD);
    await makeDevices(db, client.id, 3);
  });
  afterAll(async () => {
    await hub?.close();
    await smtp?.close();
  });

  it('sets up a plan that only the support organization sells and only its issuer changes', async () => {
    const plan = await call<{ id: string }>('POST', '/billing/plans', supportCookies, {
      name: 'Standard monthly',
      maxProAudioDevices: 3,
      pricePerDeviceYearMinor: 12_000,
      currency: 'usd',
      billingPeriod: 'monthly',
      paymentTermsDays: 14,
      graceDays: 10,
      reminderOffsets: [5, -3, 0],
    });
    expect(plan.status).toBe(201);
    expect(plan.body).toMatchObject({ currency: 'USD', reminderOffsets: [-3, 0, 5] });
    const duplicate = await call<{ error: { code: string } }>('POST', '/billing/plans', supportCookies, {
      name: 'standard MONTHLY',
      maxProAudioDevices: 1,
      pricePerDeviceYearMinor: 1,
      currency: 'USD',
      billingPeriod: 'yearly',
    });
    expect(duplicate.body.error.code).toBe('SERVICE_PLAN_NAME_TAKEN');
    const fromClient = await call<{ error: { code: string } }>('GET', '/billing/plans', clientCookies);
    expect(fromClient.body.error.code).toBe('BILLING_SUPPORT_ONLY');

    const assigned = await call('PUT', `/billing/organizations/${clientId}/plan`, supportCookies, {
      planId: plan.body.id,
      startDate: '2027-01-01',
    });
    expect(assigned.status).toBe(200);
    const inUse = await call<{ error: { code: string } }>('DELETE', `/billing/plans/${plan.body.id}`, supportCookies);
    expect(inUse.body.error.code).toBe('SERVICE_PLAN_IN_USE');
  });

  it('invoices January from its daily usage and reminds in each recipient’s language, once', async () => {
    await on('2027-01-01');
    await on('2027-01-15');
    await on('2027-02-01');
    const usage = await call<UsageReport>('GET', '/billing/usage?from=2027-01-01&to=2027-01-31', supportCookies);
    const deviceDays = usage.body.organizations[0]!.days.reduce((sum, day) => sum + day.proAudioManagedMax, 0);
    expect(deviceDays).toBe(6);
    expect(usage.body.totals.find((day) => day.day === '2027-01-15')?.proAudioManagedMax).toBe(3);

    const january = await invoiceNumbered('INV-000001');
    expect(january).toMatchObject({
      status: 'issued',
      periodStart: '2027-01-01',
      periodEnd: '2027-01-31',
      issuedOn: '2027-02-01',
      dueOn: '2027-02-15',
      currency: 'USD',
      totalMinor: Math.round((deviceDays * 12_000) / 365),
    });
    expect((await invoiceNumbered('INV-000002')).status).toBe('draft');
    const fromClient = await call<InvoiceList>('GET', '/billing/invoices', clientCookies);
    expect(fromClient.body.items.map((invoice) => invoice.number)).toContain('INV-000001');
    const clientPays = await call<{ error: { code: string } }>(
      'POST',
      `/billing/invoices/${january.id}/payments`,
      clientCookies,
      { amountMinor: 1, paidOn: '2027-02-01' },
    );
    expect(clientPays.status).toBe(403);

    const since = smtp.messages.length;
    await on('2027-02-11');
    expect(smtp.messages.length).toBe(since);
    await on('2027-02-12');
    const arabic = readMail(await smtp.next(owner, since));
    const chinese = readMail(await smtp.next(billing, since));
    expect(arabic.subject).toBe('تستحق الفاتورة INV-000001 في 15 فبراير 2027');
    expect(chinese.subject).toBe('发票 INV-000001 将于 2027年2月15日 到期');
    expect(chinese.body).toContain('Boardroom Partners 的发票 INV-000001');
    expect(mailsTo(monitor, since)).toHaveLength(0);

    clock.advance(3600_000);
    await hub.context.scheduler.runDue();
    await on('2027-02-13');
    expect(smtp.messages.length).toBe(since + 2);

    await on('2027-02-15');
    expect(readMail(await smtp.next(owner, since + 2)).subject).toBe('تستحق الفاتورة INV-000001 اليوم');
    await on('2027-02-16');
    expect((await invoiceNumbered('INV-000001')).status).toBe('overdue');
    await on('2027-02-20');
    const late = readMail(await smtp.next(billing, since + 4));
    expect(late.subject).toBe('发票 INV-000001 已逾期');
    expect(late.body).toContain('2027年2月26日');
    expect(smtp.messages.length).toBe(since + 6);
  });

  it('expires the organization past its grace period, keeps its devices unmanaged, and restores it when paid', async () => {
    await on('2027-02-25');
    expect(await organizationStatus()).toBe('active');
    expect(await overflowedDevices()).toBe(0);
    await on('2027-02-26');
    expect(await organizationStatus()).toBe('expired');
    expect(await overflowedDevices()).toBe(3);
    const usage = await call<UsageReport>('GET', '/billing/usage?from=2027-02-26&to=2027-02-26', supportCookies);
    expect(usage.body.organizations[0]!.days[0]!.proAudioManagedMax).toBe(0);

    const january = await invoiceNumbered('INV-000001');
    const partly = await pay(january.id, 100, '2027-02-26');
    expect(partly.body.status).toBe('overdue');
    expect(await organizationStatus()).toBe('expired');
    const paid = await pay(january.id, january.totalMinor - 100, '2027-02-26');
    expect(paid.body).toMatchObject({ status: 'paid', paidMinor: january.totalMinor });
    expect(paid.body.payments).toHaveLength(2);
    expect(await organizationStatus()).toBe('active');
    expect(await overflowedDevices()).toBe(0);
    const again = await pay(january.id, 1, '2027-02-26');
    expect(again.body).toMatchObject({ error: { code: 'INVOICE_NOT_PAYABLE' } });
  });

  it('bills every month of the year, numbered in sequence, and marks an outgrown plan Overflow', async () => {
    for (let month = 3; month <= 13; month += 1) {
      const day = month === 13 ? '2028-01-01' : `2027-${String(month).padStart(2, '0')}-01`;
      await on(day);
      for (const invoice of (await invoices()).filter((candidate) => candidate.status === 'issued')) {
        expect((await pay(invoice.id, invoice.totalMinor, day)).status).toBe(200);
      }
      if (month === 6) {
        await makeDevices(hub.database.db, clientId, 1);
        clock.advance(3600_000);
        await hub.context.scheduler.runDue();
        expect(await organizationStatus()).toBe('overflow');
        expect(await overflowedDevices()).toBe(1);
      }
    }
    const year = (await invoices()).filter((invoice) => invoice.periodStart.startsWith('2027'));
    expect(year.map((invoice) => invoice.number).sort()).toEqual(
      Array.from({ length: 12 }, (_, index) => `INV-${String(index + 1).padStart(6, '0')}`),
    );
    expect(year.every((invoice) => invoice.status === 'paid')).toBe(true);
    expect((await invoiceNumbered('INV-000013')).status).toBe('draft');
    expect(await organizationStatus()).toBe('overflow');
  });

  it('downloads an invoice as PDF and CSV', async () => {
    const january = await invoiceNumbered('INV-000001');
    const pdf = await hub.app.inject({
      method: 'GET',
      url: `/api/v1/billing/invoices/${january.id}/pdf?lang=ar`,
      cookies: clientCookies,
    });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const csv = await hub.app.inject({
      method: 'GET',
      url: `/api/v1/billing/invoices/${january.id}/csv`,
      cookies: supportCookies,
    });
    const [header, row] = csv.body.trim().split('\n');
    expect(header).toContain('invoice_number,status');
    expect(row).toContain('INV-000001,paid,Harmony AV Support,Boardroom Partners');
    const paidList = await hub.app.inject({
      method: 'GET',
      url: `/api/v1/billing/invoices/export.csv?status=paid`,
      cookies: supportCookies,
    });
    const lines = paidList.body.trim().split('\n');
    expect(lines[0]).toBe(
      'invoice_number,status,organization,account_number,client_reference,plan,period_start,period_end,issued_on,due_on,currency,total,paid',
    );
    expect(lines.slice(1)).toHaveLength(12);
    expect(lines.slice(1).every((line) => line.split(',')[1] === 'paid')).toBe(true);
  });

  it('shows billing rows to the client and its support organization only, and lets only the support one write', async () => {
    const db = hub.database.db;
    const sibling = await makeOrg(db, { kind: 'client', parentId: supportId });
    const otherSupport = await makeOrg(db, { kind: 'support' });
    const tables = ['service_plans', 'organization_plans', 'usage_snapshots', 'invoices', 'invoice_lines', 'payments'];
    const visible = (scope: string) =>
      withTenant(db, [scope], async (tx) => {
        const counts: Record<string, number> = {};
        for (const table of [...tables, 'billing_reminders']) {
          const [row] = rowsOf<{ n: number }>(
            await tx.execute(sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`),
          );
          counts[table] = row!.n;
        }
        return counts;
      });
    for (const scope of [sibling.id, otherSupport.id]) {
      expect(Object.values(await visible(scope)).every((n) => n === 0)).toBe(true);
    }
    const ofClient = await visible(clientId);
    expect(ofClient.service_plans).toBe(1);
    expect(Math.min(...Object.values(ofClient))).toBeGreaterThan(0);
    expect(await visible(supportId)).toEqual(ofClient);

    const voided = (scope: string) =>
      withTenant(db, [scope], async (tx) =>
        rowsOf(
          await tx.execute(
            sql`UPDATE invoices SET status = 'void' WHERE org_id = ${clientId}::uuid AND status = 'draft' RETURNING id`,
          ),
        ),
      );
    expect(await voided(clientId)).toHaveLength(0);
    expect(await voided(sibling.id)).toHaveLength(0);
    expect(await voided(supportId)).toHaveLength(1);
  });
});
