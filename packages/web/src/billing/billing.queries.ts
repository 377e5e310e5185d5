import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { InvoiceStatus } from '@tutti/protocol';
import { api } from '../api.ts';

export const billingQueryKey = ['billing'] as const;

export const servicePlansQueryOptions = queryOptions({
  queryKey: [...billingQueryKey, 'plans'],
  queryFn: () => api.listServicePlans(),
});

export function usageQueryOptions(range: { from: string; to: string }) {
  return queryOptions({
    queryKey: [...billingQueryKey, 'usage', range],
    queryFn: () => api.usage(range),
    placeholderData: keepPreviousData,
  });
}

export function invoicesQueryOptions(params: { status: InvoiceStatus | null; page: number; limit: number }) {
  return queryOptions({
    queryKey: [...billingQueryKey, 'invoices', params],
    queryFn: () => api.listInvoices({ status: params.status ?? undefined, page: params.page, limit: params.limit }),
    placeholderData: keepPreviousData,
  });
}

export function invoiceQueryOptions(id: string) {
  return queryOptions({
    queryKey: [...billingQueryKey, 'invoice', id],
    queryFn: () => api.getInvoice(id),
  });
}
