import { randomBytes } from 'node:crypto';
import type { Become } from '../compiler/host.ts';
import type { Mode } from '../compiler/plan.ts';
import { DATA_FD } from '../compiler/protocol.ts';
import { quote } from '../compiler/quote.ts';
import { code, type Shell, sh } from '../compiler/shell.ts';

/**
 * The line that ends the password preamble on stdin, sent three times so that sudo, which
 * reads one line per attempt, never reaches the script when the password is wrong. Once sudo
 * accepted the password (or asked for none), the reader under it skips up to the third.
 */
export const BECOME_MARKER = '# bosun: end of become preamble';

/** Scripts up to this size run in the boot's own shell; larger ones in a fresh shell that holds one step at a time. */
export const SMALL_SCRIPT_BYTES = 524288;

/**
 * How a session runs its script, as `sh -c BOOT bosun-boot MODE BYTES LAST`: the script comes on
 * stdin, BYTES long, ending with the line LAST (see `framedScript`). The boot reads it whole
 * first and checks its end, so a script cut short in transit (the connection lost) runs
 * nothing. A small script then runs in the boot's own shell (`eval`); a large one (over
 * SMALL_SCRIPT_BYTES) in a fresh `sh -s MODE watch` that reads it from a pipe as it runs it,
 * so that the shell forking the steps' processes never holds the whole plan (a fork's cost
 * grows with the memory of the shell that forks). Either way the script's `$1 $2` are
 * `MODE watch`, and the rest of the session's stdin reaches its fd 8 through a pump (`cat`):
 * the data sections it asks for arrive there. When stdin closes before the script is done
 * (bosun interrupted or killed, the connection lost), the pump ends the run's process group,
 * rather than let it go on changing the host with nobody to report to; when the script is
 * done, however it ends, the boot stops the pump.
 */
const BOOT = [
  's=$(head -c "$2") && [ "${s%"$3"}" != "$s" ] || { printf \'bosun: the script arrived incomplete (%s bytes were due): nothing was run\\n\' "$2" >&2; exit 65; }',
  'exec 3<&0',
  `{ cat <&3 & echo "$!"; wait "$!" && kill -TERM 0; } 2>/dev/null | { IFS= read -r p; trap 'kill "$p" 2>/dev/null' EXIT; if [ "$2" -gt ${SMALL_SCRIPT_BYTES} ]; then { printf '%s\\n' "$s" | sh -s "$1" watch; } ${DATA_FD}<&0; else set -- "$1" watch; eval "$s" ${DATA_FD}<&0 </dev/null; fi; } 3<&-`,
].join('; ');

/**
 * The boot, under the host's own `timeout` when there is a limit and the host has the command:
 * SIGTERM, then SIGKILL 5 s later, to the run's whole process group with coreutils' timeout
 * (busybox's signals only the boot's shell). $1 is the mode, $2 and $3 the script's length and
 * last line, $4 the limit in seconds or empty.
 */
const RUNNER = `b=${quote(BOOT)}; if [ -n "$4" ] && command -v timeout >/dev/null 2>&1; then exec timeout -k 5 "$4" sh -c "$b" bosun-boot "$1" "$2" "$3"; fi; eval "$b"`;

/** A script as a session sends it: its bytes on stdin, ending with a line the boot checks for. */
export interface FramedScript {
  /** What goes on stdin (after a become password preamble, when there is one). */
  readonly input: string;
  /** Its length in bytes. */
  readonly bytes: number;
  /** Its last line: a comment with a nonce no script holds. */
  readonly last: string;
}

/** Frames a script for `sessionCommand`: a new nonce every session. */
export function framedScript(script: string): FramedScript {
  const last = `# bosun: end of script ${randomBytes(12).toString('hex')}`;
  const input = `${script}\n${last}\n`;
  return { input, bytes: Buffer.byteLength(input, 'utf8'), last };
}

/**
 * The command a session runs, as one shell command line (the remote login shell runs it
 * over SSH; `sh -c` runs it locally), for a script framed by `framedScript`. Without become: the boot above. With become: the
 * runner under `sudo -n` (or `sudo -S -p ''` reading the password from the first line of
 * stdin; a small reader under sudo then skips stdin up to the third marker, so the password line
 * is never run as a command, whether sudo read it or not).
 *
 * A host whose sudoers says `Defaults requiretty` refuses sudo without a terminal. There,
 * sudo runs under `script`, which gives it a pseudo-terminal as its controlling terminal,
 * while the script's stdin, stdout and stderr stay the session's own pipes: one session,
 * framed results untouched. A short `sudo -n true` tells which case a host is.
 *
 * With `timeoutSeconds`, the script also runs under the host's own `timeout` (inside sudo,
 * so it may end root's processes): a timed-out apply must not go on changing the host
 * behind the operator's back.
 */
export function sessionCommand(
  mode: Mode,
  become: Become | undefined,
  withPassword: boolean,
  framed: Pick<FramedScript, 'bytes' | 'last'>,
  timeoutSeconds?: number,
): Shell {
  if (timeoutSeconds !== undefined && (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0)) {
    throw new Error(`a session time limit must be a whole number of seconds, not ${timeoutSeconds}`);
  }
  const limit = timeoutSeconds === undefined ? '' : String(timeoutSeconds);
  const run = sh`sh -c ${RUNNER} bosun-session ${mode} ${String(framed.bytes)} ${framed.last} ${limit}`;
  if (become?.enabled !== true) return run;
  const user = become.user !== undefined ? sh`-u ${become.user} ` : code('');
  const skipPreamble = sh`n=0; while IFS= read -r line; do [ "$line" = ${BECOME_MARKER} ] && n=$((n + 1)) && [ "$n" = 3 ] && break; done; exec ${run}`;
  const sudo = withPassword ? sh`sudo -S -p ${''} ${user}sh -c ${skipPreamble.text} bosun-become` : sh`sudo -n ${user}${run}`;
  const underTerminal = `exec ${sudo.text} <&3 >&4 2>&5 3<&- 4>&- 5>&-`;
  const wrapper = sh`if ! e=$(LC_ALL=C sudo -n ${user}true 2>&1 </dev/null) && case $e in *'must have a tty'*) command -v script >/dev/null 2>&1 ;; *) false ;; esac; then
  exec 3<&0 4>&1 5>&2
  exec script -qec ${underTerminal} /dev/null </dev/null >&2
fi
exec ${sudo}`;
  return sh`sh -c ${wrapper.text} bosun-become`;
}

/** What goes on stdin before the script when a become password is used. */
export function becomePreamble(password: string): string {
  if (password.includes('\n')) throw new Error('a become password cannot contain a newline');
  return `${password}\n${BECOME_MARKER}\n${BECOME_MARKER}\n${BECOME_MARKER}\n`;
}
