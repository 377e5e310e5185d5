import { z } from 'zod';

/** What an enterprise license grants; signed by ClearOne's license key (Ed25519) over its canonical JSON. */
export const licensePayloadSchema = z.strictObject({
  licenseId: z.string().trim().min(1).max(64),
  customer: z.string().trim().min(1).max(200),
  /** Most Pro Audio devices managed; beyond it devices read as Overflowed. */
  maxProAudioDevices: z.number().int().min(0).max(10_000_000),
  features: z.array(z.string().trim().min(1).max(64)).max(100),
  issuedAt: z.iso.datetime({ offset: true }),
  expiresAt: z.iso.datetime({ offset: true }),
});
export type LicensePayload = z.infer<typeof licensePayloadSchema>;

/** The license file: the payload and a base64url Ed25519 signature of `canonicalLicenseJson(payload)`. */
export const signedLicenseSchema = z.strictObject({
  license: licensePayloadSchema,
  signature: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, 'base64url'),
});
export type SignedLicense = z.infer<typeof signedLicenseSchema>;

export const licenseDtoSchema = licensePayloadSchema.extend({
  installedAt: z.string(),
  expired: z.boolean(),
});
export type LicenseDto = z.infer<typeof licenseDtoSchema>;
export const licenseStateSchema = z.object({ license: licenseDtoSchema.nullable() });
export type LicenseState = z.infer<typeof licenseStateSchema>;

/** The exact bytes that are signed: the payload's fields in a fixed order, features sorted, no whitespace. */
export function canonicalLicenseJson(payload: LicensePayload): string {
  return JSON.stringify({
    licenseId: payload.licenseId,
    customer: payload.customer,
    maxProAudioDevices: payload.maxProAudioDevices,
    features: [...payload.features].sort(),
    issuedAt: payload.issuedAt,
    expiresAt: payload.expiresAt,
  });
}
