import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ValidationError } from '../compiler/errors.ts';

/**
 * The text of a file named on the command line as `@PATH` (`-e @vars.yml`,
 * `--limit @retry`), resolved against `cwd`; a file that cannot be read is a
 * clear error naming the option and the file.
 */
export async function readArgumentFile(option: string, path: string, cwd: string): Promise<{ file: string; text: string }> {
  const file = resolve(cwd, path);
  try {
    return { file, text: await readFile(file, 'utf8') };
  } catch (error) {
    throw new ValidationError(option, `cannot read ${file}: ${(error as Error).message}`, { file, cause: error });
  }
}
