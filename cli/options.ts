import { ValidationError } from '../compiler/errors.ts';
import type { Serial } from '../runner/batches.ts';

/** What `check`, `apply` and `compile` accept, after parsing. */
export interface RunOptions {
  readonly inventories: readonly string[];
  readonly limit?: string;
  readonly tags: readonly string[];
  readonly extraVars: Readonly<Record<string, unknown>>;
  readonly json?: string;
  readonly diff: boolean;
  readonly forks: number;
  readonly serial?: Serial;
  readonly maxFailPercentage?: number;
  readonly timeoutSeconds?: number;
  readonly acceptNewHostKeys: boolean;
  readonly sshConfig?: string;
  readonly askBecomePass: boolean;
  readonly detailedExitcode: boolean;
  readonly out?: string;
  readonly typecheck: boolean;
}

export function positiveInteger(text: string, flag: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new ValidationError(flag, `expected a whole number >= 1, got ${JSON.stringify(text)}`);
  return Number(text);
}

export function percentage(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 100)
    throw new ValidationError(flag, `expected a percentage 0-100, got ${JSON.stringify(text)}`);
  return value;
}
