import type { StepStatus } from '../compiler/step.ts';

/** What happened to one step (or handler) on one host. */
export interface StepResult {
  readonly index: number;
  readonly name: string;
  readonly resource: string;
  /** The play and role it comes from. */
  readonly play?: string;
  readonly role?: string;
  readonly status: StepStatus;
  /** Set for handlers: the name steps notify. */
  readonly handler?: string;
  /** A handler carried over from an earlier run that could not run it. */
  readonly pendingFromEarlierRun?: boolean;
  /** Exit code of a failed apply (DID_NOT_CONVERGE of compiler/protocol.ts: applied but did not converge). */
  readonly rc?: number;
  /**
   * What the step's apply printed (its last 16 KiB, secrets masked), or why it cannot be
   * applied; always set on a failed step (maybe empty), on others when there was output.
   */
  readonly output?: string;
  /** Unified diff of the change check mode found, secrets masked. */
  readonly diff?: string;
  /** From its start to its result, on bosun's clock (as the frames arrived). */
  readonly durationMs: number;
}

/** The overall outcome of one host. */
export type HostStatus = 'ok' | 'changed' | 'would-change' | 'failed' | 'unreachable';

export interface HostResult {
  readonly host: string;
  readonly status: HostStatus;
  readonly steps: readonly StepResult[];
  /** Facts the script probed: package manager, init system, os/codename. */
  readonly facts?: Readonly<Record<string, string>>;
  /** Why the host failed or was unreachable, when it is not a step's failure. */
  readonly reason?: string;
  readonly durationMs: number;
  /** sha256 of the script that ran, with its secrets masked (RenderedPlan.digest). */
  readonly planHash: string;
}

/** Exit code bits (DESIGN.md item 8). */
export const EXIT = { ok: 0, usage: 1, changes: 2, failures: 4 } as const;

/**
 * The exit code of a run: 2 when changes are pending (check) or were made (apply
 * with detailed codes), 4 when a host failed or was unreachable, 6 for both.
 */
export function exitCode(results: readonly HostResult[], options: { readonly reportChanges: boolean }): number {
  const failed = results.some((r) => r.status === 'failed' || r.status === 'unreachable');
  const changes = options.reportChanges && results.some((r) => r.status === 'changed' || r.status === 'would-change');
  return (failed ? EXIT.failures : 0) + (changes ? EXIT.changes : 0);
}
