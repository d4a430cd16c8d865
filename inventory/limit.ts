import { ValidationError } from '../compiler/errors.ts';
import { readArgumentFile } from './argument-file.ts';

/**
 * A `--limit` value as a host pattern: the pattern itself, or for `@file` the
 * host names the file lists one per line (as Ansible's retry files), joined.
 */
export async function parseLimit(limit: string, cwd: string = process.cwd()): Promise<string> {
  if (!limit.startsWith('@')) return limit;
  const { file, text } = await readArgumentFile('limit', limit.slice(1), cwd);
  const names = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (names.length === 0) throw new ValidationError('limit', 'the file names no host', { file });
  return names.join(',');
}
