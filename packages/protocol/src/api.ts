import { z } from 'zod';
import { deviceDtoSchema } from './devices.ts';
import { errorCodes, type ErrorCode } from './errors.ts';

export const API_PREFIX = '/api/v1';
export const LIVE_PATH = '/live';
export const SESSION_COOKIE = 'tutti_session';

export const languages = ['en', 'fr', 'it', 'es', 'de', 'pt', 'pl', 'zh-CN', 'ko', 'ja', 'ar', 'ru'] as const;
export const languageSchema = z.enum(languages);
export type Language = z.infer<typeof languageSchema>;
export const rtlLanguages: readonly Language[] = ['ar'];

export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(errorCodes as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const roles = ['owner', 'administrator', 'technician', 'monitor', 'billing'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export const signInRequestSchema = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(1).max(256),
  staySignedIn: z.boolean().default(false),
});
export type SignInRequest = z.input<typeof signInRequestSchema>;

export const membershipSchema = z.object({
  organizationId: z.string(),
  organizationName: z.string(),
  role: roleSchema,
});

export const sessionInfoSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), language: languageSchema }),
  currentOrganizationId: z.string(),
  memberships: z.array(membershipSchema),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

export const healthSchema = z.object({
  status: z.enum(['ok', 'starting', 'failing']),
  checks: z.record(z.string(), z.string()),
});

/** Hub → browser over `/live`. */
export const liveMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('devices.changed'), devices: z.array(deviceDtoSchema) }),
  z.object({ type: z.literal('devices.removed'), ids: z.array(z.string()) }),
]);
export type LiveMessage = z.infer<typeof liveMessageSchema>;
