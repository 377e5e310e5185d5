import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Bidi } from 'bidi-js';
import PDFDocument from 'pdfkit';
import { rtlLanguages, type InvoiceDetail, type Language } from '@tutti/protocol';
import { billingTexts, formatDay, formatMoney } from './billing-texts.ts';

const require = createRequire(import.meta.url);
// bidi-js is a UMD bundle whose CommonJS export is the factory itself.
const bidi = (require('bidi-js') as () => Bidi)();

/** Noto Sans TTF files from npm, embedded (subset) into every PDF: Latin, Cyrillic, Arabic, Chinese, Japanese, Korean. */
const fontFiles = {
  latin: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
  latinBold: '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
  arabic: '@expo-google-fonts/noto-sans-arabic/400Regular/NotoSansArabic_400Regular.ttf',
  arabicBold: '@expo-google-fonts/noto-sans-arabic/700Bold/NotoSansArabic_700Bold.ttf',
  chinese: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  chineseBold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
  japanese: '@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf',
  japaneseBold: '@expo-google-fonts/noto-sans-jp/700Bold/NotoSansJP_700Bold.ttf',
  korean: '@expo-google-fonts/noto-sans-kr/400Regular/NotoSansKR_400Regular.ttf',
  koreanBold: '@expo-google-fonts/noto-sans-kr/700Bold/NotoSansKR_700Bold.ttf',
} as const;
type FontName = keyof typeof fontFiles;

/** Read once per hub, and only the fonts an invoice uses (pdfkit opens a registered font on first use). */
const fontBuffers = new Map<FontName, Buffer>();
function fontBuffer(name: FontName): Buffer {
  let buffer = fontBuffers.get(name);
  if (!buffer) {
    buffer = readFileSync(require.resolve(fontFiles[name]));
    fontBuffers.set(name, buffer);
  }
  return buffer;
}
type Script = 'latin' | 'arabic' | 'chinese' | 'japanese' | 'korean';

const ARABIC = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;
const HANGUL = /[\u1100-\u11FF\u3130-\u318F\uAC00-\uD7AF]/;
const CJK = /[\u2E80-\u2FFF\u3000-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]/;

/** Han characters and kana take the reader's CJK font, so Japanese reads in Japanese glyph shapes. */
function scriptOf(char: string, language: Language): Script {
  if (ARABIC.test(char)) return 'arabic';
  if (HANGUL.test(char)) return 'korean';
  if (CJK.test(char)) return language === 'ja' ? 'japanese' : language === 'ko' ? 'korean' : 'chinese';
  return 'latin';
}

interface Chunk {
  text: string;
  script: Script;
}

/**
 * One line of text in visual order, cut where the script changes. pdfkit lays glyphs out left to right and its
 * font engine shapes an Arabic word and mirrors its glyph order itself, so each Arabic chunk goes in logical order;
 * the Unicode bidi algorithm (bidi-js) orders the chunks and mirrors brackets in right-to-left runs.
 */
export function visualChunks(text: string, direction: 'ltr' | 'rtl', language: Language): Chunk[] {
  const levels = bidi.getEmbeddingLevels(text, direction);
  const mirrored = bidi.getMirroredCharactersMap(text, levels.levels);
  const chunks: Array<{ script: Script; chars: string[] }> = [];
  for (const index of bidi.getReorderedIndices(text, levels)) {
    const char = mirrored.get(index) ?? text[index]!;
    const script = scriptOf(char, language);
    const last = chunks.at(-1);
    if (last?.script === script) last.chars.push(char);
    else chunks.push({ script, chars: [char] });
  }
  return chunks.map((chunk) => ({
    script: chunk.script,
    text: chunk.script === 'arabic' ? chunk.chars.reverse().join('') : chunk.chars.join(''),
  }));
}

/** Renders an invoice as an A4 PDF in the reader's language, right to left for Arabic. */
export function renderInvoicePdf(invoice: InvoiceDetail, language: Language): Promise<Buffer> {
  const words = billingTexts(language);
  const rtl = rtlLanguages.includes(language);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `${words.invoice} ${invoice.number}`, Author: invoice.supplierName },
    lang: language,
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const left = doc.page.margins.left;
  const right = doc.page.width - doc.page.margins.right;
  const registered = new Set<FontName>();
  const fontOf = (script: Script, bold: boolean): FontName => {
    const name: FontName = bold ? `${script}Bold` : script;
    if (!registered.has(name)) {
      doc.registerFont(name, fontBuffer(name));
      registered.add(name);
    }
    return name;
  };

  const widthOf = (text: string, size: number, bold = false) =>
    visualChunks(text, rtl ? 'rtl' : 'ltr', language).reduce(
      (sum, chunk) => sum + doc.font(fontOf(chunk.script, bold)).fontSize(size).widthOfString(chunk.text),
      0,
    );

  /** Draws one line so that it starts at `x` (ltr) or ends at `x` (rtl); `align` overrides for number columns. */
  const line = (text: string, x: number, y: number, options: { size?: number; bold?: boolean; end?: boolean } = {}) => {
    const size = options.size ?? 10;
    const bold = options.bold ?? false;
    const width = widthOf(text, size, bold);
    let cursor = (options.end ?? rtl) ? x - width : x;
    for (const chunk of visualChunks(text, rtl ? 'rtl' : 'ltr', language)) {
      doc.font(fontOf(chunk.script, bold)).fontSize(size).text(chunk.text, cursor, y, { lineBreak: false });
      cursor += doc.widthOfString(chunk.text);
    }
  };
  /** Horizontal positions mirror for right-to-left: `at(0)` is the start edge, `at(1)` the end edge. */
  const at = (fraction: number) => (rtl ? right - (right - left) * fraction : left + (right - left) * fraction);
  const money = (minor: number) => formatMoney(language, minor, invoice.currency);
  const day = (value: string | null) => (value ? formatDay(language, value) : '—');

  line(words.invoice, at(0), 50, { size: 22, bold: true });
  line(invoice.number, at(1), 58, { size: 12, bold: true, end: !rtl });
  line(words.statuses[invoice.status], at(1), 76, { size: 10, end: !rtl });

  let y = 120;
  const field = (label: string, value: string, column: number) => {
    line(label, at(column), y, { size: 8 });
    line(value, at(column), y + 11, { size: 10 });
  };
  field(words.from, invoice.supplierName, 0);
  field(words.billTo, invoice.organizationName, 0.5);
  y += 34;
  field(words.accountNumber, invoice.accountNumber, 0.5);
  field(words.plan, invoice.planName, 0);
  if (invoice.clientReference) {
    y += 34;
    field(words.clientReference, invoice.clientReference, 0.5);
  }
  y += 44;
  field(words.issuedOn, day(invoice.issuedOn), 0);
  field(words.dueOn, day(invoice.dueOn), 0.35);
  field(words.period, `${day(invoice.periodStart)} – ${day(invoice.periodEnd)}`, 0.65);

  y += 50;
  const columns = { description: 0, quantity: 0.62, unitPrice: 0.8, amount: 1 };
  const header = (label: string, column: number, end: boolean) =>
    line(label, at(column), y, { size: 8, bold: true, end: end !== rtl });
  header(words.description, columns.description, false);
  header(words.quantity, columns.quantity, true);
  header(words.unitPrice, columns.unitPrice, true);
  header(words.amount, columns.amount, true);
  y += 14;
  doc.moveTo(left, y).lineTo(right, y).lineWidth(0.5).stroke();
  y += 6;
  const cell = (text: string, column: number, end: boolean) => line(text, at(column), y, { end: end !== rtl });
  for (const entry of invoice.lines) {
    cell(words.deviceDays, columns.description, false);
    cell(String(entry.quantity), columns.quantity, true);
    cell(money(entry.unitPriceMinor), columns.unitPrice, true);
    cell(money(entry.amountMinor), columns.amount, true);
    y += 18;
  }
  doc.moveTo(left, y).lineTo(right, y).lineWidth(0.5).stroke();
  y += 10;
  const total = (label: string, minor: number, bold = false) => {
    line(label, at(0.62), y, { bold, end: rtl });
    line(money(minor), at(1), y, { bold, end: !rtl });
    y += 16;
  };
  total(words.total, invoice.totalMinor, true);
  total(words.paid, invoice.paidMinor);
  total(words.balance, Math.max(0, invoice.totalMinor - invoice.paidMinor), true);

  doc.end();
  return done;
}
