export {
  registerAuth,
  requireAuth,
  requirePermission,
  requireSession,
  clientInfo,
  setSessionCookie,
} from './auth.routes.ts';
export { createSignInLimiter } from './sign-in-limiter.ts';
export type { SignInLimiter } from './sign-in-limiter.ts';
export {
  changePassword,
  getPersonalSettings,
  signInDirectoryIdentity,
  type DirectoryIdentity,
  type DirectorySignIn,
  type SignedIn,
  updatePersonalSettings,
  type AuthContext,
  type ClientInfo,
  type SessionAuth,
} from './auth.service.ts';
export { hashPassword, verifyPassword, meetsPasswordPolicy } from './passwords.ts';
export { assertStrongPassword } from './password-strength.ts';
export { createMailer, type Mailer } from './mailer.ts';
export { accessMail, mailLanguage } from './mail-texts.ts';
export { hashToken, newToken } from './tokens.ts';
export { insertUser, insertMembership, findUserByEmail } from './auth.queries.ts';
