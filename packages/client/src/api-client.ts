import {
  API_PREFIX,
  deviceListSchema,
  errorBodySchema,
  sessionInfoSchema,
  type DeviceList,
  type DeviceListQuery,
  type ErrorCode,
  type SessionInfo,
  type SignInRequest,
} from '@tutti/protocol';
import type { z } from 'zod';

/** A non-2xx answer from the hub, with the stable code the UI translates. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | 'NETWORK';
  readonly details: unknown;

  constructor(status: number, code: ErrorCode | 'NETWORK', message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface CreateApiClientOptions {
  /** Hub origin, e.g. `http://127.0.0.1:8080`; empty for same-origin use in the browser. */
  baseUrl?: string;
  /** Keep the session cookie in memory (Node callers); browsers keep it themselves. */
  keepCookies?: boolean;
  fetch?: typeof fetch;
}

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(options: CreateApiClientOptions = {}) {
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  let cookie: string | null = null;

  async function request<T>(method: string, path: string, schema: z.ZodType<T> | null, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (cookie) headers.cookie = cookie;
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${API_PREFIX}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'include',
      });
    } catch (error) {
      throw new ApiError(0, 'NETWORK', error instanceof Error ? error.message : 'Network error');
    }
    if (options.keepCookies) {
      const setCookie = response.headers.get('set-cookie');
      if (setCookie) cookie = setCookie.split(';')[0] ?? null;
    }
    const text = await response.text();
    const json: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      const parsed = errorBodySchema.safeParse(json);
      if (parsed.success) {
        const { code, message, details } = parsed.data.error;
        throw new ApiError(response.status, code, message, details);
      }
      throw new ApiError(response.status, 'INTERNAL', `Unexpected answer ${response.status}`);
    }
    return schema ? schema.parse(json) : (undefined as T);
  }

  function queryString(query: Record<string, unknown>): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null || value === '') continue;
      for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
    }
    const text = params.toString();
    return text ? `?${text}` : '';
  }

  return {
    /** The session cookie this client holds (Node callers), e.g. to open `/live`. */
    sessionCookie: () => cookie,
    signIn: (body: SignInRequest): Promise<SessionInfo> => request('POST', '/auth/sign-in', sessionInfoSchema, body),
    signOut: (): Promise<void> => request('POST', '/auth/sign-out', null, {}),
    me: (): Promise<SessionInfo> => request('GET', '/auth/me', sessionInfoSchema),
    listDevices: (query: DeviceListQuery = {}): Promise<DeviceList> =>
      request('GET', `/devices${queryString(query)}`, deviceListSchema),
  };
}
