import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { Plan } from '../../compiler/plan.ts';
import { renderPlan, type RenderedPlan } from '../../compiler/render.ts';

// A script already passed (same content): property tests render the same plan shapes many times.
const passed = new Set<string>();

/**
 * Renders a plan and runs `shellcheck -s sh` on the script: any finding, of any
 * severity, throws with shellcheck's report. Every test that renders goes through here.
 */
export function renderChecked(plan: Plan): RenderedPlan {
  const rendered = renderPlan(plan);
  const key = createHash('sha256').update(rendered.script).digest('hex');
  if (passed.has(key)) return rendered;
  const result = spawnSync('shellcheck', ['--norc', '-s', 'sh', '-'], { input: rendered.script, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.error !== undefined) throw new Error(`could not run shellcheck (apt package "shellcheck"): ${result.error.message}`);
  if (result.status !== 0 || result.stdout.trim() !== '') {
    throw new Error(
      `shellcheck -s sh refused the script of ${plan.host} (exit ${String(result.status)}):\n${result.stdout}${result.stderr}`,
    );
  }
  passed.add(key);
  return rendered;
}
