import { ValidationError } from '../compiler/errors.ts';
import type { Serial } from '../runner/batches.ts';

/** What to print instead of running (Ansible's --list-hosts, --list-tasks, --list-tags, --syntax-check). */
export type Listing = 'hosts' | 'tasks' | 'tags' | 'syntax';

/** Report files a run writes besides `--json` (each also made from a saved JSON report by `bosun report`). */
export interface ReportFiles {
  readonly junit?: string;
  readonly html?: string;
  readonly summaryMd?: string;
}

/** What `check`, `apply` and `compile` accept, after parsing. */
export interface RunOptions extends ReportFiles {
  readonly inventories: readonly string[];
  readonly limit?: string;
  readonly tags: readonly string[];
  /** `--skip-tags`: steps with one of these tags do not run (wins over `tags`). */
  readonly skipTags: readonly string[];
  /** `--start-at-task`: steps before the first one with this name (or glob) do not run. */
  readonly startAtTask?: string;
  /** `--step`: confirm each step on the terminal before anything runs. */
  readonly step: boolean;
  /** `-v` count: 1 prints every step's output, 2 also each step's duration and the sessions' own log. */
  readonly verbosity: number;
  /** Print this and run nothing. */
  readonly listing?: Listing;
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
