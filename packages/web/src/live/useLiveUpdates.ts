import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { DeviceList, LiveMessage } from '@tutti/protocol';
import { useEffect, useState } from 'react';
import { devicesQueryKey } from '../devices/devices.queries.ts';
import { applyChanges, applyRemovals } from './device-cache.ts';
import { connectLive, type LiveState } from './live-connection.ts';

/** Counts and ordering come from the server: refetch after changes, at most once per this interval. */
const REFRESH_INTERVAL_MS = 2_000;

function updateCachedLists(queryClient: QueryClient, update: (list: DeviceList) => DeviceList): void {
  queryClient.setQueriesData<DeviceList>({ queryKey: devicesQueryKey }, (list) => (list ? update(list) : list));
}

function createThrottledRefresh(queryClient: QueryClient): { schedule: () => void; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    schedule: () => {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        void queryClient.invalidateQueries({ queryKey: devicesQueryKey });
      }, REFRESH_INTERVAL_MS);
    },
    cancel: () => clearTimeout(timer),
  };
}

function applyLiveMessage(
  queryClient: QueryClient,
  message: LiveMessage,
  reconnected: boolean,
  refresh: () => void,
): void {
  switch (message.type) {
    case 'ready':
      // Changes may have been missed while disconnected.
      if (reconnected) void queryClient.invalidateQueries({ queryKey: devicesQueryKey });
      return;
    case 'devices.changed': {
      const changed = new Map(message.devices.map((device) => [device.id, device]));
      updateCachedLists(queryClient, (list) => applyChanges(list, changed));
      refresh();
      return;
    }
    case 'devices.removed': {
      const removed = new Set(message.ids);
      updateCachedLists(queryClient, (list) => applyRemovals(list, removed));
      refresh();
      return;
    }
  }
}

/** Keeps the device lists in the query cache current from `/live`; returns the connection state. */
export function useLiveUpdates(): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    const refresh = createThrottledRefresh(queryClient);
    const live = connectLive({
      onState: setState,
      onMessage: (message, { reconnected }) => applyLiveMessage(queryClient, message, reconnected, refresh.schedule),
    });
    return () => {
      live.close();
      refresh.cancel();
    };
  }, [queryClient]);
  return state;
}
