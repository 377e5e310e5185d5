import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { errorCatalog, isAppError, type ErrorBody, type ErrorCode } from '@tutti/protocol';

function send(reply: FastifyReply, code: ErrorCode, details?: unknown, message?: string): FastifyReply {
  const body: ErrorBody = { error: { code, message: message ?? errorCatalog[code].message } };
  if (details !== undefined) body.error.details = details;
  return reply.status(errorCatalog[code].status).send(body);
}

/** Maps Fastify's own client errors (bad JSON, wrong content type, …) to our stable codes. */
function fastifyClientErrorCode(error: FastifyError): ErrorCode | null {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'MALFORMED_JSON';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'PAYLOAD_TOO_LARGE';
    default:
      break;
  }
  if (error instanceof SyntaxError && error.statusCode === 400) return 'MALFORMED_JSON';
  if (error.statusCode === 429) return 'RATE_LIMITED';
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return 'VALIDATION_FAILED';
  return null;
}

/** One error shape for the whole API: `{ error: { code, message, details } }`. */
export function installErrorHandling(app: FastifyInstance, spaIndex: string | null): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (isAppError(error)) return send(reply, error.code, error.details, error.message);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((issue) => ({
        path: `${error.validationContext ?? 'request'}${issue.instancePath.replaceAll('/', '.')}`,
        message: issue.message,
      }));
      return send(reply, 'VALIDATION_FAILED', { issues });
    }
    const clientCode = fastifyClientErrorCode(error);
    if (clientCode) return send(reply, clientCode);
    request.log.error({ err: error }, 'request failed');
    return send(reply, 'INTERNAL');
  });
  app.setNotFoundHandler((request, reply) => {
    // Client-side routes of the web app (e.g. /devices) load the app, which then routes itself.
    const isPage =
      request.method === 'GET' &&
      !request.url.startsWith('/api/') &&
      (request.headers.accept ?? '').includes('text/html');
    if (spaIndex && isPage) return reply.sendFile(spaIndex);
    return send(reply, 'NOT_FOUND', { method: request.method, url: request.url });
  });
}
