export { ApiError, createApiClient } from './api-client.ts';
export type { ApiClient, CreateApiClientOptions } from './api-client.ts';
