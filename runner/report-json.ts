import type { Mode } from '../compiler/plan.ts';
import type { HostResult } from './results.ts';

/** The machine-readable report of a run (`--json FILE`). */
export interface RunReport {
  readonly format: 1;
  readonly mode: Mode;
  readonly playbook: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly exitCode: number;
  readonly hosts: readonly HostResult[];
  /** Hosts never started: later batches of a run stopped by its failure limit, or an interrupted run. */
  readonly notRun: readonly string[];
}

export function jsonReport(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
