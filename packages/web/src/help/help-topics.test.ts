import { describe, expect, it } from 'vitest';
import { parseHelpScreen, topicsFor } from './help-topics.ts';

describe('help topics', () => {
  it('puts the topics of the screen first and keeps every topic once', () => {
    const { here, others } = topicsFor('locations');
    expect(here.map((topic) => topic.key)).toEqual(['locations']);
    expect(others.some((topic) => topic.key === 'locations')).toBe(false);
    expect(here.length + others.length).toBe(topicsFor(undefined).others.length);
  });

  it('shows backing up and loading configurations first on the Backups screen', () => {
    expect(topicsFor('backups').here.map((topic) => topic.key)).toEqual(['backupRestore', 'loadConfiguration']);
  });

  it('accepts only known screens from the URL', () => {
    expect(parseHelpScreen('devices')).toBe('devices');
    expect(parseHelpScreen('<script>')).toBeUndefined();
  });
});
