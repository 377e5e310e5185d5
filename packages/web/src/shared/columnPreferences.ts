import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { sessionQueryOptions } from '../session/session.ts';

/** Which columns a list shows, in which order. */
export interface ColumnChoice<K extends string> {
  order: K[];
  hidden: K[];
}

function storageKey(userId: string, list: string): string {
  return `tutti.columns.${userId}.${list}`;
}

/**
 * A stored choice made valid for today's columns: unknown keys dropped, new columns appended visible. Nothing
 * stored gives every column in its default order with `defaultHidden` hidden.
 */
export function reconcileColumns<K extends string>(
  all: readonly K[],
  stored: unknown,
  defaultHidden: readonly K[] = [],
): ColumnChoice<K> {
  if (stored === null || typeof stored !== 'object') return { order: [...all], hidden: [...defaultHidden] };
  const known = new Set<string>(all);
  const value = (stored ?? {}) as { order?: unknown; hidden?: unknown };
  const pick = (list: unknown) =>
    Array.isArray(list) ? list.filter((key): key is K => typeof key === 'string' && known.has(key)) : [];
  const order = [...new Set(pick(value.order))];
  for (const key of all) if (!order.includes(key)) order.push(key);
  const hidden = [...new Set(pick(value.hidden))];
  // A list always shows at least one column.
  return { order, hidden: hidden.length >= order.length ? [] : hidden };
}

function read<K extends string>(key: string | null, all: readonly K[], defaultHidden: readonly K[]): ColumnChoice<K> {
  if (key === null) return reconcileColumns(all, null, defaultHidden);
  try {
    return reconcileColumns(all, JSON.parse(localStorage.getItem(key) ?? 'null'), defaultHidden);
  } catch {
    return reconcileColumns(all, null, defaultHidden);
  }
}

/** The signed-in person's column choice for one list, remembered in this browser per user. */
export function useColumnPreferences<K extends string>(
  list: string,
  all: readonly K[],
  defaultHidden: readonly K[] = [],
) {
  const { data: session } = useQuery(sessionQueryOptions);
  const key = session ? storageKey(session.user.id, list) : null;
  const [state, setState] = useState<{ key: string | null; choice: ColumnChoice<K> }>(() => ({
    key,
    choice: read(key, all, defaultHidden),
  }));
  // The session arrives after the first render, or another person signs in: load their choice.
  const current = state.key === key ? state.choice : read(key, all, defaultHidden);
  if (state.key !== key) setState({ key, choice: current });

  function update(choice: ColumnChoice<K>): void {
    setState({ key, choice });
    if (key !== null) localStorage.setItem(key, JSON.stringify(choice));
  }

  return {
    choice: current,
    visible: current.order.filter((column) => !current.hidden.includes(column)),
    update,
    reset: () => update(reconcileColumns(all, null, defaultHidden)),
  };
}
