import { z } from 'zod';
import { errorCodes, type ErrorCode } from './errors.ts';
import { backupDtoSchema, firmwarePackageDtoSchema, firmwareVersionSchema, sha256Schema } from './jobs.ts';
import { deviceFamilySchema, deviceModelSchema, modelInfo, type DeviceModel } from './models.ts';

// ---- Configuration library ----------------------------------------------------------------------------------------

/** Largest project file (a `.PCCP2X`-like ZIP holding one XML file) the library accepts. */
export const MAX_CONFIGURATION_BYTES = 4 * 1024 * 1024;
/** Where agents fetch (GET …/<configurationId>) the project a `config_load` job loads. */
export const CONFIGURATION_FILES_PATH = '/agent/v1/files/configurations';

/**
 * Models a project file can be loaded onto: the CONVERGE DSPs and the peripherals on their P-Link port. Video codecs
 * and Space accounts have no CONSOLE project.
 */
export function takesConfigurationFile(model: DeviceModel): boolean {
  const { family } = modelInfo(model);
  return family !== 'collaborate_live' && family !== 'collaborate_space';
}

export const uploadConfigurationRequestSchema = z.strictObject({
  /** A name for the library; the file name when left out. */
  name: z.string().trim().max(200).optional(),
  fileName: z.string().trim().min(1).max(255),
  /** The model the uploader means the file for; refused when the file names another. */
  model: deviceModelSchema.optional(),
  /** SHA-256 of the whole file as the uploader has it: a truncated transfer fails here. */
  sha256: sha256Schema,
  contentBase64: z
    .string()
    .min(1)
    .max(Math.ceil((MAX_CONFIGURATION_BYTES * 4) / 3) + 4),
});
export type UploadConfigurationRequest = z.input<typeof uploadConfigurationRequestSchema>;

export const renameConfigurationRequestSchema = z.strictObject({ name: z.string().trim().min(1).max(200) });
export type RenameConfigurationRequest = z.input<typeof renameConfigurationRequestSchema>;

export const configurationDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  fileName: z.string(),
  /** Read from the project inside the file. */
  model: deviceModelSchema,
  sizeBytes: z.number().int(),
  sha256: z.string(),
  uploadedBy: z.string(),
  createdAt: z.string(),
});
export type ConfigurationDto = z.infer<typeof configurationDtoSchema>;
export const configurationListSchema = z.object({ items: z.array(configurationDtoSchema) });
export type ConfigurationList = z.infer<typeof configurationListSchema>;

// ---- Differences between two backups --------------------------------------------------------------------------------

export const backupDiffQuerySchema = z.strictObject({ from: z.uuid(), to: z.uuid() });
export type BackupDiffQuery = z.input<typeof backupDiffQuerySchema>;

export const settingChangeKinds = ['added', 'removed', 'changed'] as const;
export const settingChangeSchema = z.object({
  /** Element path with the attribute: `Root/Project/Settings@SipPort`; repeated elements get `[n]`. */
  path: z.string(),
  change: z.enum(settingChangeKinds),
  before: z.string().nullable(),
  after: z.string().nullable(),
});
export type SettingChange = z.infer<typeof settingChangeSchema>;

export const backupDiffSchema = z.object({
  from: backupDtoSchema,
  to: backupDtoSchema,
  changes: z.array(settingChangeSchema),
});
export type BackupDiff = z.infer<typeof backupDiffSchema>;

/** Each stored version of one device, read back and checked against its SHA-256. */
export const backupVerificationQuerySchema = z.strictObject({ deviceId: z.uuid() });
export type BackupVerificationQuery = z.input<typeof backupVerificationQuerySchema>;
export const backupVerificationSchema = z.object({
  items: z.array(z.object({ id: z.string(), verified: z.boolean() })),
});
export type BackupVerification = z.infer<typeof backupVerificationSchema>;

// ---- Firmware catalog import ----------------------------------------------------------------------------------------

/** Largest catalog file (a ZIP with `catalog.json` and the packages it lists). */
export const MAX_FIRMWARE_CATALOG_BYTES = 64 * 1024 * 1024;
export const FIRMWARE_CATALOG_MANIFEST = 'catalog.json';

/** `catalog.json`: what the vendor says each package file of the catalog is. */
export const firmwareCatalogManifestSchema = z.strictObject({
  packages: z
    .array(
      z.strictObject({
        /** The package's path inside the catalog ZIP. */
        file: z.string().min(1).max(255),
        modelFamily: deviceFamilySchema,
        version: firmwareVersionSchema,
        releaseNotes: z.string().max(20_000).default(''),
        sha256: sha256Schema,
      }),
    )
    .min(1)
    .max(500),
});
export type FirmwareCatalogManifest = z.input<typeof firmwareCatalogManifestSchema>;

export const importFirmwareCatalogRequestSchema = z.strictObject({
  fileName: z.string().trim().min(1).max(255),
  sha256: sha256Schema,
  contentBase64: z
    .string()
    .min(1)
    .max(Math.ceil((MAX_FIRMWARE_CATALOG_BYTES * 4) / 3) + 4),
});
export type ImportFirmwareCatalogRequest = z.input<typeof importFirmwareCatalogRequestSchema>;

export const firmwareCatalogImportSchema = z.object({
  added: z.array(firmwarePackageDtoSchema),
  /** Entries left out, each with the error code a single upload would have given and the detail. */
  refused: z.array(
    z.object({
      file: z.string(),
      modelFamily: z.string().nullable(),
      version: z.string().nullable(),
      code: z.enum(errorCodes as [ErrorCode, ...ErrorCode[]]),
      reason: z.string(),
    }),
  ),
});
export type FirmwareCatalogImport = z.infer<typeof firmwareCatalogImportSchema>;
