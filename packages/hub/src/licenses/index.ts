export { registerLicenseRoutes } from './licenses.routes.ts';
export { licensedProAudioLimit } from './licenses.service.ts';
export { signLicense, verifyLicense } from './license-signing.ts';
