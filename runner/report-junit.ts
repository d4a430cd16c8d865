import type { StepResult } from './results.ts';
import { type HostRow, isProblem, type RunReport, reportView, stepLabel } from './report-model.ts';

/**
 * The JUnit XML report (`--junit FILE`), in the shape Jenkins, GitLab and GitHub test
 * reporters read: one `<testsuite>` per host, one `<testcase>` per step of that host
 * (classname: the host, name: the step). Drift (would-change, unknown) and failed steps
 * are `<failure>`s whose type says which; skipped steps are `<skipped>`. A host that
 * failed as a whole (unreachable, its session ended early) or was never started gets a
 * testcase of its own, `(host)`, failed or skipped. Diffs and output go in the body.
 */
export function junitReport(report: RunReport): string {
  const view = reportView(report);
  const suites = view.rows.map((row) => suite(row, report));
  const cases = suites.reduce((sum, each) => sum + each.tests, 0);
  const failures = suites.reduce((sum, each) => sum + each.failures, 0);
  const skipped = suites.reduce((sum, each) => sum + each.skipped, 0);
  const name = `bosun ${report.mode} ${report.playbook}`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="${attr(name)}" tests="${cases}" failures="${failures}" errors="0" skipped="${skipped}" time="${time(report.durationMs)}" timestamp="${attr(report.startedAt)}">\n` +
    suites.map((each) => each.xml).join('') +
    '</testsuites>\n'
  );
}

interface Suite {
  readonly xml: string;
  readonly tests: number;
  readonly failures: number;
  readonly skipped: number;
}

function suite(row: HostRow, report: RunReport): Suite {
  const cases = row.steps.map((step) => stepCase(row.host, step, report));
  if (row.outcome === 'not-run')
    cases.push({ xml: testcase(row.host, '(host)', 0, '<skipped message="not run"/>'), failure: false, skipped: true });
  else if (row.reason !== undefined) {
    const kind = row.outcome === 'unreachable' ? 'unreachable' : 'failed';
    cases.push({
      xml: testcase(row.host, '(host)', row.durationMs, failure(kind, `${kind}: ${row.reason}`, row.reason)),
      failure: true,
      skipped: false,
    });
  }
  const failures = cases.filter((each) => each.failure).length;
  const skipped = cases.filter((each) => each.skipped).length;
  const xml =
    `  <testsuite name="${attr(row.host)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time(row.durationMs)}" timestamp="${attr(report.startedAt)}">\n` +
    cases.map((each) => each.xml).join('') +
    '  </testsuite>\n';
  return { xml, tests: cases.length, failures, skipped };
}

/** What a step's status means in the report: the failure message, by status. */
const PROBLEM: Record<string, string> = {
  'would-change': 'drift: would change',
  unknown: 'drift: cannot be checked without acting',
  failed: 'failed',
};

function stepCase(host: string, step: StepResult, report: RunReport): { xml: string; failure: boolean; skipped: boolean } {
  const name = stepLabel(step);
  const out = step.output ? `<system-out>${text(step.output)}</system-out>` : '';
  if (step.status === 'skipped') {
    return { xml: testcase(host, name, step.durationMs, '<skipped message="a step before it failed"/>'), failure: false, skipped: true };
  }
  if (!isProblem(step.status)) return { xml: testcase(host, name, step.durationMs, out), failure: false, skipped: false };
  const rc = step.rc === undefined ? '' : ` (rc=${step.rc})`;
  const body = [step.diff, step.status === 'failed' ? step.output : undefined].filter(Boolean).join('\n');
  const type = step.status === 'failed' ? 'failed' : 'drift';
  const message = `${PROBLEM[step.status]}${rc}${report.mode === 'apply' && step.status !== 'failed' ? ' (apply)' : ''}`;
  return {
    xml: testcase(host, name, step.durationMs, failure(type, message, body) + (step.status === 'failed' ? '' : out)),
    failure: true,
    skipped: false,
  };
}

function testcase(host: string, name: string, ms: number, inner: string): string {
  const open = `    <testcase classname="${attr(host)}" name="${attr(name)}" time="${time(ms)}"`;
  return inner === '' ? `${open}/>\n` : `${open}>${inner}</testcase>\n`;
}

function failure(type: string, message: string, body: string): string {
  return `<failure type="${attr(type)}" message="${attr(message)}">${text(body)}</failure>`;
}

function time(ms: number): string {
  return (ms / 1000).toFixed(3);
}

// Characters XML 1.0 cannot hold at all, even escaped: written as the escapes bosun prints elsewhere.
const NOT_XML =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function clean(value: string): string {
  return value.replace(NOT_XML, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Character data: escaped, never a CDATA section (output may itself contain `]]>`); a CR kept (a parser would drop it). */
function text(value: string): string {
  return clean(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** An attribute value: line breaks and tabs kept as character references (a parser would fold them to spaces). */
function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}
