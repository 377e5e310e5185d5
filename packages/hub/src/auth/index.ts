export { registerAuth, requireAuth, clientInfo } from './auth.routes.ts';
export { createSignInLimiter } from './sign-in-limiter.ts';
export type { SignInLimiter } from './sign-in-limiter.ts';
export type { AuthContext } from './auth.service.ts';
export { hashPassword, verifyPassword, meetsPasswordPolicy } from './passwords.ts';
export { insertUser, insertMembership, findUserByEmail } from './auth.queries.ts';
