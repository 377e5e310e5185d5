import { voipTransportSchema, type AgentVoipLine, type VoipLineSettings } from '@tutti/protocol';
import { z } from 'zod';
import type { SecretBox } from '../secrets/index.ts';

/** Purpose SIP passwords are sealed for in job target inputs; only the job dispatcher opens them. */
export const VOIP_PASSWORD_PURPOSE = 'job-voip-password';

/** A voip_provision target's input as stored: the lines to write, each password sealed. */
export const voipTargetInputSchema = z.object({
  voipLines: z
    .array(
      z.object({
        line: z.number().int(),
        server: z.string(),
        port: z.number().int(),
        transport: voipTransportSchema,
        user: z.string(),
        authUser: z.string(),
        extension: z.string(),
        displayName: z.string(),
        sealedPassword: z.string(),
      }),
    )
    .min(1),
});
export type VoipTargetInput = z.infer<typeof voipTargetInputSchema>;

export function sealVoipLines(secrets: SecretBox, lines: readonly VoipLineSettings[]): VoipTargetInput {
  return {
    voipLines: lines.map(({ password, ...rest }) => ({
      ...rest,
      sealedPassword: secrets.seal(password, VOIP_PASSWORD_PURPOSE),
    })),
  };
}

/** The lines an agent gets for a target, passwords opened; none when the input is not a voip_provision one. */
export function openVoipInput(secrets: SecretBox, input: unknown): { voipLines?: AgentVoipLine[] } {
  const parsed = voipTargetInputSchema.safeParse(input);
  if (!parsed.success) return {};
  return {
    voipLines: parsed.data.voipLines.map(({ sealedPassword, ...rest }) => ({
      ...rest,
      password: secrets.open(sealedPassword, VOIP_PASSWORD_PURPOSE),
    })),
  };
}
