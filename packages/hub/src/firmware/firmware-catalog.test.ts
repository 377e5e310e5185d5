import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FirmwareCatalogImport, FirmwareCatalogManifest } from '@tutti/protocol';
import { makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';
import { buildFirmwarePackage } from './firmware-package.ts';

let hub: TestHub;
const cookies: Record<'admin' | 'technician', Record<string, string>> = { admin: {}, technician: {} };
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  hub = await startTestHub();
  const org = await makeOrg(hub.database.db);
  for (const role of ['administrator', 'technician'] as const) {
    const user = await makeUser(hub.database.db, org.id, { role });
    cookies[role === 'administrator' ? 'admin' : role] = await signInCookies(hub.app, user.email, user.password);
  }
}, 180_000);
afterAll(async () => hub?.close());

function catalogOf(manifest: unknown, files: Record<string, Uint8Array>): Uint8Array {
  return zipSync({ 'catalog.json': new TextEncoder().encode(JSON.stringify(manifest)), ...files });
}

function importCatalog(content: Uint8Array, who: keyof typeof cookies = 'admin', checksum = sha256(content)) {
  return hub.app.inject({
    method: 'POST',
    url: '/api/v1/firmware/import',
    cookies: cookies[who],
    payload: { fileName: 'catalog.zip', sha256: checksum, contentBase64: Buffer.from(content).toString('base64') },
  });
}

describe('firmware catalog import', () => {
  it('adds every valid package and reports each refused one with the code a single upload gives', async () => {
    const good = buildFirmwarePackage('converge_pro_2', '5.4.0.1', Buffer.from('image 5.4'));
    const bma = buildFirmwarePackage('beamforming_mic', '1.0.3.12', Buffer.from('bma image'));
    const otherFamily = buildFirmwarePackage('dialog_20', '2.0.0.1', Buffer.from('dialog image'));
    const truncated = buildFirmwarePackage('converge_huddle', '1.1.0.0', Buffer.from('huddle image'));
    const manifest: FirmwareCatalogManifest = {
      packages: [
        {
          file: 'cp2/cp2-5.4.0.1.tfw',
          modelFamily: 'converge_pro_2',
          version: '5.4.0.1',
          releaseNotes: 'Fixes',
          sha256: sha256(good),
        },
        { file: 'bma2.tfw', modelFamily: 'beamforming_mic', version: '1.0.3.12', sha256: sha256(bma) },
        { file: 'dialog.tfw', modelFamily: 'converge_pro_2', version: '2.0.0.1', sha256: sha256(otherFamily) },
        { file: 'huddle.tfw', modelFamily: 'converge_huddle', version: '1.1.0.0', sha256: sha256(truncated) },
        { file: 'missing.tfw', modelFamily: 'converge_pro_2', version: '5.5.0.0', sha256: sha256(good) },
        { file: 'again.tfw', modelFamily: 'converge_pro_2', version: '5.4.0.1', sha256: sha256(good) },
      ],
    };
    const response = await importCatalog(
      catalogOf(manifest, {
        'cp2/cp2-5.4.0.1.tfw': good,
        'bma2.tfw': bma,
        'dialog.tfw': otherFamily,
        'huddle.tfw': truncated.subarray(0, truncated.byteLength - 3),
        'again.tfw': good,
      }),
    );
    expect(response.statusCode).toBe(200);
    const report = response.json<FirmwareCatalogImport>();
    expect(report.added.map((item) => [item.modelFamily, item.version, item.fileName, item.releaseNotes])).toEqual([
      ['converge_pro_2', '5.4.0.1', 'cp2-5.4.0.1.tfw', 'Fixes'],
      ['beamforming_mic', '1.0.3.12', 'bma2.tfw', ''],
    ]);
    expect(report.refused.map((item) => [item.file, item.code])).toEqual([
      ['dialog.tfw', 'FIRMWARE_WRONG_MODEL'],
      ['huddle.tfw', 'FIRMWARE_CHECKSUM_MISMATCH'],
      ['missing.tfw', 'FIRMWARE_PACKAGE_INVALID'],
      ['again.tfw', 'FIRMWARE_VERSION_EXISTS'],
    ]);
    const catalog = await hub.app.inject({ method: 'GET', url: '/api/v1/firmware', cookies: cookies.admin });
    expect(catalog.json<{ items: unknown[] }>().items).toHaveLength(2);
  });

  it('refuses an unreadable or truncated catalog as a whole, and needs firmware.manage', async () => {
    const manifest = {
      packages: [{ file: 'a.tfw', modelFamily: 'converge_pro_2', version: '6.0', sha256: '0'.repeat(64) }],
    };
    const content = catalogOf(manifest, {});
    expect((await importCatalog(content, 'technician')).json().error.code).toBe('FORBIDDEN');
    const cut = content.subarray(0, content.byteLength - 10);
    expect((await importCatalog(cut, 'admin', sha256(content))).json().error.code).toBe('FIRMWARE_CHECKSUM_MISMATCH');
    expect((await importCatalog(cut)).json().error.code).toBe('FIRMWARE_CATALOG_INVALID');
    expect((await importCatalog(zipSync({ 'readme.txt': new Uint8Array(3) }))).json().error.code).toBe(
      'FIRMWARE_CATALOG_INVALID',
    );
    expect((await importCatalog(catalogOf({ packages: [] }, {}))).json().error.code).toBe('FIRMWARE_CATALOG_INVALID');
  });
});
