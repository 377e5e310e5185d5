import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { AlertDeliveryListQuery, AlertListQuery } from '@tutti/protocol';
import { api } from '../api.ts';

export const alertsQueryKey = ['alerts'] as const;
export const alertRulesQueryKey = ['alert-rules'] as const;
export const maintenanceWindowsQueryKey = ['maintenance-windows'] as const;

export function alertsQueryOptions(query: AlertListQuery) {
  return queryOptions({
    queryKey: [...alertsQueryKey, 'list', query],
    queryFn: () => api.listAlerts(query),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });
}

export function alertDeliveriesQueryOptions(query: AlertDeliveryListQuery) {
  return queryOptions({
    queryKey: [...alertsQueryKey, 'deliveries', query],
    queryFn: () => api.listAlertDeliveries(query),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });
}

export const alertRulesQueryOptions = queryOptions({
  queryKey: alertRulesQueryKey,
  queryFn: () => api.listAlertRules(),
});

export const maintenanceWindowsQueryOptions = queryOptions({
  queryKey: maintenanceWindowsQueryKey,
  queryFn: () => api.listMaintenanceWindows(),
});
