export { registerSignInProviderRoutes } from './sign-in-providers.routes.ts';
export { createDirectorySignIn } from './sign-in-providers.service.ts';
