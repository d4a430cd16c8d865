import { LoadError } from '../compiler/errors.ts';
import type { Mode } from '../compiler/plan.ts';
import { STEP_STATUSES, type StepStatus } from '../compiler/protocol.ts';
import type { HostResult, HostStatus, StepResult } from './results.ts';

/**
 * The report of one run: what `--json FILE` writes, what `bosun report FILE.json` reads
 * back, and what the JUnit, HTML and Markdown reports are made from (through `reportView`).
 */
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

/** A host's outcome in a report: its status, or never started. */
export type HostOutcome = HostStatus | 'not-run';

export const HOST_OUTCOMES: readonly HostOutcome[] = ['ok', 'changed', 'would-change', 'failed', 'unreachable', 'not-run'];

/** Statuses from the worst to the best: a cell that holds several results shows the first of these. */
const SEVERITY: readonly StepStatus[] = ['failed', 'unknown', 'would-change', 'changed', 'skipped', 'ok'];

/** A step as a column of the hosts × steps grid: steps of the same name on several hosts share one. */
export interface StepColumn {
  readonly key: string;
  /** What people read: the step's name, `handler NAME: …` for a handler. */
  readonly label: string;
  readonly role?: string;
}

/** One host as a row of the grid. */
export interface HostRow {
  readonly host: string;
  readonly outcome: HostOutcome;
  /** Why the host failed as a whole (unreachable, session ended, not run). */
  readonly reason?: string;
  readonly durationMs: number;
  readonly steps: readonly StepResult[];
  /** Per column: the results of that step on this host (none when it does not have it). */
  readonly cells: readonly (readonly StepResult[])[];
}

/** The grid every report draws: hosts × steps, with totals. */
export interface ReportView {
  readonly report: RunReport;
  readonly columns: readonly StepColumn[];
  readonly rows: readonly HostRow[];
  /** Step results by status, over all hosts. */
  readonly steps: Readonly<Record<StepStatus, number>>;
  /** Hosts by outcome. */
  readonly hosts: Readonly<Record<HostOutcome, number>>;
}

/** The column a step result belongs to. */
export function columnKey(step: StepResult): string {
  return step.handler === undefined ? `step\u0000${step.role ?? ''}\u0000${step.name}` : `handler\u0000${step.handler}`;
}

/** A step as people read it in a report. */
export function stepLabel(step: StepResult): string {
  return step.handler === undefined ? step.name : `handler ${step.handler}: ${step.name}`;
}

/** The hosts × steps grid of a report: columns in the order steps first appear, rows in the report's order. */
export function reportView(report: RunReport): ReportView {
  const columns = new Map<string, StepColumn>();
  for (const host of report.hosts) {
    for (const step of host.steps) {
      const key = columnKey(step);
      if (!columns.has(key)) columns.set(key, { key, label: stepLabel(step), ...(step.role !== undefined && { role: step.role }) });
    }
  }
  const keys = [...columns.keys()];
  const rows: HostRow[] = [
    ...report.hosts.map((host) => ({
      host: host.host,
      outcome: host.status,
      ...(host.reason !== undefined && { reason: host.reason }),
      durationMs: host.durationMs,
      steps: host.steps,
      cells: keys.map((key) => host.steps.filter((step) => columnKey(step) === key)),
    })),
    ...report.notRun.map((host) => ({
      host,
      outcome: 'not-run' as const,
      reason: 'not run: the run stopped before this host started',
      durationMs: 0,
      steps: [],
      cells: keys.map(() => []),
    })),
  ];
  const steps = Object.fromEntries(STEP_STATUSES.map((status) => [status, 0])) as Record<StepStatus, number>;
  for (const host of report.hosts) for (const step of host.steps) steps[step.status]++;
  const hosts = Object.fromEntries(HOST_OUTCOMES.map((outcome) => [outcome, 0])) as Record<HostOutcome, number>;
  for (const row of rows) hosts[row.outcome]++;
  return { report, columns: [...columns.values()], rows, steps, hosts };
}

/** The status a grid cell shows: the worst of its results. */
export function worstStatus(results: readonly StepResult[]): StepStatus | undefined {
  return SEVERITY.find((status) => results.some((result) => result.status === status));
}

/**
 * Whether a step's status is a problem a report flags: a failure, or drift (in check mode,
 * a step that would change or cannot be checked without acting: both make the exit code 2).
 */
export function isProblem(status: StepStatus): boolean {
  return status === 'failed' || status === 'would-change' || status === 'unknown';
}

/** A duration as people read it: `0.42 s`, `12.3 s`, `2 min 05 s`. */
export function seconds(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const whole = Math.round(ms / 1000);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
}

const HOST_STATUSES: readonly HostStatus[] = ['ok', 'changed', 'would-change', 'failed', 'unreachable'];

/** Reads a JSON report written by `--json`, checking every field (the field and the file are named when one is wrong). */
export function parseReport(text: string, file: string): RunReport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new LoadError(`not a bosun JSON report (${(error as Error).message})`, { file, cause: error });
  }
  const bad = (field: string, problem: string): never => {
    throw new LoadError(`${field}: ${problem} (expected the JSON written by bosun check/apply --json)`, { file });
  };
  const object = (value: unknown, field: string): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : bad(field, `must be an object, got ${describe(value)}`);
  const list = (value: unknown, field: string): unknown[] =>
    Array.isArray(value) ? value : bad(field, `must be a list, got ${describe(value)}`);
  const string = (value: unknown, field: string): void => {
    if (typeof value !== 'string') bad(field, `must be a string, got ${describe(value)}`);
  };
  const optionalString = (value: unknown, field: string): void => {
    if (value !== undefined) string(value, field);
  };
  const count = (value: unknown, field: string): void => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) bad(field, `must be a number >= 0, got ${describe(value)}`);
  };
  const oneOf = (value: unknown, known: readonly string[], field: string): void => {
    if (!known.includes(value as string)) bad(field, `must be one of ${known.join(', ')}, got ${describe(value)}`);
  };
  const report = object(parsed, 'report');
  if (report.format !== 1) bad('format', `must be 1, got ${describe(report.format)}`);
  oneOf(report.mode, ['check', 'apply'], 'mode');
  string(report.playbook, 'playbook');
  string(report.startedAt, 'startedAt');
  count(report.durationMs, 'durationMs');
  count(report.exitCode, 'exitCode');
  for (const [h, value] of list(report.hosts, 'hosts').entries()) {
    const at = `hosts[${h}]`;
    const host = object(value, at);
    string(host.host, `${at}.host`);
    oneOf(host.status, HOST_STATUSES, `${at}.status`);
    optionalString(host.reason, `${at}.reason`);
    count(host.durationMs, `${at}.durationMs`);
    string(host.planHash, `${at}.planHash`);
    for (const [s, item] of list(host.steps, `${at}.steps`).entries()) {
      const where = `${at}.steps[${s}]`;
      const step = object(item, where);
      count(step.index, `${where}.index`);
      string(step.name, `${where}.name`);
      string(step.resource, `${where}.resource`);
      oneOf(step.status, STEP_STATUSES, `${where}.status`);
      count(step.durationMs, `${where}.durationMs`);
      for (const field of ['play', 'role', 'handler', 'output', 'diff']) optionalString(step[field], `${where}.${field}`);
      if (step.rc !== undefined) count(step.rc, `${where}.rc`);
    }
  }
  for (const [n, name] of list(report.notRun, 'notRun').entries()) string(name, `notRun[${n}]`);
  return report as unknown as RunReport;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  return JSON.stringify(value) ?? String(value);
}
