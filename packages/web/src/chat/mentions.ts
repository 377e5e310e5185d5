import type { ChatPerson } from '@tutti/protocol';

/** The people picked from the mention menu whose `@Name` is still in the text when it is sent. */
export function mentionsIn(body: string, picked: readonly ChatPerson[]): string[] {
  return [...new Set(picked.filter((person) => body.includes(`@${person.name}`)).map((person) => person.userId))];
}

/** Text with `@Name` of mentioned people split out, so they can be shown highlighted. */
export function splitMentions(body: string, names: readonly string[]): { text: string; mention: boolean }[] {
  const wanted = [...new Set(names)].filter(Boolean).sort((a, b) => b.length - a.length);
  if (wanted.length === 0) return [{ text: body, mention: false }];
  const pattern = new RegExp(`(@(?:${wanted.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')}))`);
  return body
    .split(pattern)
    .filter((part) => part !== '')
    .map((part) => ({ text: part, mention: part.startsWith('@') && wanted.includes(part.slice(1)) }));
}
