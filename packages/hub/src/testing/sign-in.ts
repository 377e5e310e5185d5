import { SESSION_COOKIE } from '@tutti/protocol';
import type { FastifyInstance } from 'fastify';

/** Signs in through the real route and returns the cookies to send with later requests. */
export async function signInCookies(app: FastifyInstance, email: string, password: string) {
  const response = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password } });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.body}`);
  return { [SESSION_COOKIE]: response.cookies.find((cookie) => cookie.name === SESSION_COOKIE)!.value };
}
