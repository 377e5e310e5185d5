import { stringify } from 'csv-stringify/sync';
import type { InvoiceDetail, InvoiceDto } from '@tutti/protocol';

/** Minor units as a plain decimal a spreadsheet reads in any locale ("1234.50"). */
function decimal(minor: number, currency: string): string {
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return (minor / 10 ** digits).toFixed(digits);
}

/** Text a person typed, kept from being read as a spreadsheet formula. */
function text(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** An invoice for accounting systems: one row per line with the invoice's fields repeated; stable English headers. */
export function renderInvoiceCsv(invoice: InvoiceDetail): string {
  const rows = invoice.lines.map((line) => ({
    invoice_number: invoice.number,
    status: invoice.status,
    supplier: text(invoice.supplierName),
    organization: text(invoice.organizationName),
    account_number: invoice.accountNumber,
    client_reference: text(invoice.clientReference ?? ''),
    plan: text(invoice.planName),
    period_start: invoice.periodStart,
    period_end: invoice.periodEnd,
    issued_on: invoice.issuedOn ?? '',
    due_on: invoice.dueOn ?? '',
    currency: invoice.currency,
    line: line.kind,
    quantity: line.quantity,
    unit_price: decimal(line.unitPriceMinor, invoice.currency),
    amount: decimal(line.amountMinor, invoice.currency),
    invoice_total: decimal(invoice.totalMinor, invoice.currency),
    invoice_paid: decimal(invoice.paidMinor, invoice.currency),
  }));
  return stringify(rows, { header: true });
}

/** A list of invoices for accounting systems, one row per invoice; stable English headers. */
export function renderInvoiceListCsv(invoices: InvoiceDto[]): string {
  const rows = invoices.map((invoice) => ({
    invoice_number: invoice.number,
    status: invoice.status,
    organization: text(invoice.organizationName),
    account_number: invoice.accountNumber,
    client_reference: text(invoice.clientReference ?? ''),
    plan: text(invoice.planName),
    period_start: invoice.periodStart,
    period_end: invoice.periodEnd,
    issued_on: invoice.issuedOn ?? '',
    due_on: invoice.dueOn ?? '',
    currency: invoice.currency,
    total: decimal(invoice.totalMinor, invoice.currency),
    paid: decimal(invoice.paidMinor, invoice.currency),
  }));
  return stringify(rows, {
    header: true,
    columns: [
      'invoice_number',
      'status',
      'organization',
      'account_number',
      'client_reference',
      'plan',
      'period_start',
      'period_end',
      'issued_on',
      'due_on',
      'currency',
      'total',
      'paid',
    ],
  });
}
