import type { Mode } from '../compiler/plan.ts';
import { code, type Shell, sh } from '../compiler/shell.ts';
import type { Become } from '../compiler/host.ts';

/**
 * The line that ends the password preamble on stdin. A comment, so that extra copies
 * are harmless to `sh`; sent three times so that sudo, which reads one line per
 * attempt, never reaches the script when the password is wrong.
 */
export const BECOME_MARKER = '# bosun: end of become preamble';

/**
 * Runs the script: `sh -s MODE watch` (the script's watchdog ends the run when its stdin
 * closes early), under the host's own `timeout` when there is a limit and the host has
 * the command: SIGTERM, then SIGKILL 5 s later, to the script's whole process group with
 * coreutils' timeout (busybox's signals only the script's shell). $1 is the mode, $2 the
 * limit in seconds or empty.
 */
const RUNNER = '[ -n "$2" ] && command -v timeout >/dev/null 2>&1 && exec timeout -k 5 "$2" sh -s "$1" watch; exec sh -s "$1" watch';

/**
 * The command a session runs, as one shell command line (the remote login shell runs it
 * over SSH; `sh -c` runs it locally). Without become: the runner above. With become: the
 * runner under `sudo -n` (or `sudo -S -p ''` reading the password from the first line of
 * stdin; a small reader under sudo then skips stdin up to the marker, so the password line
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
export function sessionCommand(mode: Mode, become: Become | undefined, withPassword: boolean, timeoutSeconds?: number): Shell {
  if (timeoutSeconds !== undefined && (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0)) {
    throw new Error(`a session time limit must be a whole number of seconds, not ${timeoutSeconds}`);
  }
  const run = sh`sh -c ${RUNNER} bosun-session ${mode} ${timeoutSeconds === undefined ? '' : String(timeoutSeconds)}`;
  if (become?.enabled !== true) return run;
  const user = become.user !== undefined ? sh`-u ${become.user} ` : code('');
  const skipPreamble = sh`while IFS= read -r line; do [ "$line" = ${BECOME_MARKER} ] && break; done; exec ${run}`;
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
