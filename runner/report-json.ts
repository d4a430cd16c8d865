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
}

export function jsonReport(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
