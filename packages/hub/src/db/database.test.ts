import { describe, expect, it } from 'vitest';
import { isConnectionLost, retryWhenConnectionLost } from './database.ts';

function pgError(code: string, message = 'server said no'): Error {
  return Object.assign(new Error(message), { code });
}

describe('isConnectionLost', () => {
  it('knows a dropped connection by its SQLSTATE or the driver’s message, also wrapped by drizzle', () => {
    expect(isConnectionLost(pgError('57P01', 'terminating connection due to administrator command'))).toBe(true);
    expect(isConnectionLost(pgError('08006'))).toBe(true);
    expect(isConnectionLost(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionLost(new Error('Failed query: begin', { cause: pgError('57P01') }))).toBe(true);
  });

  it('leaves other failures alone', () => {
    expect(isConnectionLost(pgError('23505', 'duplicate key value'))).toBe(false);
    expect(isConnectionLost(pgError('40001', 'could not serialize access'))).toBe(false);
    expect(isConnectionLost('Connection terminated')).toBe(false);
  });
});

describe('retryWhenConnectionLost', () => {
  it('runs the work again after a lost connection, up to its attempts', async () => {
    let calls = 0;
    const result = await retryWhenConnectionLost(
      async () => {
        calls += 1;
        if (calls < 3) throw pgError('57P01');
        return 'stored';
      },
      { firstPauseMs: 1 },
    );
    expect(result).toBe('stored');
    expect(calls).toBe(3);

    calls = 0;
    const failing = retryWhenConnectionLost(
      async () => {
        calls += 1;
        throw pgError('08006');
      },
      { attempts: 2, firstPauseMs: 1 },
    );
    await expect(failing).rejects.toMatchObject({ code: '08006' });
    expect(calls).toBe(2);
  });

  it('does not repeat work that failed for another reason', async () => {
    let calls = 0;
    const failing = retryWhenConnectionLost(
      async () => {
        calls += 1;
        throw pgError('23505');
      },
      { firstPauseMs: 1 },
    );
    await expect(failing).rejects.toMatchObject({ code: '23505' });
    expect(calls).toBe(1);
  });
});
