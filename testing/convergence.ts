import { AssertionError, deepStrictEqual } from 'node:assert/strict';
import type { Plan } from '../compiler/plan.ts';
import { explain, type Run, runPlan, statuses } from './run-plan.ts';
import type { Target } from './target.ts';

/** The runs of a convergence test. */
export interface Convergence {
  readonly check: Run;
  readonly apply: Run;
  readonly again: Run;
  readonly recheck: Run;
}

/** What the first check and the first apply should report, step by step. Defaults: all would-change, then all changed. */
export interface ConvergenceExpectation {
  readonly check?: readonly string[];
  readonly apply?: readonly string[];
}

/**
 * The contract every resource and role owes, asserted on a target (node:assert errors):
 * a check writes nothing (the target's whole listing is the same before and after) and
 * reports `check` (would-change by default); an apply reports `apply` (changed by
 * default); a second apply is all ok and writes nothing; a last check is all ok and
 * writes nothing.
 */
export async function assertConverges(
  plan: Plan,
  target: Pick<Target, 'transport' | 'tree'>,
  expected: ConvergenceExpectation = {},
): Promise<Convergence> {
  const count = plan.steps.length;
  const all = (status: string): string[] => Array(count).fill(status);
  const check = await checkWritesNothing(plan, target);
  deepStrictEqual(statuses(check), expected.check ?? all('would-change'), explain(check));
  const apply = await runPlan(plan, target.transport, 'apply');
  deepStrictEqual(statuses(apply), expected.apply ?? all('changed'), explain(apply));
  const settled = await target.tree();
  const again = await runPlan(plan, target.transport, 'apply');
  deepStrictEqual(statuses(again), all('ok'), explain(again));
  deepStrictEqual(again.status, 'ok', explain(again));
  unchanged(settled, await target.tree(), 'a second apply wrote to the target');
  const recheck = await checkWritesNothing(plan, target);
  deepStrictEqual(statuses(recheck), all('ok'), explain(recheck));
  deepStrictEqual(recheck.status, 'ok', explain(recheck));
  return { check, apply, again, recheck };
}

/** Runs a check and asserts it left the target exactly as it was (node:assert error otherwise). */
export async function checkWritesNothing(plan: Plan, target: Pick<Target, 'transport' | 'tree'>): Promise<Run> {
  const before = await target.tree();
  const check = await runPlan(plan, target.transport, 'check');
  unchanged(before, await target.tree(), 'check mode wrote to the target');
  return check;
}

/** Asserts two listings are equal; the error names the entries that differ. */
function unchanged(before: readonly string[], after: readonly string[], what: string): void {
  const was = new Set(before);
  const is = new Set(after);
  const gone = before.filter((entry) => !is.has(entry));
  const added = after.filter((entry) => !was.has(entry));
  if (gone.length === 0 && added.length === 0 && before.length === after.length) return;
  const lines = [...gone.map((entry) => `- ${entry}`), ...added.map((entry) => `+ ${entry}`)];
  throw new AssertionError({ message: `${what}:\n${lines.join('\n')}`, actual: after, expected: before, operator: 'deepStrictEqual' });
}
