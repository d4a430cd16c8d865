import { fileURLToPath } from 'node:url';
import { enginePath } from './engine.ts';

/** Where in a user's file something happened: a playbook, a role, an inventory. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * The innermost frame of an error's stack that is in the user's code (not bosun's engine,
 * not Node's internals, not a package), so that an error thrown by a role can name the
 * role's file and line. Stacks name source files when source maps are on (bin/bosun.js).
 */
export function userFrame(error: unknown): SourceLocation | undefined {
  const stack = error instanceof Error ? error.stack : undefined;
  if (stack === undefined) return undefined;
  for (const line of stack.split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (match === null) continue;
    const file = match[1]!.startsWith('file://') ? fileURLToPath(match[1]!) : match[1]!;
    if (enginePath(file) !== undefined) continue;
    if (file.includes('/node_modules/')) continue;
    return { file, line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}
