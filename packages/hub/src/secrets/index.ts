export { createSecretBox, type SecretBox, type SecretKeySource } from './secret-box.ts';
