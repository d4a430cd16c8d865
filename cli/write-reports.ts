import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { htmlReport } from '../runner/report-html.ts';
import { jsonReport } from '../runner/report-json.ts';
import { junitReport } from '../runner/report-junit.ts';
import type { RunReport } from '../runner/report-model.ts';
import { summaryMarkdown } from '../runner/report-summary-md.ts';
import type { ReportFiles } from './options.ts';

/** The report files of a run, by format: which file each goes to. */
export interface ReportTargets extends ReportFiles {
  readonly json?: string;
}

const FORMATS: readonly [keyof ReportTargets, (report: RunReport) => string][] = [
  ['json', jsonReport],
  ['junit', junitReport],
  ['html', htmlReport],
  ['summaryMd', summaryMarkdown],
];

/**
 * Writes each report asked for. A file is written whole or not at all (a temp file beside
 * it, then renamed), so a CI job never reads half a report. `-` writes to `stdout` instead
 * (for `bosun report`).
 */
export async function writeReports(report: RunReport, targets: ReportTargets, stdout?: (text: string) => void): Promise<void> {
  for (const [format, render] of FORMATS) {
    const file = targets[format];
    if (file === undefined) continue;
    if (file === '-' && stdout !== undefined) stdout(render(report));
    else await writeAtomically(file, render(report));
  }
}

async function writeAtomically(file: string, content: string): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, content);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
