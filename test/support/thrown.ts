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
