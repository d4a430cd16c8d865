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
 */
export function sessionCommand(mode: Mode, become: Become | undefined, withPassword: boolean): Shell {
  if (become?.enabled !== true) return sh`sh -s ${mode}`;
  const user = become.user !== undefined ? sh`-u ${become.user} ` : code('');
  if (!withPassword) return sh`sudo -n ${user}sh -s ${mode}`;
  const skipPreamble = sh`while IFS= read -r line; do [ "$line" = ${BECOME_MARKER} ] && break; done; exec sh -s "$1"`;
  return sh`sudo -S -p ${''} ${user}sh -c ${skipPreamble.text} bosun-become ${mode}`;
}

/** What goes on stdin before the script when a become password is used. */
export function becomePreamble(password: string): string {
  if (password.includes('\n')) throw new Error('a become password cannot contain a newline');
  return `${password}\n${BECOME_MARKER}\n${BECOME_MARKER}\n${BECOME_MARKER}\n`;
}
