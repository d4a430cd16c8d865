import { createHash } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LoadError } from '../compiler/errors.ts';
import type { Playbook } from '../compiler/playbook.ts';
import { assertTypesafe } from './typecheck.ts';

/**
 * Loads a playbook module: type-checked first (a type error stops everything,
 * nothing is run), then imported; its default export must be a Playbook.
 */
export async function loadPlaybook(path: string, options: { readonly typecheck?: boolean } = {}): Promise<Playbook> {
  const file = resolve(path);
  try {
    await access(file);
  } catch {
    throw new LoadError(`playbook not found: ${path}`, { file: path });
  }
  if (options.typecheck !== false) await assertTypesafe(file);
  let module: { default?: unknown };
  try {
    // The content hash in the URL makes an edited playbook load anew in a long-lived process.
    const version = createHash('sha256').update(await readFile(file)).digest('hex').slice(0, 16);
    module = (await import(`${pathToFileURL(file).href}?v=${version}`)) as { default?: unknown };
  } catch (error) {
    throw new LoadError(`could not load the playbook: ${(error as Error).message}`, { file: path, cause: error });
  }
  const playbook = module.default as Partial<Playbook> | undefined;
  if (typeof playbook !== 'object' || playbook === null || !Array.isArray(playbook.plays)) {
    throw new LoadError('the default export must be a playbook: export default definePlaybook({ name, plays: [...] })', { file: path });
  }
  return playbook as Playbook;
}
