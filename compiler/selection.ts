import { globToRegex } from './glob.ts';
import { BosunError } from './errors.ts';
import type { Plan } from './plan.ts';
import type { Step } from './step.ts';

/**
 * Which steps of a plan run, as Ansible chooses tasks: `--tags`, `--skip-tags` and
 * `--start-at-task`. Handlers always stay.
 */
export interface StepSelection {
  /** Keep steps with one of these tags (none: every step but those tagged `never`). */
  readonly tags?: readonly string[];
  /** Drop steps with one of these tags; wins over `tags`, as in Ansible. */
  readonly skipTags?: readonly string[];
  /** Drop every step before the first one whose name matches (exact, glob, or `role : name`). */
  readonly startAtTask?: string;
}

/**
 * Tags with a meaning of their own in Ansible: `always` runs unless skipped by name,
 * `never` runs only when asked for by name, `tagged`/`untagged` select by having tags,
 * `all` is every step (but `never` ones).
 */
export const SPECIAL_TAGS = ['all', 'tagged', 'untagged', 'always', 'never'] as const;

/** Whether a step with `stepTags` runs under `--tags only --skip-tags skip` (Ansible's Taggable.evaluate_tags). */
export function tagsSelect(stepTags: readonly string[], only: readonly string[] = [], skip: readonly string[] = []): boolean {
  const tags = new Set(stepTags.length === 0 ? ['untagged'] : stepTags);
  const untagged = stepTags.length === 0;
  // Ansible's --tags defaults to `all`.
  const wanted = only.length === 0 ? ['all'] : only;
  const run =
    tags.has('always') ||
    (wanted.includes('all') && !tags.has('never')) ||
    wanted.some((tag) => tags.has(tag)) ||
    (wanted.includes('tagged') && !untagged && !tags.has('never'));
  if (!run) return false;
  if (skip.includes('all')) return tags.has('always') && !skip.includes('always');
  if (skip.some((tag) => tags.has(tag))) return false;
  return !(skip.includes('tagged') && !untagged);
}

/** Whether a step's name is what `--start-at-task PATTERN` names: the name, a glob of it, or `role : name`. */
export function nameMatches(step: Pick<Step, 'name' | 'role'>, pattern: string): boolean {
  const glob = globPattern(pattern);
  return [step.name, ...(step.role === undefined ? [] : [`${step.role} : ${step.name}`])].some(
    (name) => name === pattern || glob.test(name),
  );
}

/** The plan with only the selected steps (handlers kept). Pure. */
export function selectSteps(plan: Plan, selection: StepSelection): Plan {
  // A flush point does nothing unless handlers were notified: it stays wherever the plan has it.
  const tagged = plan.steps.filter((step) => step.flushHandlers === true || tagsSelect(step.tags, selection.tags, selection.skipTags));
  const start = selection.startAtTask === undefined ? 0 : tagged.findIndex((step) => nameMatches(step, selection.startAtTask!));
  // A host whose plan never reaches the start runs none of its steps, as in Ansible.
  const from = start < 0 ? tagged.length : start;
  const steps = tagged.slice(from);
  return steps.length === plan.steps.length ? plan : { ...plan, steps };
}

/**
 * Refuses a selection that names what no plan has: a `--tags`/`--skip-tags` tag no step
 * carries, a `--start-at-task` no selected step is called. A typo must not silently select
 * nothing (or skip nothing). `plans` are the full plans of every targeted host.
 */
export function assertSelectionMatches(plans: readonly Plan[], selection: StepSelection): void {
  const known = new Set<string>(plans.flatMap((plan) => plan.steps.flatMap((step) => step.tags)));
  for (const [flag, tags] of [
    ['--tags', selection.tags],
    ['--skip-tags', selection.skipTags],
  ] as const) {
    const unknown = (tags ?? []).filter((tag) => !known.has(tag) && !['all', 'tagged', 'untagged'].includes(tag));
    if (unknown.length > 0) {
      const list = [...known].sort();
      throw new BosunError(
        `${flag} ${unknown.join(',')}: no step of the targeted hosts has ${unknown.length === 1 ? 'this tag' : 'these tags'} ` +
          `(tags: ${list.length === 0 ? 'none' : list.join(', ')}; see --list-tags)`,
      );
    }
  }
  const pattern = selection.startAtTask;
  if (pattern === undefined) return;
  const tagged = plans.flatMap((plan) => plan.steps.filter((step) => tagsSelect(step.tags, selection.tags, selection.skipTags)));
  if (!tagged.some((step) => nameMatches(step, pattern)))
    throw new BosunError(
      `--start-at-task ${JSON.stringify(pattern)}: no selected step of the targeted hosts has this name (see --list-tasks)`,
    );
}

/** Python's fnmatch (the same translation as host patterns), which Ansible's --start-at-task uses. */
function globPattern(pattern: string): RegExp {
  return new RegExp(`^${globToRegex(pattern)}$`, 's');
}
