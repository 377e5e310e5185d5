import type { InvoiceStatus, Language } from '@tutti/protocol';

/** The words of invoices and payment reminders, in every language of the product. */
export interface BillingTexts {
  invoice: string;
  number: string;
  issuedOn: string;
  dueOn: string;
  period: string;
  from: string;
  billTo: string;
  accountNumber: string;
  clientReference: string;
  plan: string;
  status: string;
  description: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  total: string;
  paid: string;
  balance: string;
  deviceDays: string;
  statuses: Record<InvoiceStatus, string>;
  reminder: {
    subjectBefore: string;
    subjectOn: string;
    subjectAfter: string;
    greeting: string;
    before: string;
    on: string;
    after: string;
    expiry: string;
    closing: string;
  };
}

const en: BillingTexts = {
  invoice: 'Invoice',
  number: 'Invoice number',
  issuedOn: 'Issue date',
  dueOn: 'Due date',
  period: 'Billing period',
  from: 'From',
  billTo: 'Bill to',
  accountNumber: 'Account number',
  clientReference: 'Client reference',
  plan: 'Service plan',
  status: 'Status',
  description: 'Description',
  quantity: 'Quantity',
  unitPrice: 'Price per device per year',
  amount: 'Amount',
  total: 'Total',
  paid: 'Paid',
  balance: 'Balance due',
  deviceDays: 'Pro Audio devices managed (device-days)',
  statuses: { draft: 'Draft', issued: 'Issued', paid: 'Paid', overdue: 'Overdue', void: 'Void' },
  reminder: {
    subjectBefore: 'Invoice {number} is due on {due}',
    subjectOn: 'Invoice {number} is due today',
    subjectAfter: 'Invoice {number} is overdue',
    greeting: 'Hello,',
    before: 'Invoice {number} for {org}, {amount}, is due on {due}.',
    on: 'Invoice {number} for {org}, {amount}, is due today.',
    after: 'Invoice {number} for {org}, {amount}, was due on {due} and has not been paid yet.',
    expiry: 'Unless it is paid, the service of {org} ends on {expires}: devices are then no longer managed.',
    closing: 'If you have already paid, please disregard this message.',
  },
};

const fr: BillingTexts = {
  invoice: 'Facture',
  number: 'Numéro de facture',
  issuedOn: 'Date d’émission',
  dueOn: 'Date d’échéance',
  period: 'Période de facturation',
  from: 'Émetteur',
  billTo: 'Facturé à',
  accountNumber: 'Numéro de compte',
  clientReference: 'Référence client',
  plan: 'Forfait de service',
  status: 'Statut',
  description: 'Description',
  quantity: 'Quantité',
  unitPrice: 'Prix par appareil et par an',
  amount: 'Montant',
  total: 'Total',
  paid: 'Payé',
  balance: 'Solde dû',
  deviceDays: 'Appareils Pro Audio gérés (jours-appareils)',
  statuses: { draft: 'Brouillon', issued: 'Émise', paid: 'Payée', overdue: 'En retard', void: 'Annulée' },
  reminder: {
    subjectBefore: 'La facture {number} arrive à échéance le {due}',
    subjectOn: 'La facture {number} arrive à échéance aujourd’hui',
    subjectAfter: 'La facture {number} est en retard de paiement',
    greeting: 'Bonjour,',
    before: 'La facture {number} de {org}, d’un montant de {amount}, arrive à échéance le {due}.',
    on: 'La facture {number} de {org}, d’un montant de {amount}, arrive à échéance aujourd’hui.',
    after: 'La facture {number} de {org}, d’un montant de {amount}, était due le {due} et n’a pas encore été réglée.',
    expiry: 'Sans paiement, le service de {org} prendra fin le {expires} : les appareils ne seront alors plus gérés.',
    closing: 'Si vous avez déjà payé, veuillez ne pas tenir compte de ce message.',
  },
};

const it: BillingTexts = {
  invoice: 'Fattura',
  number: 'Numero fattura',
  issuedOn: 'Data di emissione',
  dueOn: 'Data di scadenza',
  period: 'Periodo di fatturazione',
  from: 'Emittente',
  billTo: 'Intestata a',
  accountNumber: 'Numero di conto',
  clientReference: 'Riferimento cliente',
  plan: 'Piano di servizio',
  status: 'Stato',
  description: 'Descrizione',
  quantity: 'Quantità',
  unitPrice: 'Prezzo per dispositivo all’anno',
  amount: 'Importo',
  total: 'Totale',
  paid: 'Pagato',
  balance: 'Saldo dovuto',
  deviceDays: 'Dispositivi Pro Audio gestiti (giorni-dispositivo)',
  statuses: { draft: 'Bozza', issued: 'Emessa', paid: 'Pagata', overdue: 'Scaduta', void: 'Annullata' },
  reminder: {
    subjectBefore: 'La fattura {number} scade il {due}',
    subjectOn: 'La fattura {number} scade oggi',
    subjectAfter: 'La fattura {number} è scaduta',
    greeting: 'Buongiorno,',
    before: 'La fattura {number} di {org}, per un importo di {amount}, scade il {due}.',
    on: 'La fattura {number} di {org}, per un importo di {amount}, scade oggi.',
    after: 'La fattura {number} di {org}, per un importo di {amount}, è scaduta il {due} e non è ancora stata pagata.',
    expiry: 'Senza pagamento, il servizio di {org} termina il {expires}: i dispositivi non saranno più gestiti.',
    closing: 'Se ha già effettuato il pagamento, ignori questo messaggio.',
  },
};

const es: BillingTexts = {
  invoice: 'Factura',
  number: 'Número de factura',
  issuedOn: 'Fecha de emisión',
  dueOn: 'Fecha de vencimiento',
  period: 'Periodo de facturación',
  from: 'Emisor',
  billTo: 'Facturar a',
  accountNumber: 'Número de cuenta',
  clientReference: 'Referencia del cliente',
  plan: 'Plan de servicio',
  status: 'Estado',
  description: 'Descripción',
  quantity: 'Cantidad',
  unitPrice: 'Precio por dispositivo al año',
  amount: 'Importe',
  total: 'Total',
  paid: 'Pagado',
  balance: 'Saldo pendiente',
  deviceDays: 'Dispositivos Pro Audio gestionados (días-dispositivo)',
  statuses: { draft: 'Borrador', issued: 'Emitida', paid: 'Pagada', overdue: 'Vencida', void: 'Anulada' },
  reminder: {
    subjectBefore: 'La factura {number} vence el {due}',
    subjectOn: 'La factura {number} vence hoy',
    subjectAfter: 'La factura {number} está vencida',
    greeting: 'Hola:',
    before: 'La factura {number} de {org}, por un importe de {amount}, vence el {due}.',
    on: 'La factura {number} de {org}, por un importe de {amount}, vence hoy.',
    after: 'La factura {number} de {org}, por un importe de {amount}, venció el {due} y aún no se ha pagado.',
    expiry: 'Si no se paga, el servicio de {org} finaliza el {expires}: los dispositivos dejarán de gestionarse.',
    closing: 'Si ya ha realizado el pago, ignore este mensaje.',
  },
};

const de: BillingTexts = {
  invoice: 'Rechnung',
  number: 'Rechnungsnummer',
  issuedOn: 'Rechnungsdatum',
  dueOn: 'Fälligkeitsdatum',
  period: 'Abrechnungszeitraum',
  from: 'Rechnungssteller',
  billTo: 'Rechnungsempfänger',
  accountNumber: 'Kontonummer',
  clientReference: 'Kundenreferenz',
  plan: 'Servicetarif',
  status: 'Status',
  description: 'Beschreibung',
  quantity: 'Menge',
  unitPrice: 'Preis pro Gerät und Jahr',
  amount: 'Betrag',
  total: 'Gesamt',
  paid: 'Bezahlt',
  balance: 'Offener Betrag',
  deviceDays: 'Verwaltete Pro-Audio-Geräte (Gerätetage)',
  statuses: { draft: 'Entwurf', issued: 'Gestellt', paid: 'Bezahlt', overdue: 'Überfällig', void: 'Storniert' },
  reminder: {
    subjectBefore: 'Rechnung {number} ist am {due} fällig',
    subjectOn: 'Rechnung {number} ist heute fällig',
    subjectAfter: 'Rechnung {number} ist überfällig',
    greeting: 'Guten Tag,',
    before: 'die Rechnung {number} für {org} über {amount} ist am {due} fällig.',
    on: 'die Rechnung {number} für {org} über {amount} ist heute fällig.',
    after: 'die Rechnung {number} für {org} über {amount} war am {due} fällig und ist noch nicht bezahlt.',
    expiry: 'Ohne Zahlung endet der Service für {org} am {expires}; die Geräte werden dann nicht mehr verwaltet.',
    closing: 'Falls Sie bereits bezahlt haben, betrachten Sie diese Nachricht bitte als gegenstandslos.',
  },
};

const pt: BillingTexts = {
  invoice: 'Fatura',
  number: 'Número da fatura',
  issuedOn: 'Data de emissão',
  dueOn: 'Data de vencimento',
  period: 'Período de faturação',
  from: 'Emitente',
  billTo: 'Faturar a',
  accountNumber: 'Número de conta',
  clientReference: 'Referência do cliente',
  plan: 'Plano de serviço',
  status: 'Estado',
  description: 'Descrição',
  quantity: 'Quantidade',
  unitPrice: 'Preço por dispositivo por ano',
  amount: 'Valor',
  total: 'Total',
  paid: 'Pago',
  balance: 'Saldo em dívida',
  deviceDays: 'Dispositivos Pro Audio geridos (dias-dispositivo)',
  statuses: { draft: 'Rascunho', issued: 'Emitida', paid: 'Paga', overdue: 'Em atraso', void: 'Anulada' },
  reminder: {
    subjectBefore: 'A fatura {number} vence em {due}',
    subjectOn: 'A fatura {number} vence hoje',
    subjectAfter: 'A fatura {number} está em atraso',
    greeting: 'Olá,',
    before: 'A fatura {number} de {org}, no valor de {amount}, vence em {due}.',
    on: 'A fatura {number} de {org}, no valor de {amount}, vence hoje.',
    after: 'A fatura {number} de {org}, no valor de {amount}, venceu em {due} e ainda não foi paga.',
    expiry: 'Sem pagamento, o serviço de {org} termina em {expires}: os dispositivos deixarão de ser geridos.',
    closing: 'Se já efetuou o pagamento, ignore esta mensagem.',
  },
};

const pl: BillingTexts = {
  invoice: 'Faktura',
  number: 'Numer faktury',
  issuedOn: 'Data wystawienia',
  dueOn: 'Termin płatności',
  period: 'Okres rozliczeniowy',
  from: 'Wystawca',
  billTo: 'Nabywca',
  accountNumber: 'Numer konta',
  clientReference: 'Numer referencyjny klienta',
  plan: 'Plan usług',
  status: 'Status',
  description: 'Opis',
  quantity: 'Ilość',
  unitPrice: 'Cena za urządzenie na rok',
  amount: 'Kwota',
  total: 'Razem',
  paid: 'Zapłacono',
  balance: 'Do zapłaty',
  deviceDays: 'Zarządzane urządzenia Pro Audio (urządzenio-dni)',
  statuses: { draft: 'Wersja robocza', issued: 'Wystawiona', paid: 'Opłacona', overdue: 'Zaległa', void: 'Anulowana' },
  reminder: {
    subjectBefore: 'Termin płatności faktury {number} upływa {due}',
    subjectOn: 'Termin płatności faktury {number} upływa dzisiaj',
    subjectAfter: 'Faktura {number} jest zaległa',
    greeting: 'Dzień dobry,',
    before: 'termin płatności faktury {number} dla {org} na kwotę {amount} upływa {due}.',
    on: 'termin płatności faktury {number} dla {org} na kwotę {amount} upływa dzisiaj.',
    after:
      'termin płatności faktury {number} dla {org} na kwotę {amount} upłynął {due}, a faktura nie została opłacona.',
    expiry: 'Bez płatności usługa dla {org} wygaśnie {expires}: urządzenia nie będą już zarządzane.',
    closing: 'Jeśli płatność została już dokonana, prosimy zignorować tę wiadomość.',
  },
};

const zhCN: BillingTexts = {
  invoice: '发票',
  number: '发票编号',
  issuedOn: '开具日期',
  dueOn: '到期日',
  period: '计费周期',
  from: '开票方',
  billTo: '付款方',
  accountNumber: '账号',
  clientReference: '客户参考号',
  plan: '服务套餐',
  status: '状态',
  description: '说明',
  quantity: '数量',
  unitPrice: '每台设备每年价格',
  amount: '金额',
  total: '合计',
  paid: '已付',
  balance: '应付余额',
  deviceDays: '受管理的专业音频设备（设备天数）',
  statuses: { draft: '草稿', issued: '已开具', paid: '已付款', overdue: '已逾期', void: '已作废' },
  reminder: {
    subjectBefore: '发票 {number} 将于 {due} 到期',
    subjectOn: '发票 {number} 今天到期',
    subjectAfter: '发票 {number} 已逾期',
    greeting: '您好：',
    before: '{org} 的发票 {number}（金额 {amount}）将于 {due} 到期。',
    on: '{org} 的发票 {number}（金额 {amount}）今天到期。',
    after: '{org} 的发票 {number}（金额 {amount}）已于 {due} 到期，目前尚未付款。',
    expiry: '如未付款，{org} 的服务将于 {expires} 终止，届时设备将不再受管理。',
    closing: '如果您已付款，请忽略此邮件。',
  },
};

const ko: BillingTexts = {
  invoice: '청구서',
  number: '청구서 번호',
  issuedOn: '발행일',
  dueOn: '납부 기한',
  period: '청구 기간',
  from: '발행자',
  billTo: '청구 대상',
  accountNumber: '계정 번호',
  clientReference: '고객 참조 번호',
  plan: '서비스 요금제',
  status: '상태',
  description: '내역',
  quantity: '수량',
  unitPrice: '장치당 연간 가격',
  amount: '금액',
  total: '합계',
  paid: '납부액',
  balance: '미납 잔액',
  deviceDays: '관리되는 Pro Audio 장치(장치-일)',
  statuses: { draft: '초안', issued: '발행됨', paid: '납부 완료', overdue: '연체', void: '무효' },
  reminder: {
    subjectBefore: '청구서 {number}의 납부 기한은 {due}입니다',
    subjectOn: '청구서 {number}의 납부 기한이 오늘입니다',
    subjectAfter: '청구서 {number}이(가) 연체되었습니다',
    greeting: '안녕하세요.',
    before: '{org}의 청구서 {number}({amount})의 납부 기한은 {due}입니다.',
    on: '{org}의 청구서 {number}({amount})의 납부 기한이 오늘입니다.',
    after: '{org}의 청구서 {number}({amount})은(는) {due}에 기한이 지났으며 아직 납부되지 않았습니다.',
    expiry: '납부하지 않으면 {org}의 서비스가 {expires}에 종료되며, 이후 장치는 더 이상 관리되지 않습니다.',
    closing: '이미 납부하셨다면 이 메시지는 무시하셔도 됩니다.',
  },
};

const ja: BillingTexts = {
  invoice: '請求書',
  number: '請求書番号',
  issuedOn: '発行日',
  dueOn: '支払期日',
  period: '請求期間',
  from: '請求元',
  billTo: '請求先',
  accountNumber: 'アカウント番号',
  clientReference: '顧客参照番号',
  plan: 'サービスプラン',
  status: 'ステータス',
  description: '内容',
  quantity: '数量',
  unitPrice: 'デバイスあたりの年間価格',
  amount: '金額',
  total: '合計',
  paid: '支払済み',
  balance: '未払い残高',
  deviceDays: '管理対象の Pro Audio デバイス（デバイス日数）',
  statuses: { draft: '下書き', issued: '発行済み', paid: '支払済み', overdue: '期限超過', void: '無効' },
  reminder: {
    subjectBefore: '請求書 {number} の支払期日は {due} です',
    subjectOn: '請求書 {number} の支払期日は本日です',
    subjectAfter: '請求書 {number} の支払期日を過ぎています',
    greeting: 'いつもご利用いただきありがとうございます。',
    before: '{org} の請求書 {number}（{amount}）の支払期日は {due} です。',
    on: '{org} の請求書 {number}（{amount}）の支払期日は本日です。',
    after: '{org} の請求書 {number}（{amount}）は {due} が支払期日でしたが、まだお支払いが確認できていません。',
    expiry: 'お支払いがない場合、{org} のサービスは {expires} に終了し、デバイスは管理されなくなります。',
    closing: 'すでにお支払い済みの場合は、このメッセージを破棄してください。',
  },
};

const ar: BillingTexts = {
  invoice: 'فاتورة',
  number: 'رقم الفاتورة',
  issuedOn: 'تاريخ الإصدار',
  dueOn: 'تاريخ الاستحقاق',
  period: 'فترة الفوترة',
  from: 'الجهة المُصدِرة',
  billTo: 'فاتورة إلى',
  accountNumber: 'رقم الحساب',
  clientReference: 'الرقم المرجعي للعميل',
  plan: 'خطة الخدمة',
  status: 'الحالة',
  description: 'الوصف',
  quantity: 'الكمية',
  unitPrice: 'السعر لكل جهاز سنويًا',
  amount: 'المبلغ',
  total: 'الإجمالي',
  paid: 'المدفوع',
  balance: 'الرصيد المستحق',
  deviceDays: 'أجهزة Pro Audio المُدارة (أيام الأجهزة)',
  statuses: { draft: 'مسودة', issued: 'صادرة', paid: 'مدفوعة', overdue: 'متأخرة', void: 'ملغاة' },
  reminder: {
    subjectBefore: 'تستحق الفاتورة {number} في {due}',
    subjectOn: 'تستحق الفاتورة {number} اليوم',
    subjectAfter: 'الفاتورة {number} متأخرة السداد',
    greeting: 'مرحبًا،',
    before: 'تستحق الفاتورة {number} الخاصة بـ {org} بمبلغ {amount} في {due}.',
    on: 'تستحق الفاتورة {number} الخاصة بـ {org} بمبلغ {amount} اليوم.',
    after: 'كانت الفاتورة {number} الخاصة بـ {org} بمبلغ {amount} مستحقة في {due} ولم تُسدَّد بعد.',
    expiry: 'ما لم تُسدَّد، تنتهي خدمة {org} في {expires} ولن تعود الأجهزة مُدارة بعد ذلك.',
    closing: 'إذا كنت قد سددت المبلغ بالفعل، فيرجى تجاهل هذه الرسالة.',
  },
};

const ru: BillingTexts = {
  invoice: 'Счёт',
  number: 'Номер счёта',
  issuedOn: 'Дата выставления',
  dueOn: 'Срок оплаты',
  period: 'Расчётный период',
  from: 'Поставщик',
  billTo: 'Плательщик',
  accountNumber: 'Номер учётной записи',
  clientReference: 'Код клиента',
  plan: 'Тарифный план',
  status: 'Статус',
  description: 'Описание',
  quantity: 'Количество',
  unitPrice: 'Цена за устройство в год',
  amount: 'Сумма',
  total: 'Итого',
  paid: 'Оплачено',
  balance: 'К оплате',
  deviceDays: 'Управляемые устройства Pro Audio (устройство-дни)',
  statuses: { draft: 'Черновик', issued: 'Выставлен', paid: 'Оплачен', overdue: 'Просрочен', void: 'Аннулирован' },
  reminder: {
    subjectBefore: 'Срок оплаты счёта {number} — {due}',
    subjectOn: 'Срок оплаты счёта {number} истекает сегодня',
    subjectAfter: 'Счёт {number} просрочен',
    greeting: 'Здравствуйте!',
    before: 'Срок оплаты счёта {number} для {org} на сумму {amount} — {due}.',
    on: 'Срок оплаты счёта {number} для {org} на сумму {amount} истекает сегодня.',
    after: 'Счёт {number} для {org} на сумму {amount} нужно было оплатить до {due}, но оплата ещё не поступила.',
    expiry: 'Без оплаты обслуживание {org} прекратится {expires}: устройства перестанут управляться.',
    closing: 'Если вы уже оплатили счёт, просто не обращайте внимания на это письмо.',
  },
};

const texts: Record<Language, BillingTexts> = {
  en,
  fr,
  it,
  es,
  de,
  pt,
  pl,
  'zh-CN': zhCN,
  ko,
  ja,
  ar,
  ru,
};

export function billingTexts(language: Language): BillingTexts {
  return texts[language];
}

/** Arabic keeps Western digits, as everywhere else in the product. */
function intlLocale(language: Language): string {
  return language === 'ar' ? 'ar-u-nu-latn' : language;
}

export function formatMoney(language: Language, minor: number, currency: string): string {
  const format = new Intl.NumberFormat(intlLocale(language), { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

export function formatDay(language: Language, day: string): string {
  return new Intl.DateTimeFormat(intlLocale(language), { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(`${day}T00:00:00Z`),
  );
}

export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => values[key] ?? match);
}
