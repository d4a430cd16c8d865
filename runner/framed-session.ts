import type { Mode } from '../compiler/plan.ts';
import { type FrameEvent, ProtocolError, parseFrame } from '../compiler/protocol.ts';
import type { RunOutcome, SessionInput, Transport } from './transport.ts';

/** The frames a framed session keeps itself (facts, end); every other frame goes to `onFrame`. */
export type SessionFrame = Exclude<FrameEvent, { readonly t: 'facts' | 'end' }>;

/**
 * What the host's facts frame said: package manager, init system, os/codename. A type, not an
 * interface, so that it is also a HostResult's record of facts.
 */
export type SessionFacts = {
  readonly pkg: string;
  readonly init: string;
  readonly os: string;
};

/** The time limit and the interruption of a session. */
export interface SessionLimits {
  /** Interrupts the session (Ctrl-C): it is ended, on the host too. Its `reason` says why. */
  readonly signal?: AbortSignal;
  /** The per-session time limit: past it the session is ended, on the host too. */
  readonly timeoutMs?: number;
}

/** One script to run in a framed session, and where what it says goes. */
export interface FramedSessionRequest extends SessionLimits {
  /** The whole script, fed on stdin. */
  readonly script: string;
  readonly mode: Mode;
  /**
   * Called with each frame other than facts and end, in order, with the line it came on.
   * Returns why the frame breaks the protocol for this caller (a kind it does not take,
   * content it did not name), else undefined.
   */
  readonly onFrame: (event: SessionFrame, line: string) => string | undefined;
  /** Called with log output as it comes, unmasked: stdout lines that are not frames (newline kept) and stderr. */
  readonly onLog: (text: string) => void;
  /** The channel to the script's data fd (transport.ts), for callers that send data sections. */
  readonly onInput?: (input: SessionInput) => void;
}

/** What a framed session came to. */
export interface FramedSession {
  readonly outcome: RunOutcome;
  readonly facts?: SessionFacts;
  /** The script reached its end frame. */
  readonly ended: boolean;
  /** The first way the script broke the protocol, unmasked: nothing it said after can be trusted. */
  readonly broken?: string;
  /** The signal of the time limit, when there is one: aborted once the limit has passed. */
  readonly timeout?: AbortSignal;
}

/** Why a session failed, in words, and whether it was because the host could not be reached. */
export interface SessionFailure {
  readonly unreachable: boolean;
  readonly reason: string;
}

/**
 * Runs one script through a transport in one session and reads the frames of its
 * stdout (compiler/protocol.ts): facts and end are kept here, every other frame goes to
 * `onFrame`, and a frame that breaks the protocol is remembered rather than thrown, so the
 * session still runs to its end and says what it did.
 */
export async function runFramedSession(transport: Transport, request: FramedSessionRequest): Promise<FramedSession> {
  let facts: SessionFacts | undefined;
  let ended = false;
  let broken: string | undefined;
  const onLine = (line: string): void => {
    let event: FrameEvent | undefined;
    try {
      event = parseFrame(line);
    } catch (error) {
      // The script and the runner disagree: nothing more it says can be trusted.
      if (!(error instanceof ProtocolError)) throw error;
      broken ??= error.message;
      return;
    }
    if (event === undefined) request.onLog(`${line}\n`);
    else if (event.t === 'facts') facts = { pkg: event.pkg, init: event.init, os: event.os };
    else if (event.t === 'end') ended = true;
    else {
      const why = request.onFrame(event, line);
      if (why !== undefined) broken ??= why;
    }
  };
  const timeout = request.timeoutMs === undefined ? undefined : AbortSignal.timeout(request.timeoutMs);
  const signals = [request.signal, timeout].filter((signal): signal is AbortSignal => signal !== undefined);
  const signal = signals.length === 0 ? undefined : AbortSignal.any(signals);
  const outcome = await transport.run({
    script: request.script,
    mode: request.mode,
    onLine,
    onStderr: request.onLog,
    ...(request.onInput && { onInput: request.onInput }),
    ...(signal && { signal }),
    ...(request.timeoutMs !== undefined && { timeoutMs: request.timeoutMs }),
  });
  return { outcome, ...(facts && { facts }), ended, ...(broken !== undefined && { broken }), ...(timeout && { timeout }) };
}

/**
 * Why a session failed, or undefined when it did not, first cause first: a broken protocol;
 * for a script that did not reach its end frame, the time limit, then the interruption; a host
 * the transport could not reach (even after the end frame); last, for a script that stopped
 * early, the transport's reason or the end of its stderr. `mask` hides secrets in what the
 * host said (the limits' own words carry none).
 */
export function sessionFailure(session: FramedSession, limits: SessionLimits, mask: (text: string) => string): SessionFailure | undefined {
  const { outcome, ended } = session;
  if (session.broken !== undefined) return { unreachable: false, reason: mask(`protocol error: ${session.broken}`) };
  if (!ended && session.timeout?.aborted === true)
    return { unreachable: false, reason: `timed out after ${limits.timeoutMs! / 1000} s; session ended` };
  if (!ended && limits.signal?.aborted === true) {
    const by = typeof limits.signal.reason === 'string' ? ` by ${limits.signal.reason}` : '';
    return { unreachable: false, reason: `interrupted${by}; session ended` };
  }
  if (outcome.unreachable) return { unreachable: true, reason: mask(outcome.reason ?? outcome.stderr.trim()) };
  if (ended) return undefined;
  const why =
    outcome.reason ??
    (outcome.stderr.trim().split('\n').slice(-3).join('\n') || `the script stopped early (exit code ${String(outcome.exitCode)})`);
  return { unreachable: false, reason: mask(why) };
}
