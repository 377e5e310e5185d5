import { rtlLanguages, type AlertProblem, type Language } from '@tutti/protocol';
import { messageCatalogs, type MessageCatalog } from './messages.ts';

/** One alert as a message tells about it. */
export interface Notice {
  kind: 'problem' | 'escalation' | 'recovery';
  alertId: string;
  subjectName: string;
  locationName: string | null;
  problem: AlertProblem;
}

export interface ComposedMessage {
  subject: string;
  body: string;
}

/** A message lists at most this many locations per section, and this many items per location, then counts the rest. */
const MAX_LOCATIONS = 15;
const MAX_ITEMS_PER_LOCATION = 10;
const SUBJECT_PREFIX = '[Tutti] ';

const FIRST_STRONG_ISOLATE = '\u2068';
const POP_DIRECTIONAL_ISOLATE = '\u2069';

type Plural = MessageCatalog['more'];

/**
 * Fills `{{name}}` placeholders. In right-to-left languages each value is a bidi isolate (names, serials), except
 * URLs, which mail clients must still recognise as links.
 */
function fill(template: string, values: Record<string, string | number>, language: Language): string {
  const isolate = rtlLanguages.includes(language);
  return template.replace(/\{\{(\w+)\}\}/g, (match, key: string) => {
    const value = values[key];
    if (value === undefined) return match;
    const text = typeof value === 'number' ? formatNumber(value, language) : value;
    return isolate && key !== 'url' ? `${FIRST_STRONG_ISOLATE}${text}${POP_DIRECTIONAL_ISOLATE}` : text;
  });
}

function formatNumber(value: number, language: Language): string {
  // Western digits in every locale (GLOSSARY: digits stay 0–9, Arabic included).
  return new Intl.NumberFormat(language, { numberingSystem: 'latn' }).format(value);
}

function plural(forms: Plural, count: number, language: Language): string {
  const category = new Intl.PluralRules(language).select(count);
  return forms[category] ?? forms.other;
}

function list(items: string[], language: Language): string {
  return new Intl.ListFormat(language, { type: 'conjunction' }).format(items);
}

/** The room roll-up of one section: one line per location saying what is wrong there. */
function sectionLines(notices: Notice[], catalog: MessageCatalog, language: Language): string[] {
  const byLocation = new Map<string | null, Notice[]>();
  for (const notice of notices) {
    byLocation.set(notice.locationName, [...(byLocation.get(notice.locationName) ?? []), notice]);
  }
  const locations = [...byLocation.entries()].sort(
    ([nameA, a], [nameB, b]) => b.length - a.length || (nameA ?? '\uffff').localeCompare(nameB ?? '\uffff'),
  );
  const lines: string[] = [];
  for (const [location, located] of locations.slice(0, MAX_LOCATIONS)) {
    const items = located
      .slice(0, MAX_ITEMS_PER_LOCATION)
      .map((notice) =>
        fill(catalog.item, { name: notice.subjectName, problem: catalog.problems[notice.problem] }, language),
      );
    const rest = located.length - items.length;
    if (rest > 0) items.push(fill(plural(catalog.more, rest, language), { count: rest }, language));
    lines.push(
      `• ${fill(catalog.locationLine, { location: location ?? catalog.noLocation, items: list(items, language) }, language)}`,
    );
  }
  const hidden = locations.slice(MAX_LOCATIONS).reduce((sum, [, located]) => sum + located.length, 0);
  if (hidden > 0) lines.push(`• ${fill(plural(catalog.more, hidden, language), { count: hidden }, language)}`);
  return lines;
}

function subjectOf(notices: Notice[], organization: string, catalog: MessageCatalog, language: Language): string {
  const problems = notices.filter((notice) => notice.kind === 'problem');
  const escalations = notices.filter((notice) => notice.kind === 'escalation');
  const only = problems.length === 1 && escalations.length === 0 ? problems[0] : undefined;
  if (only) {
    return fill(catalog.subjectOne, { name: only.subjectName, problem: catalog.problems[only.problem] }, language);
  }
  const [forms, count] =
    problems.length > 0
      ? [catalog.subjectProblems, problems.length]
      : escalations.length > 0
        ? [catalog.subjectEscalations, escalations.length]
        : [catalog.subjectRecoveries, notices.length];
  return fill(plural(forms, count, language), { count, organization }, language);
}

/**
 * One grouped message for one recipient: every new, escalated and recovered alert of a tick, rolled up by location,
 * so a storm of hundreds of devices reads as a handful of lines.
 */
export function composeMessage(language: Language, organization: string, notices: Notice[]): ComposedMessage {
  const catalog = messageCatalogs[language];
  const sections: Array<[Notice['kind'], string]> = [
    ['problem', catalog.sectionProblems],
    ['escalation', catalog.sectionEscalations],
    ['recovery', catalog.sectionRecoveries],
  ];
  const blocks = sections.flatMap(([kind, heading]) => {
    const ofKind = notices.filter((notice) => notice.kind === kind);
    return ofKind.length === 0 ? [] : [[heading, ...sectionLines(ofKind, catalog, language)].join('\n')];
  });
  return {
    subject: `${SUBJECT_PREFIX}${subjectOf(notices, organization, catalog, language)}`,
    body: blocks.join('\n\n'),
  };
}

/** The closing lines added when the message goes out: the acknowledge link (when there is something to acknowledge). */
export function closingLines(language: Language, links: { acknowledgeUrl: string | null; alertsUrl: string }) {
  const catalog = messageCatalogs[language];
  return [
    ...(links.acknowledgeUrl ? [fill(catalog.acknowledge, { url: links.acknowledgeUrl }, language)] : []),
    fill(catalog.openAlerts, { url: links.alertsUrl }, language),
  ];
}
