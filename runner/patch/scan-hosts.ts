import { complianceOf, type Compliance } from '../../compiler/patch/compliance.ts';
import { type HostScan, readHostScan, ScanError } from '../../compiler/patch/host-scan.ts';
import { scanScript } from '../../compiler/patch/scan-script.ts';
import { fanOut } from '../fan-out.ts';
import { lastParts, runPatchSession } from './patch-session.ts';
import { type PatchConnectionSettings, type PatchTarget, patchTransport } from './patch-target.ts';

/** What `bosun patch scan` found on one host. */
export interface ScanReport {
  readonly host: string;
  readonly status: 'scanned' | 'failed' | 'unreachable';
  readonly compliance: Compliance;
  readonly scan?: HostScan;
  /** The refresh of the package lists (`--refresh`): the one write a scan made. */
  readonly refresh?: { readonly rc: number; readonly output: string };
  readonly reason?: string;
  readonly durationMs: number;
}

export interface ScanOptions {
  readonly refresh: boolean;
  readonly securityOnly: boolean;
  readonly forks: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly connection: PatchConnectionSettings;
  readonly onResult?: (report: ScanReport) => void;
}

/**
 * Scans every target, one session each, `forks` at a time. Without `refresh` the session runs
 * in check mode, which writes nothing; with it, in apply mode, and the refresh is reported.
 */
export async function scanHosts(targets: readonly PatchTarget[], options: ScanOptions): Promise<ScanReport[]> {
  const outcome = await fanOut(targets, (target, signal) => scanHost(target, { ...options, signal }), {
    forks: options.forks,
    signal: options.signal ?? new AbortController().signal,
    isFailure: (report) => report.status !== 'scanned',
    ...(options.onResult && { onResult: (_target: PatchTarget, report: ScanReport) => options.onResult!(report) }),
    onError: (target, error) => failed(target.host.name, error instanceof Error ? error.message : String(error), 0),
  });
  return targets.map((target) => outcome.results.get(target)).filter((report): report is ScanReport => report !== undefined);
}

/** One host's scan (a session of its own). */
export async function scanHost(target: PatchTarget, options: Omit<ScanOptions, 'forks' | 'onResult'>): Promise<ScanReport> {
  const transport = patchTransport(target, options.connection);
  try {
    const session = await runPatchSession(scanScript({ refresh: options.refresh }), transport, {
      mode: options.refresh ? 'apply' : 'check',
      ...(options.signal && { signal: options.signal }),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    });
    const name = target.host.name;
    const parts = lastParts(session.parts);
    const refreshPart = parts.get('refresh');
    const refresh = refreshPart && { rc: refreshPart.rc, output: refreshPart.text };
    const base = { host: name, durationMs: session.durationMs, ...(refresh && { refresh }) };
    if (session.unreachable) return { ...base, status: 'unreachable', compliance: 'failed', reason: session.failure ?? 'unreachable' };
    if (!session.ended || session.facts === undefined)
      return { ...failed(name, session.failure ?? 'the scan did not finish', session.durationMs), ...base };
    if (refresh !== undefined && refresh.rc !== 0) {
      return {
        ...base,
        status: 'failed',
        compliance: 'failed',
        reason: `refreshing the package lists failed (exit ${refresh.rc}): ${lastLines(refresh.output)}`,
      };
    }
    try {
      const scan = readHostScan(session.facts, parts);
      return { ...base, status: 'scanned', compliance: complianceOf(scan, { securityOnly: options.securityOnly }), scan };
    } catch (error) {
      if (error instanceof ScanError) return { ...base, status: 'failed', compliance: 'failed', reason: error.message };
      throw error;
    }
  } finally {
    await transport.close?.();
  }
}

function failed(host: string, reason: string, durationMs: number): ScanReport {
  return { host, status: 'failed', compliance: 'failed', reason, durationMs };
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join('\n');
}
