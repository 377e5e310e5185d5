export { registerFirmwareRoutes } from './firmware.routes.ts';
export {
  getFirmware,
  listFirmware,
  newestFirmwareByFamily,
  readFirmwareContent,
  uploadFirmware,
} from './firmware.service.ts';
export { buildFirmwarePackage, sha256Hex, verifyFirmwarePackage } from './firmware-package.ts';
