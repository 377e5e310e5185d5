import { z } from 'zod';

/** linked: tokens held; relink_required: the service refused the refresh token or consent; unreachable: no answer. */
export const spaceLinkStates = ['linked', 'relink_required', 'unreachable'] as const;
export const spaceLinkStateSchema = z.enum(spaceLinkStates);
export type SpaceLinkState = z.infer<typeof spaceLinkStateSchema>;

export const spaceAccountDtoSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  name: z.string(),
  plan: z.string().nullable(),
  /** What the service reports for the account (active, suspended, …). */
  accountStatus: z.string().nullable(),
  linkState: spaceLinkStateSchema,
  /** The video statuses: Healthy, Down (no answer), Communication Service Failed (link or account not usable). */
  status: z.enum(['healthy', 'down', 'communication_service_failed']),
  linkedEmail: z.string().nullable(),
  checkedAt: z.string().nullable(),
});
export type SpaceAccountDto = z.infer<typeof spaceAccountDtoSchema>;
export const spaceAccountListSchema = z.object({ items: z.array(spaceAccountDtoSchema) });
export type SpaceAccountList = z.infer<typeof spaceAccountListSchema>;

export const spaceLinkStartSchema = z.object({ authorizeUrl: z.string() });
export type SpaceLinkStart = z.infer<typeof spaceLinkStartSchema>;

/** Where the Space service sends the browser back (RFC 6749 §4.1.2). */
export const spaceCallbackQuerySchema = z.object({
  state: z.string().max(200),
  code: z.string().max(500).optional(),
  error: z.string().max(100).optional(),
  error_description: z.string().max(500).optional(),
});

export const spaceDirectorySchema = z.object({
  rooms: z.array(z.object({ id: z.string(), name: z.string() })),
  users: z.array(z.object({ id: z.string(), name: z.string(), email: z.string() })),
});
export type SpaceDirectory = z.infer<typeof spaceDirectorySchema>;

/** Where the web app's Space screen lives; the callback returns there with `linked` or `error`. */
export const SPACE_SCREEN_PATH = '/space';
