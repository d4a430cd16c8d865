import { sudoProblem } from './sudo-problem.ts';

/**
 * Words for what went wrong in an SSH session, read from ssh's and sudo's stderr.
 * OpenSSH exits 255 for its own failures; everything else is the remote shell's.
 */
export interface SshDiagnosis {
  /** No step ran: the host was never reached, or refused before the script started. */
  readonly unreachable: boolean;
  /** The session died mid-run (connection lost): no exit code can be trusted. */
  readonly sessionDied: boolean;
  readonly reason?: string;
}

/** What the transport saw of a finished session. */
export interface SessionFacts {
  readonly destination: string;
  readonly exitCode: number | undefined;
  readonly stderr: string;
  /** Whether the script printed anything on stdout (it started). */
  readonly scriptStarted: boolean;
  readonly timedOutAfterMs?: number;
  readonly cancelled?: boolean;
}

const CHANGED_KEY = /REMOTE HOST IDENTIFICATION HAS CHANGED/;
const UNKNOWN_KEY = /No \S+ host key is known for|Host key verification failed/;
/** Lines the ssh client itself prints when a connection ends badly (as opposed to what remote commands print). */
const SSH_CLIENT =
  /^(ssh:|(Shared c|C)onnection to \S+ closed|client_loop:|Timeout, server \S+ not responding|mux_client|packet_write|Read from remote host|Connection reset by|Broken pipe|kex_exchange|Control socket)/;

/** Classifies a finished session. */
export function diagnose(facts: SessionFacts): SshDiagnosis {
  const { destination, exitCode, stderr, scriptStarted } = facts;
  if (facts.timedOutAfterMs !== undefined) {
    // The host answered (or ConnectTimeout would have ended it first): a hung run is a failure.
    return { unreachable: false, sessionDied: true, reason: `timed out after ${facts.timedOutAfterMs / 1000} s; session killed` };
  }
  if (facts.cancelled === true) return { unreachable: false, sessionDied: true, reason: 'interrupted; session killed' };
  if (exitCode === 255) {
    // Host key problems come first: they are the ones a person must act on with care.
    if (CHANGED_KEY.test(stderr)) {
      return {
        unreachable: true,
        sessionDied: false,
        reason: `host key of ${destination} has CHANGED since it was recorded in known_hosts; refused (a changed key is never accepted: if the host was rebuilt, remove the old key with ssh-keygen -R)`,
      };
    }
    if (UNKNOWN_KEY.test(stderr)) {
      return {
        unreachable: true,
        sessionDied: false,
        reason: `host key of ${destination} is not known and strict host key checking is on; refused (add it to known_hosts, or use --accept-new-host-keys)`,
      };
    }
    if (!scriptStarted)
      return { unreachable: true, sessionDied: false, reason: lastLines(stderr) || `ssh to ${destination} failed (exit 255)` };
    // ssh's own failure after the script started: the connection was lost. What the host's
    // commands said on stderr (the last lines) is not the reason; only ssh's own words are.
    const said = lastLines(
      stderr
        .split('\n')
        .filter((line) => SSH_CLIENT.test(line.trim()))
        .join('\n'),
    );
    return { unreachable: false, sessionDied: true, reason: `connection lost mid-run${said === '' ? '' : ` (${said})`}` };
  }
  if (exitCode === undefined)
    return { unreachable: false, sessionDied: true, reason: lastLines(stderr) || 'ssh ended without an exit code' };
  const sudo = sudoProblem(stderr);
  if (sudo !== undefined && !scriptStarted) return { unreachable: false, sessionDied: false, reason: sudo };
  return { unreachable: false, sessionDied: false };
}

function lastLines(stderr: string): string {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('@@@') && !/^Warning: Permanently added/.test(line))
    .slice(-3)
    .join('; ');
}
