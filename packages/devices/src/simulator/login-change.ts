import { PASSWORD_OK, errorPayloads, type ErrorPayload } from '../system-commands.ts';
import type { Credentials } from './types.ts';

/**
 * `… UNIT PASSWORD <old> <new>` and `… UNIT USERNAME <password> <new username>` [INV]: both prove the current
 * password and answer `OK`. Returns the login after the change and the reply, or the error payload.
 */
export function changeLogin(
  current: Credentials,
  command: 'password' | 'username',
  path: string,
  values: readonly string[],
): { next: Credentials; reply: string } | ErrorPayload {
  const [password, value] = values;
  if (values.length !== 2 || password === undefined || value === undefined) return errorPayloads.invalidParameters;
  if (password !== current.password) return errorPayloads.invalidParameters;
  const next = command === 'password' ? { ...current, password: value } : { ...current, username: value };
  return { next, reply: `${path} ${PASSWORD_OK}` };
}
