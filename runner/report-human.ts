import type { Mode } from '../compiler/plan.ts';
import type { StepStatus } from '../compiler/step.ts';
import type { HostResult, StepResult } from './results.ts';
import { printable } from './printable.ts';

/** Where human output goes and how it looks. */
export interface HumanOutput {
  readonly write: (text: string) => void;
  /** Colour only on a terminal. */
  readonly color: boolean;
  /** Print unified diffs of would-change files. */
  readonly diff: boolean;
  /** `-v`: 1 prints every step's output, 2 its duration instead (the output was streamed as it came). */
  readonly verbosity?: number;
}

const COLORS: Record<StepStatus | 'unreachable', string> = {
  ok: '32',
  changed: '33',
  'would-change': '33',
  unknown: '35',
  failed: '31',
  skipped: '36',
  unreachable: '31',
};

function paint(text: string, status: StepStatus | 'unreachable', out: HumanOutput): string {
  return out.color ? `\u001b[${COLORS[status]}m${text}\u001b[0m` : text;
}

/** One line per step per host, as results arrive; diffs and failure output beneath. */
export function stepLine(host: string, step: StepResult, out: HumanOutput): string {
  const label =
    step.handler === undefined
      ? step.name
      : `handler ${step.handler}: ${step.name}${step.pendingFromEarlierRun ? ' (pending from an earlier run)' : ''}`;
  const verbosity = out.verbosity ?? 0;
  const took = verbosity >= 2 ? `  (${(step.durationMs / 1000).toFixed(2)} s)` : '';
  let text = `${paint(step.status.padEnd(12), step.status, out)} ${printable(host)}  ${printable(label)}${took}\n`;
  if (step.status === 'failed') text += indent(`rc=${step.rc ?? '?'}${step.output ? `\n${step.output}` : ''}`);
  else if (verbosity === 1 && step.output) text += indent(step.output);
  if (out.diff && step.diff) text += indent(step.diff);
  return text;
}

/** A host that failed as a whole (unreachable, or its session died). */
export function hostLine(result: HostResult, out: HumanOutput): string {
  if (result.status !== 'unreachable' && result.reason === undefined) return '';
  const status = result.status === 'unreachable' ? 'unreachable' : 'failed';
  return `${paint(status.padEnd(12), status, out)} ${printable(result.host)}  ${printable(result.reason ?? '')}\n`;
}

/** What the recap adds after a host that did not finish its steps. */
const RECAP_TAIL: Partial<Record<HostResult['status'], string>> = { unreachable: 'UNREACHABLE', failed: 'FAILED' };

/** The recap: counts per host, then totals. */
export function recap(results: readonly HostResult[], mode: Mode, out: HumanOutput): string {
  const width = Math.max(4, ...results.map((r) => printable(r.host).length));
  const rows = results.map((result) => {
    const count = (status: StepStatus): number => result.steps.filter((s) => s.status === status).length;
    const counts =
      mode === 'check'
        ? `ok=${count('ok')} would-change=${count('would-change')} unknown=${count('unknown')} failed=${count('failed')} skipped=${count('skipped')}`
        : `ok=${count('ok')} changed=${count('changed')} failed=${count('failed')} skipped=${count('skipped')}`;
    const tail = RECAP_TAIL[result.status] === undefined ? '' : `  ${paint(RECAP_TAIL[result.status]!, 'failed', out)}`;
    return `${printable(result.host).padEnd(width)}  ${counts}${tail}`;
  });
  return `\nRECAP (${mode})\n${rows.join('\n')}\n`;
}

function indent(text: string): string {
  return printable(text, { lines: true })
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => `    ${line}\n`)
    .join('');
}
