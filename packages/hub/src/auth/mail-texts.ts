import { languageSchema, type Language } from '@tutti/protocol';
import type { MailMessage } from './mailer.ts';

/**
 * The invitation and password emails in every language of the product. `{name}`-style placeholders are filled by
 * `accessMail`; durations are formatted by Intl, never written into a translation.
 */
interface AccessMailTexts {
  invitation: { subject: string; greeting: string; invited: string; open: string; expiry: string };
  accountAdded: { subject: string; greeting: string; added: string; signIn: string };
  passwordReset: { subject: string; greeting: string; asked: string; expiry: string; ignore: string };
}

const texts: Record<Language, AccessMailTexts> = {
  en: {
    invitation: {
      subject: 'Invitation to {organization} on Tutti',
      greeting: 'Hello,',
      invited: '{invitedBy} invited you to {organization} on Tutti, the ClearOne AV fleet manager.',
      open: 'To register, open:',
      expiry: 'The link works once and expires in {duration}.',
    },
    accountAdded: {
      subject: 'You have an account in {organization} on Tutti',
      greeting: 'Hello {name},',
      added: '{invitedBy} gave you an account in {organization}.',
      signIn: 'Sign in at {url} and choose the organization from your account menu.',
    },
    passwordReset: {
      subject: 'Reset your Tutti password',
      greeting: 'Hello {name},',
      asked: 'Someone asked to reset the password of your Tutti account. To choose a new password, open:',
      expiry: 'The link works once and expires in {duration}.',
      ignore: 'If you did not ask for this, ignore this message: your password stays as it is.',
    },
  },
  fr: {
    invitation: {
      subject: 'Invitation à rejoindre {organization} sur Tutti',
      greeting: 'Bonjour,',
      invited: '{invitedBy} vous invite à rejoindre {organization} sur Tutti, le gestionnaire de parc AV ClearOne.',
      open: 'Pour vous inscrire, ouvrez :',
      expiry: 'Le lien ne fonctionne qu’une fois et expire dans {duration}.',
    },
    accountAdded: {
      subject: 'Vous avez un compte dans {organization} sur Tutti',
      greeting: 'Bonjour {name},',
      added: '{invitedBy} vous a créé un compte dans {organization}.',
      signIn: 'Connectez-vous sur {url} et choisissez l’organisation dans le menu de votre compte.',
    },
    passwordReset: {
      subject: 'Réinitialisez votre mot de passe Tutti',
      greeting: 'Bonjour {name},',
      asked:
        'Quelqu’un a demandé la réinitialisation du mot de passe de votre compte Tutti. Pour choisir un nouveau mot de passe, ouvrez :',
      expiry: 'Le lien ne fonctionne qu’une fois et expire dans {duration}.',
      ignore:
        'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.',
    },
  },
  it: {
    invitation: {
      subject: 'Invito a {organization} su Tutti',
      greeting: 'Salve,',
      invited: '{invitedBy} ti ha invitato a {organization} su Tutti, il gestore del parco AV ClearOne.',
      open: 'Per registrarti, apri:',
      expiry: 'Il link funziona una sola volta e scade tra {duration}.',
    },
    accountAdded: {
      subject: 'Hai un account in {organization} su Tutti',
      greeting: 'Ciao {name},',
      added: '{invitedBy} ti ha creato un account in {organization}.',
      signIn: 'Accedi a {url} e scegli l’organizzazione dal menu del tuo account.',
    },
    passwordReset: {
      subject: 'Reimposta la password di Tutti',
      greeting: 'Ciao {name},',
      asked:
        'È stata richiesta la reimpostazione della password del tuo account Tutti. Per scegliere una nuova password, apri:',
      expiry: 'Il link funziona una sola volta e scade tra {duration}.',
      ignore: 'Se non sei stato tu a richiederlo, ignora questo messaggio: la password resta invariata.',
    },
  },
  es: {
    invitation: {
      subject: 'Invitación a {organization} en Tutti',
      greeting: 'Hola:',
      invited: '{invitedBy} lo invitó a {organization} en Tutti, el administrador de equipos AV de ClearOne.',
      open: 'Para registrarse, abra:',
      expiry: 'El enlace funciona una sola vez y vence en {duration}.',
    },
    accountAdded: {
      subject: 'Tiene una cuenta en {organization} en Tutti',
      greeting: 'Hola, {name}:',
      added: '{invitedBy} le creó una cuenta en {organization}.',
      signIn: 'Inicie sesión en {url} y elija la organización en el menú de su cuenta.',
    },
    passwordReset: {
      subject: 'Restablezca su contraseña de Tutti',
      greeting: 'Hola, {name}:',
      asked:
        'Alguien solicitó restablecer la contraseña de su cuenta de Tutti. Para elegir una contraseña nueva, abra:',
      expiry: 'El enlace funciona una sola vez y vence en {duration}.',
      ignore: 'Si no lo solicitó, ignore este mensaje: su contraseña no cambiará.',
    },
  },
  de: {
    invitation: {
      subject: 'Einladung zu {organization} bei Tutti',
      greeting: 'Hallo,',
      invited: '{invitedBy} hat Sie zu {organization} bei Tutti eingeladen, dem AV-Flottenmanager von ClearOne.',
      open: 'Zum Registrieren öffnen Sie:',
      expiry: 'Der Link funktioniert einmal und läuft in {duration} ab.',
    },
    accountAdded: {
      subject: 'Sie haben ein Konto in {organization} bei Tutti',
      greeting: 'Hallo {name},',
      added: '{invitedBy} hat Ihnen ein Konto in {organization} eingerichtet.',
      signIn: 'Melden Sie sich unter {url} an und wählen Sie die Organisation im Kontomenü.',
    },
    passwordReset: {
      subject: 'Tutti-Passwort zurücksetzen',
      greeting: 'Hallo {name},',
      asked:
        'Jemand hat das Zurücksetzen des Passworts Ihres Tutti-Kontos angefordert. Um ein neues Passwort zu wählen, öffnen Sie:',
      expiry: 'Der Link funktioniert einmal und läuft in {duration} ab.',
      ignore: 'Falls Sie das nicht angefordert haben, ignorieren Sie diese Nachricht: Ihr Passwort bleibt unverändert.',
    },
  },
  pt: {
    invitation: {
      subject: 'Convite para {organization} no Tutti',
      greeting: 'Olá,',
      invited: '{invitedBy} convidou você para {organization} no Tutti, o gerenciador de frota AV da ClearOne.',
      open: 'Para se cadastrar, abra:',
      expiry: 'O link funciona uma única vez e expira em {duration}.',
    },
    accountAdded: {
      subject: 'Você tem uma conta em {organization} no Tutti',
      greeting: 'Olá, {name},',
      added: '{invitedBy} criou uma conta para você em {organization}.',
      signIn: 'Entre em {url} e escolha a organização no menu da sua conta.',
    },
    passwordReset: {
      subject: 'Redefina sua senha do Tutti',
      greeting: 'Olá, {name},',
      asked: 'Alguém pediu para redefinir a senha da sua conta do Tutti. Para escolher uma nova senha, abra:',
      expiry: 'O link funciona uma única vez e expira em {duration}.',
      ignore: 'Se você não fez esse pedido, ignore esta mensagem: sua senha continua a mesma.',
    },
  },
  pl: {
    invitation: {
      subject: 'Zaproszenie do organizacji {organization} w Tutti',
      greeting: 'Dzień dobry,',
      invited:
        '{invitedBy} zaprasza Cię do organizacji {organization} w Tutti, systemie zarządzania flotą AV firmy ClearOne.',
      open: 'Aby się zarejestrować, otwórz:',
      expiry: 'Link działa jeden raz i wygasa za {duration}.',
    },
    accountAdded: {
      subject: 'Masz konto w organizacji {organization} w Tutti',
      greeting: 'Dzień dobry, {name},',
      added: '{invitedBy} utworzył(a) Ci konto w organizacji {organization}.',
      signIn: 'Zaloguj się na {url} i wybierz organizację z menu konta.',
    },
    passwordReset: {
      subject: 'Zresetuj hasło do Tutti',
      greeting: 'Dzień dobry, {name},',
      asked: 'Ktoś poprosił o zresetowanie hasła do Twojego konta Tutti. Aby ustawić nowe hasło, otwórz:',
      expiry: 'Link działa jeden raz i wygasa za {duration}.',
      ignore: 'Jeśli to nie Ty, zignoruj tę wiadomość: Twoje hasło się nie zmieni.',
    },
  },
  'zh-CN': {
    invitation: {
      subject: '邀请您加入 Tutti 上的 {organization}',
      greeting: '您好：',
      invited: '{invitedBy} 邀请您加入 Tutti（ClearOne AV 设备群管理系统）上的 {organization}。',
      open: '请打开以下链接完成注册：',
      expiry: '该链接只能使用一次，将在 {duration}后过期。',
    },
    accountAdded: {
      subject: '您已拥有 Tutti 上 {organization} 的账户',
      greeting: '{name}，您好：',
      added: '{invitedBy} 已为您在 {organization} 中创建账户。',
      signIn: '请登录 {url}，然后从账户菜单中选择该组织。',
    },
    passwordReset: {
      subject: '重置您的 Tutti 密码',
      greeting: '{name}，您好：',
      asked: '有人请求重置您的 Tutti 账户密码。请打开以下链接设置新密码：',
      expiry: '该链接只能使用一次，将在 {duration}后过期。',
      ignore: '如果这不是您本人的请求，请忽略此邮件：您的密码不会改变。',
    },
  },
  ko: {
    invitation: {
      subject: 'Tutti의 {organization}에 초대되었습니다',
      greeting: '안녕하세요.',
      invited: '{invitedBy}님이 ClearOne AV 장비 관리 서비스인 Tutti의 {organization}에 초대했습니다.',
      open: '등록하려면 다음 링크를 여세요.',
      expiry: '이 링크는 한 번만 사용할 수 있으며 {duration} 후에 만료됩니다.',
    },
    accountAdded: {
      subject: 'Tutti의 {organization} 계정이 생성되었습니다',
      greeting: '{name}님, 안녕하세요.',
      added: '{invitedBy}님이 {organization}에 계정을 만들었습니다.',
      signIn: '{url}에서 로그인한 후 계정 메뉴에서 조직을 선택하세요.',
    },
    passwordReset: {
      subject: 'Tutti 비밀번호 재설정',
      greeting: '{name}님, 안녕하세요.',
      asked: 'Tutti 계정의 비밀번호 재설정이 요청되었습니다. 새 비밀번호를 정하려면 다음 링크를 여세요.',
      expiry: '이 링크는 한 번만 사용할 수 있으며 {duration} 후에 만료됩니다.',
      ignore: '요청한 적이 없다면 이 메시지를 무시하세요. 비밀번호는 바뀌지 않습니다.',
    },
  },
  ja: {
    invitation: {
      subject: 'Tutti の {organization} への招待',
      greeting: 'こんにちは。',
      invited: '{invitedBy} さんから、ClearOne AV フリート管理サービス Tutti の {organization} に招待されました。',
      open: '登録するには、次のリンクを開いてください：',
      expiry: 'このリンクは1回だけ使用でき、{duration}後に期限切れになります。',
    },
    accountAdded: {
      subject: 'Tutti の {organization} にアカウントが作成されました',
      greeting: '{name} さん',
      added: '{invitedBy} さんが {organization} にあなたのアカウントを作成しました。',
      signIn: '{url} でサインインし、アカウントメニューから組織を選択してください。',
    },
    passwordReset: {
      subject: 'Tutti のパスワードのリセット',
      greeting: '{name} さん',
      asked:
        'Tutti アカウントのパスワードのリセットが要求されました。新しいパスワードを設定するには、次のリンクを開いてください：',
      expiry: 'このリンクは1回だけ使用でき、{duration}後に期限切れになります。',
      ignore: 'お心当たりがない場合は、このメッセージを無視してください。パスワードは変更されません。',
    },
  },
  ar: {
    invitation: {
      subject: 'دعوة للانضمام إلى {organization} على Tutti',
      greeting: 'مرحبًا،',
      invited: 'دعاك {invitedBy} للانضمام إلى {organization} على Tutti، نظام ClearOne لإدارة أجهزة الصوت والصورة.',
      open: 'للتسجيل، افتح الرابط التالي:',
      expiry: 'يعمل الرابط مرة واحدة وتنتهي صلاحيته بعد {duration}.',
    },
    accountAdded: {
      subject: 'لديك حساب في {organization} على Tutti',
      greeting: 'مرحبًا {name}،',
      added: 'أنشأ لك {invitedBy} حسابًا في {organization}.',
      signIn: 'سجّل الدخول على {url} واختر المؤسسة من قائمة حسابك.',
    },
    passwordReset: {
      subject: 'إعادة تعيين كلمة مرور Tutti',
      greeting: 'مرحبًا {name}،',
      asked: 'طلب أحدهم إعادة تعيين كلمة مرور حسابك على Tutti. لاختيار كلمة مرور جديدة، افتح الرابط التالي:',
      expiry: 'يعمل الرابط مرة واحدة وتنتهي صلاحيته بعد {duration}.',
      ignore: 'إذا لم تطلب ذلك، فتجاهل هذه الرسالة: ستبقى كلمة المرور كما هي.',
    },
  },
  ru: {
    invitation: {
      subject: 'Приглашение в организацию {organization} в Tutti',
      greeting: 'Здравствуйте!',
      invited:
        '{invitedBy} приглашает вас в организацию {organization} в Tutti — системе управления AV-оборудованием ClearOne.',
      open: 'Чтобы зарегистрироваться, откройте ссылку:',
      expiry: 'Ссылка действует один раз и истекает через {duration}.',
    },
    accountAdded: {
      subject: 'У вас есть учетная запись в организации {organization} в Tutti',
      greeting: 'Здравствуйте, {name}!',
      added: '{invitedBy} создал(а) для вас учетную запись в организации {organization}.',
      signIn: 'Войдите на {url} и выберите организацию в меню учетной записи.',
    },
    passwordReset: {
      subject: 'Сброс пароля Tutti',
      greeting: 'Здравствуйте, {name}!',
      asked: 'Поступил запрос на сброс пароля вашей учетной записи Tutti. Чтобы задать новый пароль, откройте ссылку:',
      expiry: 'Ссылка действует один раз и истекает через {duration}.',
      ignore: 'Если вы этого не запрашивали, проигнорируйте это письмо: ваш пароль останется прежним.',
    },
  },
};

function intlLocale(language: Language): string {
  if (language === 'ar') return 'ar-u-nu-latn';
  if (language === 'pt') return 'pt-BR';
  return language;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => values[key] ?? match);
}

function duration(language: Language, value: number, unit: 'hour' | 'minute'): string {
  return new Intl.NumberFormat(intlLocale(language), { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}

/** A stored language (free text in the database) as one the product speaks, English otherwise. */
export function mailLanguage(stored: string | null | undefined): Language {
  const parsed = languageSchema.safeParse(stored);
  return parsed.success ? parsed.data : 'en';
}

export type AccessMail =
  | { kind: 'invitation'; organization: string; invitedBy: string; link: string; ttlHours: number }
  | { kind: 'accountAdded'; organization: string; invitedBy: string; name: string; url: string }
  | { kind: 'passwordReset'; name: string; link: string; ttlMinutes: number };

/** The subject and plain-text body of an access email in the recipient's language. */
export function accessMail(language: Language, to: string, mail: AccessMail): MailMessage {
  const words = texts[language];
  switch (mail.kind) {
    case 'invitation': {
      const values = {
        organization: mail.organization,
        invitedBy: mail.invitedBy,
        duration: duration(language, mail.ttlHours, 'hour'),
      };
      const t = words.invitation;
      return {
        to,
        subject: fill(t.subject, values),
        text: [t.greeting, '', fill(t.invited, values), t.open, mail.link, '', fill(t.expiry, values)].join('\n'),
      };
    }
    case 'accountAdded': {
      const values = { organization: mail.organization, invitedBy: mail.invitedBy, name: mail.name, url: mail.url };
      const t = words.accountAdded;
      return {
        to,
        subject: fill(t.subject, values),
        text: [fill(t.greeting, values), '', fill(t.added, values), fill(t.signIn, values)].join('\n'),
      };
    }
    case 'passwordReset': {
      const values = { name: mail.name, duration: duration(language, mail.ttlMinutes, 'minute') };
      const t = words.passwordReset;
      return {
        to,
        subject: t.subject,
        text: [fill(t.greeting, values), '', t.asked, mail.link, '', fill(t.expiry, values), t.ignore].join('\n'),
      };
    }
  }
}
