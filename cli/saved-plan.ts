import { readFile } from 'node:fs/promises';
import { LoadError } from '../compiler/errors.ts';
import type { RunOptions } from './options.ts';
import type { Target } from './targets.ts';

/**
 * What `bosun check --out plan.json` saves: how the run was asked for, and the
 * hash of each host's script. `bosun apply plan.json` recompiles the same way and
 * refuses any host whose script no longer hashes the same.
 */
export interface SavedPlan {
  readonly format: 1;
  readonly playbook: string;
  readonly options: RunOptions;
  readonly hosts: Readonly<Record<string, string>>;
}

export function savedPlan(playbook: string, options: RunOptions, targets: readonly Target[]): string {
  const { out: _out, json: _json, askBecomePass: _ask, ...kept } = options;
  const plan: SavedPlan = {
    format: 1,
    playbook,
    options: { ...kept, askBecomePass: false },
    hosts: Object.fromEntries(targets.map((target) => [target.host.name, target.rendered.hash])),
  };
  return `${JSON.stringify(plan, null, 2)}\n`;
}

export async function readSavedPlan(file: string): Promise<SavedPlan> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new LoadError(`not a saved plan (${(error as Error).message})`, { file, cause: error });
  }
  const plan = parsed as Partial<SavedPlan>;
  if (plan.format !== 1 || typeof plan.playbook !== 'string' || typeof plan.hosts !== 'object' || typeof plan.options !== 'object') {
    throw new LoadError('not a saved plan: expected the JSON written by bosun check --out', { file });
  }
  return plan as SavedPlan;
}
