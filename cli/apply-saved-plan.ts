import { resolve } from 'node:path';
import { BosunError } from '../compiler/errors.ts';
import type { RunOptions } from './options.ts';
import { planKey } from './plan-key.ts';
import { type Io, runPlaybook } from './run-command.ts';
import { assertSameKey, extraVarsDigest, readSavedPlan } from './saved-plan.ts';

/** The flags of `bosun apply PLAN.json`, and which of them the user gave on the command line. */
export interface ApplyFlags {
  readonly options: RunOptions;
  /** Whether a flag (by its RunOptions name) was given, as opposed to defaulted. */
  readonly given: (option: keyof RunOptions) => boolean;
}

/**
 * `bosun apply plan.json`: the run the saved check described, and nothing else. What
 * decides what runs where comes from the plan: `-i` and `-t` are refused, `-e` must be
 * the same values (checked against the plan's keyed digest; the plan never stores them),
 * `-F` must be the file the plan was checked with. `-l` narrows the saved hosts. How the
 * run goes (forks, serial batches, failure limit, timeout, host keys, become password,
 * reports) is the plan's unless given again. Every host whose script, connection or become
 * changed since is refused, with what changed.
 */
export async function applySavedPlan(file: string, flags: ApplyFlags, io: Io): Promise<number> {
  const plan = await readSavedPlan(file);
  const key = await planKey();
  assertSameKey(plan, key, file);
  const { options, given } = flags;
  const refuse = (flag: string, why: string): never => {
    throw new BosunError(`bosun apply ${file}: ${flag} cannot be used with a saved plan: ${why} (run bosun check --out again with it)`);
  };
  if (given('inventories'))
    refuse('-i', `the plan was checked against ${plan.inventories.length === 0 ? 'this machine' : plan.inventories.join(', ')}`);
  if (given('tags')) refuse('-t', 'the plan fixes which steps run');
  if (given('skipTags')) refuse('--skip-tags', 'the plan fixes which steps run');
  if (given('startAtTask')) refuse('--start-at-task', 'the plan fixes which steps run');
  if (given('step')) refuse('--step', 'the plan fixes which steps run');
  if (options.listing !== undefined) refuse('--list-*/--syntax-check', 'they list or check a playbook: give them the playbook');
  if (given('out')) refuse('--out', 'apply does not save plans');
  if (given('sshConfig') && resolve(options.sshConfig!) !== plan.run.sshConfig) {
    refuse(
      '-F',
      plan.run.sshConfig === undefined ? 'the plan was checked without -F' : `the plan was checked with -F ${plan.run.sshConfig}`,
    );
  }
  if (extraVarsDigest(options.extraVars, key) !== plan.extraVars) {
    throw new BosunError(
      `bosun apply ${file}: the -e values differ from those the plan was checked with: give apply the same -e ` +
        '(a saved plan keeps only a keyed digest of them, never the values)',
    );
  }
  const run = plan.run;
  // A flag given to apply wins over what the plan saved; the plan's value over apply's default.
  const pick = <K extends keyof RunOptions>(option: K, saved: RunOptions[K]): Partial<RunOptions> => {
    if (given(option)) return { [option]: options[option] };
    return saved === undefined ? {} : { [option]: saved };
  };
  const merged: RunOptions = {
    ...options,
    inventories: plan.inventories,
    tags: plan.tags,
    skipTags: plan.skipTags ?? [],
    ...(plan.startAtTask !== undefined && { startAtTask: plan.startAtTask }),
    typecheck: given('typecheck') ? options.typecheck : plan.typecheck,
    ...(plan.limit === undefined ? { limit: undefined } : { limit: plan.limit }),
    ...pick('forks', run.forks),
    ...pick('serial', run.serial),
    ...pick('maxFailPercentage', run.maxFailPercentage),
    ...pick('timeoutSeconds', run.timeoutSeconds),
    ...pick('acceptNewHostKeys', run.acceptNewHostKeys),
    ...pick('sshConfig', run.sshConfig),
  };
  const narrow = given('limit') ? options.limit : undefined;
  return runPlaybook(plan.playbook, 'apply', merged, io, { plan, key, ...(narrow !== undefined && { narrow }) });
}
