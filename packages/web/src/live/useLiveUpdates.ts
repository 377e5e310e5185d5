import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { DeviceDetail, DeviceList, LiveMessage } from '@tutti/protocol';
import { useEffect, useState } from 'react';
import { deviceDetailKey, devicesQueryKey, devicesRootKey } from '../devices/devices.queries.ts';
import { applyChanges, applyDetailChanges, applyRemovals } from './device-cache.ts';
import { connectLive, type LiveState } from './live-connection.ts';

/** Queries that follow device changes: lists, details, histories and the dashboard. */
const liveKeys = [devicesRootKey, ['dashboard']] as const;

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
        for (const queryKey of liveKeys) void queryClient.invalidateQueries({ queryKey });
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
      if (reconnected) for (const queryKey of liveKeys) void queryClient.invalidateQueries({ queryKey });
      return;
    case 'devices.changed': {
      const changed = new Map(message.devices.map((device) => [device.id, device]));
      updateCachedLists(queryClient, (list) => applyChanges(list, changed));
      queryClient.setQueriesData<DeviceDetail>({ queryKey: deviceDetailKey }, (detail) =>
        detail ? applyDetailChanges(detail, changed) : detail,
      );
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

/**
 * Keeps the device queries in the cache current from `/live`; returns the connection state. The hub binds a live
 * connection to the session's organization when it opens, so a new organization opens a new connection.
 */
export function useLiveUpdates(organizationId: string | undefined): LiveState {
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
  }, [queryClient, organizationId]);
  return state;
}
