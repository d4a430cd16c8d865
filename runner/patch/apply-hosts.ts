import type { HostPatchConfig } from '../../compiler/patch/host-config.ts';
import { type Serial, fanOut } from '../fan-out.ts';
import { type ApplySettings, patchHost } from './apply-host.ts';
import type { HostPatchReport } from './host-report.ts';
import type { PatchTarget } from './patch-target.ts';

/** A host with what the inventory says about patching it. */
export interface PatchJob {
  readonly target: PatchTarget;
  readonly config: HostPatchConfig;
}

/** How a stage is rolled out: forks within a batch, batches one after another, and when to stop. */
export interface Rollout {
  readonly forks: number;
  readonly serial?: Serial;
  /** Stop later batches when more than this share of a batch failed (0: the first failure stops the stage). */
  readonly maxFailPercentage?: number;
}

/** What a stage did. */
export interface StageOutcome {
  readonly reports: readonly HostPatchReport[];
  /** Hosts never started: after a batch that failed too much, or an interruption. */
  readonly notRun: readonly string[];
  readonly stoppedAfterBatch?: number;
}

/** Whether a host's outcome counts against the failure limit. */
export function isPatchFailure(report: HostPatchReport): boolean {
  return report.status === 'failed' || report.status === 'unreachable' || report.status === 'refused';
}

/** Patches hosts in rolling batches (the runner's fan-out): a failed host stops its stage at the end of its batch. */
export async function applyPatches(
  jobs: readonly PatchJob[],
  settings: ApplySettings,
  rollout: Rollout,
  onResult?: (report: HostPatchReport) => void,
): Promise<StageOutcome> {
  const outcome = await fanOut(jobs, (job, signal) => patchHost(job.target, job.config, { ...settings, signal }), {
    forks: rollout.forks,
    ...(rollout.serial !== undefined && { serial: rollout.serial }),
    ...(rollout.maxFailPercentage !== undefined && { maxFailPercentage: rollout.maxFailPercentage }),
    isFailure: isPatchFailure,
    ...(settings.signal && { signal: settings.signal }),
    ...(onResult && { onResult: (_job: PatchJob, report: HostPatchReport) => onResult(report) }),
    onError: (job, error): HostPatchReport => ({
      host: job.target.host.name,
      status: 'failed',
      reason: error instanceof Error ? error.message : String(error),
      compliance: 'failed',
      changes: [],
      keptBack: [],
      transcripts: [],
      reboot: { performed: false, reason: 'not reached' },
      autoremoved: [],
      health: [],
      durationMs: 0,
    }),
  });
  return {
    reports: jobs.map((job) => outcome.results.get(job)).filter((r): r is HostPatchReport => r !== undefined),
    notRun: outcome.notRun.map((job) => job.target.host.name),
    ...(outcome.stoppedAfterBatch !== undefined && { stoppedAfterBatch: outcome.stoppedAfterBatch }),
  };
}
