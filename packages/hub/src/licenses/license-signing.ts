import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import {
  appError,
  canonicalLicenseJson,
  licensePayloadSchema,
  type LicensePayload,
  type SignedLicense,
} from '@tutti/protocol';

function ed25519(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519')
    throw appError('CONFIG_INVALID', { problems: [`${what}: not an Ed25519 key`] });
  return key;
}

/** Signs a license with the issuer's Ed25519 private key (PEM): what `tutti admin license issue` writes. */
export function signLicense(privateKeyPem: string, payload: LicensePayload): SignedLicense {
  const license = licensePayloadSchema.parse(payload);
  const key = ed25519(createPrivateKey(privateKeyPem), 'license signing key');
  const signature = sign(null, Buffer.from(canonicalLicenseJson(license), 'utf8'), key).toString('base64url');
  return { license, signature };
}

/**
 * Checks a license file against the hub's license public key: LICENSE_INVALID when the signature does not match
 * (a changed field, another issuer, a damaged file), LICENSE_EXPIRED when it ran out.
 */
export function verifyLicense(publicKeyPem: string | undefined, signed: SignedLicense, now: Date): LicensePayload {
  if (!publicKeyPem) throw appError('LICENSE_INVALID', { reason: 'this hub has no license public key configured' });
  let key: KeyObject;
  try {
    key = ed25519(createPublicKey(publicKeyPem), 'licensePublicKey');
  } catch {
    throw appError('LICENSE_INVALID', { reason: 'the hub license public key is not an Ed25519 key' });
  }
  const signature = Buffer.from(signed.signature, 'base64url');
  const valid =
    signature.length === 64 && verify(null, Buffer.from(canonicalLicenseJson(signed.license), 'utf8'), key, signature);
  if (!valid) throw appError('LICENSE_INVALID', { reason: 'signature does not match' });
  if (new Date(signed.license.expiresAt).getTime() <= now.getTime()) {
    throw appError('LICENSE_EXPIRED', { expiresAt: signed.license.expiresAt });
  }
  return signed.license;
}
