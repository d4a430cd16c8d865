import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { Plan } from '../compiler/plan.ts';
import { renderPlan, type RenderedPlan } from '../compiler/render.ts';

// A script already passed (same content): property tests render the same plan shapes many times.
const passed = new Set<string>();

/**
 * Renders a plan to its script and runs `shellcheck -s sh` on it: any finding, of any
 * severity, throws with shellcheck's report (needs the `shellcheck` program: apt package
 * `shellcheck`). Every script a test runs should go through here.
 */
export function renderChecked(plan: Plan): RenderedPlan {
  const rendered = renderPlan(plan);
  shellcheck(rendered.script, plan.host);
  return rendered;
}

/** Runs `shellcheck -s sh` on a script (`name` says whose in the error); throws with its report on any finding. */
export function shellcheck(script: string, name = 'the script'): void {
  const key = createHash('sha256').update(script).digest('hex');
  if (passed.has(key)) return;
  const result = spawnSync('shellcheck', ['--norc', '-s', 'sh', '-'], { input: script, encoding: 'utf8', maxBuffer: 64 << 20 });
  // EPIPE: it ran, and exited before it had read the whole script. Its exit code and report are
  // still its answer, and a script it did not read to the end has not passed.
  const unread = (result.error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE' && result.status !== null;
  if (result.error !== undefined && !unread)
    throw new Error(`could not run shellcheck (apt package "shellcheck"): ${result.error.message}`);
  if (unread || result.status !== 0 || result.stdout.trim() !== '') {
    const note = unread ? 'it exited before reading the whole script\n' : '';
    throw new Error(
      `shellcheck -s sh refused the script of ${name} (exit ${String(result.status)}):\n${note}${result.stdout}${result.stderr}`,
    );
  }
  passed.add(key);
}
