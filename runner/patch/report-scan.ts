import type { HostScan } from '../../compiler/patch/host-scan.ts';
import { printable } from '../printable.ts';
import type { ScanReport } from './scan-hosts.ts';
import { table } from './table.ts';

/** The scan as people read it: one row per host, then each host's updates, kept-back and removable packages. */
export function scanHuman(reports: readonly ScanReport[]): string {
  const rows = reports.map((report) => {
    const scan = report.scan;
    if (scan === undefined) return [report.host, report.compliance, '-', '-', '-', '-', '-', '-'];
    return [
      report.host,
      report.compliance,
      String(scan.updates.length),
      String(scan.updates.filter((u) => u.security).length),
      String(scan.updates.filter((u) => u.keptBack).length),
      String(scan.autoremovable.length),
      scan.reboot.required ? 'required' : 'no',
      kernelCell(scan),
    ];
  });
  let text = `${table(['HOST', 'COMPLIANCE', 'UPDATES', 'SECURITY', 'KEPT BACK', 'AUTOREMOVE', 'REBOOT', 'KERNEL'], rows)}\n`;
  for (const report of reports) text += hostDetails(report);
  return text;
}

function kernelCell(scan: HostScan): string {
  if (scan.kernel.newest === undefined) return scan.kernel.running;
  return scan.kernel.runningNewest === true
    ? `${scan.kernel.running} (newest)`
    : `${scan.kernel.running} (newest installed ${scan.kernel.newest})`;
}

function hostDetails(report: ScanReport): string {
  const host = printable(report.host);
  const lines: string[] = [];
  if (report.refresh !== undefined)
    lines.push(`${host}: refreshed the package lists (apt-get update, exit ${report.refresh.rc}): the one write of this scan`);
  if (report.reason !== undefined) lines.push(`${host}: ${report.status}: ${printable(report.reason)}`);
  const scan = report.scan;
  if (scan !== undefined) {
    const needs = scan.newDependencies.map((d) => d.name).join(', ');
    const rows = scan.updates.map((update) => [
      `  ${report.host}`,
      update.name,
      `${update.installed} -> ${update.candidate}`,
      [update.security ? 'security' : '', update.keptBack ? `kept back${needs === '' ? '' : ` (new: ${needs})`}` : '']
        .filter(Boolean)
        .join(', '),
      update.origins.join(', '),
    ]);
    if (rows.length > 0) lines.push(table(['', 'PACKAGE', 'INSTALLED -> CANDIDATE', 'NOTE', 'FROM'], rows));
    if (scan.autoremovable.length > 0)
      lines.push(`  ${host}: auto-removable: ${printable(scan.autoremovable.map((p) => `${p.name} ${p.version}`).join(', '))}`);
    if (scan.reboot.required) {
      const why = scan.reboot.packages.length === 0 ? '' : ` (asked by ${scan.reboot.packages.join(', ')})`;
      lines.push(`  ${host}: reboot required${printable(why)}`);
    }
  }
  return lines.length === 0 ? '' : `\n${lines.join('\n')}\n`;
}

/** The exit code of a scan: 2 when a host is missing patches or pending a reboot, 4 when one failed or was unreachable, 6 for both. */
export function scanExitCode(reports: readonly ScanReport[]): number {
  const failed = reports.some((r) => r.status !== 'scanned');
  const pending = reports.some((r) => r.compliance === 'missing' || r.compliance === 'installed-pending-reboot');
  return (failed ? 4 : 0) + (pending ? 2 : 0);
}
