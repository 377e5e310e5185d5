import { describe, expect, it } from 'vitest';
import { reconcileColumns } from './columnPreferences.ts';

const all = ['status', 'name', 'serial', 'location'] as const;

describe('reconcileColumns', () => {
  it('keeps a stored order and hidden columns, drops unknown keys and appends new columns', () => {
    expect(reconcileColumns(all, { order: ['serial', 'gone', 'status', 'serial'], hidden: ['name', 'gone'] })).toEqual({
      order: ['serial', 'status', 'name', 'location'],
      hidden: ['name'],
    });
  });

  it('falls back to every column in the default order for nothing or garbage stored', () => {
    expect(reconcileColumns(all, null)).toEqual({ order: [...all], hidden: [] });
    expect(reconcileColumns(all, { order: 'status', hidden: 7 })).toEqual({ order: [...all], hidden: [] });
    expect(reconcileColumns(all, null, ['serial'])).toEqual({ order: [...all], hidden: ['serial'] });
  });

  it('never hides every column', () => {
    expect(reconcileColumns(all, { hidden: [...all] }).hidden).toEqual([]);
  });
});
