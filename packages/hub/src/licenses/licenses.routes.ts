import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { API_PREFIX, errorBodySchema, licenseStateSchema, signedLicenseSchema } from '@tutti/protocol';
import { clientInfo, requirePermission } from '../auth/index.ts';
import { withTenant } from '../db/index.ts';
import type { HubContext } from '../hub-context.ts';
import { getLicense, installLicense } from './licenses.service.ts';

/** Settings > License: the enterprise license of the current organization. */
export function registerLicenseRoutes(app: FastifyInstance, context: HubContext): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const denied = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

  routes.get(
    `${API_PREFIX}/settings/license`,
    {
      schema: {
        tags: ['license'],
        summary: 'The enterprise license of the current organization, if one is installed',
        response: { 200: licenseStateSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'orgs.view');
      return withTenant(context.db, auth.orgIds, (tx) => getLicense(tx, auth));
    },
  );

  routes.put(
    `${API_PREFIX}/settings/license`,
    {
      schema: {
        tags: ['license'],
        summary: 'Install a signed license file (Ed25519); an invalid, changed or expired one is refused',
        body: signedLicenseSchema,
        response: { 200: licenseStateSchema, ...denied },
      },
    },
    async (request) => {
      const auth = requirePermission(request, 'orgs.manage');
      return withTenant(context.db, auth.orgIds, (tx) =>
        installLicense(tx, context.config.licensePublicKey, auth, request.body, clientInfo(request)),
      );
    },
  );
}
