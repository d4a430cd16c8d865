import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { bundledModule } from '../loader/bundle.ts';
import { BosunError, LoadError } from '../compiler/errors.ts';
import type { Playbook } from '../compiler/playbook.ts';
import { checkPlaybook } from '../compiler/playbook-check.ts';
import { userFrame } from '../compiler/user-frame.ts';
import { assertTypesafe } from './typecheck.ts';

/**
 * Loads a playbook module: type-checked first (a type error stops everything,
 * nothing is run), then bundled with what it imports and loaded; its default
 * export must be a Playbook.
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
    // A bundle's name holds its content hash: an edited playbook loads anew even in a long-lived process.
    module = (await import(await bundledModule(file))) as { default?: unknown };
  } catch (error) {
    const at = userFrame(error) ?? { file: path };
    throw new LoadError(`could not load the playbook: ${(error as Error).message}`, { ...at, cause: error });
  }
  const playbook = module.default;
  if (typeof playbook !== 'object' || playbook === null) {
    throw new LoadError('the default export must be a playbook: export default definePlaybook({ name, plays: [...] })', { file: path });
  }
  try {
    return checkPlaybook(playbook);
  } catch (error) {
    if (error instanceof BosunError) throw new LoadError(error.message, { file: path, cause: error });
    throw error;
  }
}
