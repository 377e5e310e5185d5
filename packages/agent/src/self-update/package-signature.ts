import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import {
  appError,
  canonicalAgentPackageJson,
  agentPackageManifestSchema,
  type AgentPackageManifest,
  type SignedAgentPackage,
} from '@tutti/protocol';

function ed25519(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw appError('CONFIG_INVALID', { problems: ['an agent package key must be an Ed25519 key'] });
  }
  return key;
}

/** Signs a package manifest with the release key (Ed25519 private key, PEM). */
export function signAgentPackage(privateKeyPem: string, manifest: AgentPackageManifest): SignedAgentPackage {
  const checked = agentPackageManifestSchema.parse(manifest);
  const key = ed25519(createPrivateKey(privateKeyPem));
  const signature = sign(null, Buffer.from(canonicalAgentPackageJson(checked), 'utf8'), key).toString('base64url');
  return { manifest: checked, signature };
}

/** The public key (PEM) that verifies packages signed with this private key. */
export function agentPackagePublicKey(privateKeyPem: string): string {
  return createPublicKey(ed25519(createPrivateKey(privateKeyPem)))
    .export({ type: 'spki', format: 'pem' })
    .toString();
}

/** Whether one of the trusted release keys signed this manifest. */
export function isTrustedAgentPackage(signed: SignedAgentPackage, trustedKeysPem: readonly string[]): boolean {
  const signature = Buffer.from(signed.signature, 'base64url');
  if (signature.length !== 64) return false;
  const bytes = Buffer.from(canonicalAgentPackageJson(signed.manifest), 'utf8');
  return trustedKeysPem.some((pem) => {
    try {
      return verify(null, bytes, ed25519(createPublicKey(pem)), signature);
    } catch {
      return false;
    }
  });
}

/**
 * Refuses a package unless a trusted key signed its manifest and the archive is exactly the one the manifest
 * describes (size and SHA-256). Nothing is unpacked before this passes.
 */
export function assertAuthenticAgentPackage(
  signed: SignedAgentPackage,
  archive: Buffer,
  trustedKeysPem: readonly string[],
): void {
  if (!isTrustedAgentPackage(signed, trustedKeysPem)) {
    throw appError('AGENT_PACKAGE_REJECTED', { version: signed.manifest.version, reason: 'untrusted signature' });
  }
  const sha256 = createHash('sha256').update(archive).digest('hex');
  if (archive.length !== signed.manifest.size || sha256 !== signed.manifest.sha256) {
    throw appError('AGENT_PACKAGE_REJECTED', { version: signed.manifest.version, reason: 'checksum mismatch' });
  }
}
