import type { StepStatus } from '../compiler/protocol.ts';
import { type HostRow, isProblem, type RunReport, reportView, seconds, stepLabel } from './report-model.ts';

/** What a summary may weigh: a pull request comment holds 65,536 characters; the rest is said to be left out. */
export const SUMMARY_CAP_CHARS = 60_000;

const MARK: Record<string, string> = {
  ok: '🟢',
  changed: '🔵',
  'would-change': '🟡',
  unknown: '🟣',
  failed: '🔴',
  unreachable: '🔴',
  skipped: '⚪',
  'not-run': '⚪',
};

/**
 * The Markdown summary (`--summary-md FILE`), for a CI job summary or a pull request
 * comment: a headline, one table row per host (hosts with drift or failures first), then
 * each drifted or failed step with its diff or output folded in a `<details>`. Kept under
 * SUMMARY_CAP_CHARS: what does not fit is counted, never cut mid-way.
 */
export function summaryMarkdown(report: RunReport, cap = SUMMARY_CAP_CHARS): string {
  const view = reportView(report);
  const troubled = (row: HostRow): boolean => row.outcome !== 'ok' && row.outcome !== 'changed';
  const rows = [...view.rows.filter(troubled), ...view.rows.filter((row) => !troubled(row))];
  const statuses: readonly StepStatus[] =
    report.mode === 'check' ? ['ok', 'would-change', 'unknown', 'failed', 'skipped'] : ['ok', 'changed', 'failed', 'skipped'];
  const drifted = view.rows.filter((row) => row.steps.some((step) => step.status === 'would-change' || step.status === 'unknown')).length;
  const head = [
    `## bosun ${report.mode}: ${headline(view.hosts, report.mode, drifted, view.rows.length)}`,
    '',
    `${code(report.playbook)} · started ${cell(report.startedAt)} · ${seconds(report.durationMs)} · exit code ${report.exitCode}`,
    '',
    `| host | result | ${statuses.map((status) => status.replace('-', ' ')).join(' | ')} | time |`,
    `|---|---|${statuses.map(() => '---:').join('|')}|---:|`,
  ].join('\n');
  const parts: string[] = [head];
  let used = head.length;
  let leftOut = 0;
  const add = (text: string): boolean => {
    if (used + text.length + 200 > cap) return false;
    parts.push(text);
    used += text.length + 1;
    return true;
  };
  for (const row of rows) {
    const counts = statuses.map((status) => String(row.steps.filter((step) => step.status === status).length));
    if (!add(`| ${cell(row.host)} | ${MARK[row.outcome]} ${row.outcome} | ${counts.join(' | ')} | ${seconds(row.durationMs)} |`)) leftOut++;
  }
  if (leftOut > 0) parts.push(`\n_${leftOut} more host(s) left out to stay under ${cap} characters: see the JSON or HTML report._`);
  const details: string[] = [];
  for (const row of rows) {
    if (row.reason !== undefined) details.push(fold(`${row.host}: ${row.outcome}`, row.outcome, row.reason, ''));
    for (const step of row.steps.filter((each) => isProblem(each.status))) {
      const body = step.diff ?? step.output ?? '';
      details.push(fold(`${row.host}: ${stepLabel(step)}`, step.status, body, step.diff === undefined ? '' : 'diff'));
    }
  }
  if (details.length > 0 && add(`\n### ${report.mode === 'check' ? 'Drift and failures' : 'Failures'}\n`)) {
    const shown = details.filter((each) => add(each)).length;
    if (shown < details.length)
      parts.push(`\n_${details.length - shown} more step(s) left out to stay under ${cap} characters: see the JSON or HTML report._`);
  }
  return `${parts.join('\n')}\n`;
}

/** What happened, in a line: drift counts every host with a step that would change (or cannot be checked), failed or not. */
function headline(hosts: Readonly<Record<string, number>>, mode: string, drift: number, total: number): string {
  const said: string[] = [];
  if (mode === 'check') said.push(drift === 0 ? 'no drift' : `drift on ${drift} of ${total} host(s)`);
  else said.push(`${hosts.changed ?? 0} of ${total} host(s) changed`);
  for (const outcome of ['failed', 'unreachable', 'not-run'])
    if ((hosts[outcome] ?? 0) > 0) said.push(`${hosts[outcome]} ${outcome.replace('-', ' ')}`);
  return said.join(', ');
}

/** A folded section: its summary line, then the body in a fenced block. */
function fold(title: string, status: string, body: string, language: string): string {
  const summary = `<details><summary>${MARK[status]} ${html(status)} · ${html(title)}</summary>\n`;
  if (body === '') return `${summary}\n</details>`;
  const fence = '`'.repeat(Math.max(3, ...[...body.matchAll(/`+/g)].map((run) => run[0].length + 1)));
  return `${summary}\n${fence}${language}\n${body.replace(/\n$/, '')}\n${fence}\n</details>`;
}

/** Text inside HTML (a summary line): escaped as HTML. */
function html(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text in a Markdown table cell or line: HTML-escaped, Markdown punctuation and line breaks neutralised. */
function cell(value: string): string {
  return html(value)
    .replace(/[\\`*_[\]|#~]/g, '\\$&')
    .replace(/\r?\n/g, ' ');
}

/** Inline code that holds any text: a backtick run longer than any inside it. */
function code(value: string): string {
  const ticks = '`'.repeat(Math.max(1, ...[...value.matchAll(/`+/g)].map((run) => run[0].length + 1)));
  return `${ticks} ${value.replace(/\r?\n/g, ' ')} ${ticks}`;
}
