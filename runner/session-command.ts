import type { Mode } from '../compiler/plan.ts';
import { code, sh, type Shell } from '../compiler/shell.ts';
import type { Become } from '../inventory/host.ts';

/**
 * The line that ends the password preamble on stdin. A comment, so that extra copies
 * are harmless to `sh`; sent three times so that sudo, which reads one line per
 * attempt, never reaches the script when the password is wrong.
 */
export const BECOME_MARKER = '# bosun: end of become preamble';

/**
 * The command a session runs, as one shell command line (the remote login shell
 * runs it over SSH; `sh -c` runs it locally): `sh -s MODE`, under `sudo -n` with become.
 * With a become password, `sudo -S -p ''` reads it from the first line of stdin.
 * sudo reads it only if it needs it (a NOPASSWD rule or a cached ticket reads
 * nothing), so a small reader under sudo skips stdin up to the marker: the
 * password line is never run as a command either way.
 *
 * With `timeoutSeconds`, the script also runs under the host's own `timeout`
 * (inside sudo, so it may end root's processes): killing the ssh client does not
 * stop a remote script that is not writing, and a timed-out apply must not go on
 * changing the host behind the operator's back.
 */
export function sessionCommand(mode: Mode, become: Become | undefined, withPassword: boolean, timeoutSeconds?: number): Shell {
  const run = scriptRunner(mode, timeoutSeconds);
  if (become?.enabled !== true) return run;
  const user = become.user !== undefined ? sh`-u ${become.user} ` : code('');
  if (!withPassword) return sh`sudo -n ${user}${run}`;
  const skipPreamble = sh`while IFS= read -r line; do [ "$line" = ${BECOME_MARKER} ] && break; done; exec ${run}`;
  return sh`sudo -S -p ${''} ${user}sh -c ${skipPreamble.text} bosun-become`;
}

/**
 * `sh -s MODE`; with a time limit, under `timeout` where the host has one:
 * SIGTERM, then SIGKILL 5 s later, to the script's whole process group with
 * coreutils' timeout (busybox's signals only the script's shell).
 */
function scriptRunner(mode: Mode, timeoutSeconds: number | undefined): Shell {
  if (timeoutSeconds === undefined) return sh`sh -s ${mode}`;
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0)
    throw new Error(`a session time limit must be a whole number of seconds, not ${timeoutSeconds}`);
  const limited = 'command -v timeout >/dev/null 2>&1 && exec timeout -k 5 "$1" sh -s "$2"; exec sh -s "$2"';
  return sh`sh -c ${limited} bosun-session ${String(timeoutSeconds)} ${mode}`;
}

/** What goes on stdin before the script when a become password is used. */
export function becomePreamble(password: string): string {
  if (password.includes('\n')) throw new Error('a become password cannot contain a newline');
  return `${password}\n${BECOME_MARKER}\n${BECOME_MARKER}\n${BECOME_MARKER}\n`;
}
