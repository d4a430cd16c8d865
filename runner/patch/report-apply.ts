import { printable } from '../printable.ts';
import { isPatchFailure, type StageOutcome } from './apply-hosts.ts';
import type { HostPatchReport } from './host-report.ts';
import { table } from './table.ts';

/** One host's patching as people read it: outcome, snapshot, versions before and after, kept back, reboot, health. */
export function hostPatchHuman(report: HostPatchReport, options: { readonly transcripts: boolean }): string {
  const host = printable(report.host);
  const head = `${report.status.toUpperCase().padEnd(10)} ${host}  compliance: ${report.compliance}${report.window === undefined ? '' : `  window: ${printable(report.window)}`}`;
  const lines = [head];
  if (report.reason !== undefined) lines.push(`    ${printable(report.reason)}`);
  const snapshot = report.snapshot;
  if (snapshot !== undefined && snapshot.ok === true) {
    const made = snapshot.volumes.map((v) => `${v.volumeId}: ${v.snapshotId} (${v.created ? 'created now' : `from ${v.startTime}`})`);
    lines.push(
      `    snapshot: ${printable(made.join(', '))}${snapshot.schedule === undefined ? '' : `; schedule ${printable(snapshot.schedule)}`}`,
    );
  } else if (snapshot?.ok === 'skipped') lines.push(`    snapshot: none (${snapshot.reason})`);
  if (report.changes.length > 0) {
    const rows = report.changes.map((c) => [`   `, c.name, c.before ?? '(new)', '->', c.after ?? '(removed)']);
    lines.push(table(['   ', 'PACKAGE', 'BEFORE', '', 'AFTER'], rows));
  }
  for (const kept of report.keptBack) {
    lines.push(
      `    kept back: ${printable(kept.name)} ${printable(kept.candidate)} ${kept.installed ? 'installed on its own (--kept-back)' : 'not installed (--kept-back installs it)'}`,
    );
  }
  const reboot = report.reboot;
  if (reboot.performed) {
    lines.push(
      `    reboot: ${printable(reboot.reason)}; back after ${((reboot.durationMs ?? 0) / 1000).toFixed(1)} s, boot ${short(reboot.bootIdBefore)} -> ${short(reboot.bootIdAfter)}${reboot.kernel === undefined ? '' : `, kernel ${printable(reboot.kernel)}`}`,
    );
  } else if (reboot.reason !== 'not reached') lines.push(`    reboot: no (${printable(reboot.reason)})`);
  if (report.autoremoved.length > 0)
    lines.push(`    autoremoved: ${printable(report.autoremoved.map((p) => `${p.name} ${p.version}`).join(', '))}`);
  for (const health of report.health)
    lines.push(`    health: ${health.ok ? 'ok' : 'FAILED'} ${printable(health.check)} (${printable(health.detail)})`);
  if (options.transcripts) {
    for (const t of report.transcripts) {
      lines.push(`    --- ${t.step}${t.name === undefined ? '' : ` ${printable(t.name)}`} (exit ${t.rc})`);
      lines.push(
        ...printable(t.output, { lines: true })
          .replace(/\n$/, '')
          .split('\n')
          .map((line) => `    | ${line}`),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function short(id: string | undefined): string {
  return id === undefined ? '?' : id.slice(0, 8);
}

/** The summary line of a stage: hosts by outcome, then by compliance. */
export function stageSummary(stage: string, outcome: StageOutcome): string {
  const count = (values: readonly string[]): string => {
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
  };
  const notRun =
    outcome.notRun.length === 0
      ? ''
      : `; ${outcome.notRun.length} not run (${printable(outcome.notRun.join(', '))}): the stage stopped after batch ${(outcome.stoppedAfterBatch ?? 0) + 1} failed`;
  return `STAGE ${printable(stage)}: ${count(outcome.reports.map((r) => r.status))}; compliance: ${count(outcome.reports.map((r) => r.compliance))}${notRun}\n`;
}

/** The exit code of an apply: 4 when a host failed, was refused or unreachable or was not run; 2 when one is left non-compliant (skipped, pending reboot); 0 otherwise. */
export function applyExitCode(outcome: StageOutcome): number {
  const failed = outcome.reports.some(isPatchFailure) || outcome.notRun.length > 0;
  const pending = outcome.reports.some((r) => r.compliance !== 'compliant' && !isPatchFailure(r));
  return (failed ? 4 : 0) + (pending ? 2 : 0);
}
