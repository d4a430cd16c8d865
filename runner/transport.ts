import type { Mode } from '../compiler/plan.ts';

/**
 * Runs one rendered script on one host in one session: the script travels on the
 * session's stdin to `sh -s MODE`; framed result lines come back on stdout.
 * Transports know nothing of plans or steps.
 */
export interface Transport {
  run(request: RunRequest): Promise<RunOutcome>;
  /** Releases what the transport keeps between runs (an SSH master connection). */
  close?(): Promise<void>;
}

export interface RunRequest {
  /** The whole script, fed on stdin. */
  readonly script: string;
  readonly mode: Mode;
  /** Called with each complete stdout line, as it arrives. */
  readonly onLine: (line: string) => void;
  /** Called with stderr text as it arrives (log output). */
  readonly onStderr?: (text: string) => void;
  /** Aborts the session (per-host timeout, interruption): the transport ends it, on the host too. */
  readonly signal?: AbortSignal;
  /** The per-host time limit, also enforced on the host where the transport can (a lost session still ends). */
  readonly timeoutMs?: number;
  /**
   * Settles when the runner has read the whole run (the script's `end` frame). Until then the
   * transport keeps the script's stdin open: the script's watchdog (`sh -s MODE watch`) stops
   * the run on the host when stdin closes early, because the runner was interrupted or died
   * or the connection was lost. Without it, stdin closes once the script is sent.
   */
  readonly finished?: Promise<unknown>;
}

export interface RunOutcome {
  /** Exit code of the remote `sh`, or undefined when the session died. */
  readonly exitCode: number | undefined;
  /**
   * The host could not be reached at all (connection refused, DNS, host key
   * refused, authentication): no step ran. Distinct from a failed step.
   */
  readonly unreachable: boolean;
  /** Why the session failed or the host was unreachable, in words. */
  readonly reason?: string;
  /** All stderr text of the session. */
  readonly stderr: string;
}
