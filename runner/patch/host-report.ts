import type { Compliance } from '../../compiler/patch/compliance.ts';
import type { PackageVersion } from '../../compiler/patch/host-scan.ts';
import type { HealthResult } from './health.ts';
import type { BackupOutcome } from './snapshot.ts';

/**
 * How a host's patching ended: `patched` (something was installed, rebooted or removed),
 * `up-to-date` (nothing to do), `skipped` (outside its window, no confirmed backup),
 * `refused` (its candidates differ from the baseline), `failed`, `unreachable`.
 */
export type PatchStatus = 'patched' | 'up-to-date' | 'skipped' | 'refused' | 'failed' | 'unreachable';

/** One command of the patching and what it printed (apt's transcript, a restart, a health command). */
export interface Transcript {
  readonly step: 'upgrade' | 'kept-back' | 'mark-auto' | 'autoremove' | 'restart' | 'health';
  /** The package or service or command it was about, when the step has several. */
  readonly name?: string;
  readonly rc: number;
  readonly output: string;
}

/** What bosun patch apply did on one host (the report's per-host entry). */
export interface HostPatchReport {
  readonly host: string;
  readonly status: PatchStatus;
  readonly reason?: string;
  readonly compliance: Compliance;
  /** The release (`debian/bookworm`), once scanned. */
  readonly os?: string;
  /** The window the host was patched in (or none configured). */
  readonly window?: string;
  readonly snapshot?: BackupOutcome | { readonly ok: 'skipped'; readonly reason: string };
  /** Every installed package before patching (the reference's OldVersions.txt). */
  readonly installedBefore?: Readonly<Record<string, string>>;
  /** Packages whose version changed, was added or was removed. */
  readonly changes: readonly { readonly name: string; readonly before?: string; readonly after?: string }[];
  /** Kept-back packages: installed (with --kept-back) or left. */
  readonly keptBack: readonly { readonly name: string; readonly candidate: string; readonly installed: boolean }[];
  readonly transcripts: readonly Transcript[];
  readonly reboot: {
    readonly performed: boolean;
    /** Why it rebooted, or why not. */
    readonly reason: string;
    readonly durationMs?: number;
    readonly bootIdBefore?: string;
    readonly bootIdAfter?: string;
    readonly kernel?: string;
  };
  readonly autoremoved: readonly PackageVersion[];
  readonly health: readonly HealthResult[];
  readonly durationMs: number;
}
