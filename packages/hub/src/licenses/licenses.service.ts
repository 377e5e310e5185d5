import type { LicenseDto, LicenseState, SignedLicense } from '@tutti/protocol';
import { recordAudit } from '../audit/index.ts';
import type { AuthContext, ClientInfo } from '../auth/index.ts';
import type { Queryable, Tx } from '../db/index.ts';
import { verifyLicense } from './license-signing.ts';
import { findLicense, findLicensedLimit, upsertLicense, type LicenseRow } from './licenses.queries.ts';

function toLicenseDto(row: LicenseRow, now: Date): LicenseDto {
  const payload = row.payload as SignedLicense['license'];
  return { ...payload, installedAt: row.installedAt.toISOString(), expired: row.expiresAt.getTime() <= now.getTime() };
}

export async function getLicense(tx: Tx, auth: AuthContext): Promise<LicenseState> {
  const row = await findLicense(tx, auth.orgId);
  return { license: row ? toLicenseDto(row, new Date()) : null };
}

/** Installs a license after checking its signature and expiry; a refused file changes nothing. */
export async function installLicense(
  tx: Tx,
  publicKeyPem: string | undefined,
  auth: AuthContext,
  signed: SignedLicense,
  client: ClientInfo,
): Promise<LicenseState> {
  const now = new Date();
  const license = verifyLicense(publicKeyPem, signed, now);
  const before = await findLicense(tx, auth.orgId);
  await upsertLicense(tx, {
    orgId: auth.orgId,
    payload: license,
    signature: signed.signature,
    maxProAudioDevices: license.maxProAudioDevices,
    expiresAt: new Date(license.expiresAt),
    installedAt: now,
  });
  await recordAudit(tx, {
    orgId: auth.orgId,
    actorUserId: auth.userId,
    actorLabel: auth.email,
    action: 'license.install',
    target: `license:${license.licenseId}`,
    before: before ? before.payload : null,
    after: license,
    ip: client.ip,
  });
  return getLicense(tx, auth);
}

/** Pro Audio devices the organization's license allows, or null without a license in force. */
export function licensedProAudioLimit(db: Queryable, orgId: string): Promise<number | null> {
  return findLicensedLimit(db, orgId, new Date());
}
