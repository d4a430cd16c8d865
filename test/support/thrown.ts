import type { BosunError } from '../../compiler/errors.ts';

/** The error `run` throws; fails the test when it throws nothing. */
export function thrown<E extends Error = BosunError>(run: () => unknown): E {
  try {
    run();
  } catch (error) {
    return error as E;
  }
  throw new Error('expected an error, but nothing was thrown');
}

/** The error `body`'s promise rejects with; fails the test when it resolves. */
export async function rejection(
  body: () => Promise<unknown>,
): Promise<Error & { file?: string; line?: number; field?: string; describe?: () => string }> {
  try {
    await body();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, got a result');
}
