import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { InvoiceDetail } from '@tutti/protocol';
import { renderInvoicePdf, visualChunks } from './invoice-pdf.ts';

const invoice: InvoiceDetail = {
  id: '7a0c3c8e-4f1b-4a41-9a53-0d6f3f3e0c11',
  number: 'INV-000042',
  organizationId: '2b9d5a8e-36c4-4d0f-8f0e-1d2c3b4a5f60',
  organizationName: 'Boardroom Partners',
  accountNumber: 'A12345678',
  clientReference: 'PO-7731',
  planName: 'Standard monthly',
  status: 'issued',
  periodStart: '2027-01-01',
  periodEnd: '2027-01-31',
  issuedOn: '2027-02-01',
  dueOn: '2027-02-15',
  currency: 'USD',
  totalMinor: 305_753,
  paidMinor: 0,
  createdAt: '2027-02-01T00:15:00.000Z',
  supplierName: 'Harmony AV Support',
  lines: [{ kind: 'pro_audio_device_days', quantity: 9300, unitPriceMinor: 12_000, amountMinor: 305_753 }],
  payments: [],
};

/** What a reader's PDF viewer extracts (poppler's pdftotext), and the fonts embedded (pdffonts). */
async function rendered(language: 'en' | 'ar' | 'zh-CN'): Promise<{ text: string; fonts: string }> {
  const pdf = await renderInvoicePdf(invoice, language);
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  return {
    text: execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8'),
    fonts: execFileSync('pdffonts', ['-'], { input: pdf }).toString('utf8'),
  };
}

describe('invoice PDF', () => {
  it('renders in English with the amounts in the currency', async () => {
    const { text } = await rendered('en');
    for (const expected of [
      'Invoice',
      'INV-000042',
      'Bill to',
      'Boardroom Partners',
      'February 15, 2027',
      '$3,057.53',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('renders in Chinese with an embedded CJK font', async () => {
    const { text, fonts } = await rendered('zh-CN');
    for (const expected of ['发票', '付款方', '到期日', '2027年2月15日', '应付余额', 'US$3,057.53']) {
      expect(text).toContain(expected);
    }
    expect(fonts).toMatch(/NotoSansSC/);
  });

  it('renders in Arabic, shaped and right to left, with an embedded Arabic font', async () => {
    const { text, fonts } = await rendered('ar');
    // Words whose letters map back one to one (letters drawn with separate dot glyphs extract ambiguously).
    for (const expected of ['فاتورة', 'الإجمالي', 'المدفوع', 'الكمية', 'الوصف', 'INV-000042', 'Boardroom Partners']) {
      expect(text).toContain(expected);
    }
    expect(fonts).toMatch(/NotoSansArabic/);
  });

  it('orders mixed Arabic and Latin text visually, Arabic words in logical order for the shaper', () => {
    expect(visualChunks('فاتورة INV-7', 'rtl', 'ar')).toEqual([
      { script: 'latin', text: 'INV-7 ' },
      { script: 'arabic', text: 'فاتورة' },
    ]);
    expect(visualChunks('(أيام)', 'rtl', 'ar').map((chunk) => chunk.text)).toEqual(['(', 'أيام', ')']);
    expect(visualChunks('发票 INV-1', 'ltr', 'zh-CN')).toEqual([
      { script: 'chinese', text: '发票' },
      { script: 'latin', text: ' INV-1' },
    ]);
  });
});
