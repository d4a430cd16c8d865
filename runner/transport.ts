import type { Mode } from '../compiler/plan.ts';

/**
 * Runs one rendered script on one host in one session: the script travels on the
 * session's stdin to `sh -s MODE` (through the boot of runner/session-command.ts, which
 * holds it whole before it runs); framed result lines come back on stdout, and whatever the
 * runner writes on `onInput`'s channel follows the script on stdin (the data sections the
 * script asks for). Transports know nothing of plans or steps.
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
   * Called once, as the session starts, with the channel to the script's data fd: bytes
   * written there reach the script after the script itself, in order. The session's stdin
   * stays open until the session ends: on the host, stdin closing early (the runner
   * interrupted or killed, the connection lost) ends the run.
   */
  readonly onInput?: (input: SessionInput) => void;
}

/** The rest of a session's stdin, after the script. */
export interface SessionInput {
  /** Writes bytes; resolves once they are handed on (so a large section is streamed, never buffered whole). */
  write(chunk: Uint8Array | string): Promise<void>;
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
