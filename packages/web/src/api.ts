import { ApiError, createApiClient } from '@tutti/client';

/** Same-origin client: the hub serves this app, the API and the live feed from one origin. */
export const api = createApiClient();

export type ErrorKey = `error.${ApiError['code']}`;

/** Which translated message to show for a failure; unknown failures count as INTERNAL. */
export function errorKey(error: unknown): ErrorKey {
  return error instanceof ApiError ? `error.${error.code}` : 'error.INTERNAL';
}
