import type { Mode, Plan } from '../compiler/plan.ts';
import { type RenderedPlan, renderPlan } from '../compiler/render.ts';
import type { HostResult } from '../runner/results.ts';
import { runHost } from '../runner/run-host.ts';
import type { Transport } from '../runner/transport.ts';
import { renderChecked } from './shellcheck.ts';

/** What a run gave: the host's result, everything the script logged, and the script that ran. */
export interface Run extends HostResult {
  readonly log: string;
  readonly rendered: RenderedPlan;
}

/**
 * Renders a plan (through shellcheck) and runs it in one session, as `bosun check` / `bosun apply` would.
 * With BOSUN_SHELLCHECK_RUNS=0 the script runs without the shellcheck: a quick loop that leaves the
 * lint to `renderChecked` and `shellcheck` called on purpose (bosun's `npm run test:unit` does this).
 */
export async function runPlan(plan: Plan, transport: Transport, mode: Mode, signal?: AbortSignal): Promise<Run> {
  const rendered = shellcheckRuns() ? renderChecked(plan) : renderPlan(plan);
  let log = '';
  const result = await runHost(plan, rendered, transport, { mode, onLog: (text) => (log += text), ...(signal && { signal }) });
  return { ...result, log, rendered };
}

/** The statuses of a run's steps, in the order they were reported. */
export function statuses(run: HostResult): string[] {
  return run.steps.map((step) => step.status);
}

/** A run described for an assertion's message: statuses, reasons, outputs and the end of the log. */
export function explain(run: Run): string {
  return JSON.stringify({ status: run.status, reason: run.reason, steps: run.steps, log: run.log.slice(-4000) }, null, 2);
}

/** Whether runPlan shellchecks the scripts it runs: BOSUN_SHELLCHECK_RUNS, 1 (the default) or 0. */
function shellcheckRuns(): boolean {
  const raw = process.env.BOSUN_SHELLCHECK_RUNS ?? '1';
  if (raw !== '0' && raw !== '1') throw new Error(`BOSUN_SHELLCHECK_RUNS must be 0 or 1, not '${raw}'`);
  return raw === '1';
}
