import { readFile } from 'node:fs/promises';
import { LoadError, ValidationError } from '../compiler/errors.ts';
import { parseReport } from '../runner/report-model.ts';
import type { Io } from './run-command.ts';
import { type ReportTargets, writeReports } from './write-reports.ts';

/** `bosun report FILE.json --html F --junit F --summary-md F`: the reports of a run, made again from its saved JSON report. */
export async function reportCommand(file: string, targets: ReportTargets, io: Pick<Io, 'stdout'>): Promise<number> {
  if (targets.junit === undefined && targets.html === undefined && targets.summaryMd === undefined)
    throw new ValidationError('bosun report', 'say which report to write: --html FILE, --junit FILE or --summary-md FILE (- for stdout)');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new LoadError(`cannot read the report: ${(error as Error).message}`, { file, cause: error });
  }
  await writeReports(parseReport(text, file), targets, io.stdout);
  return 0;
}
