import type { RunReport } from './report-model.ts';

export type { RunReport } from './report-model.ts';

/** The JSON report (`--json FILE`): the report model as it is, which `bosun report` reads back. */
export function jsonReport(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
