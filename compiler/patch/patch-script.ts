import { createHash } from 'node:crypto';
import { PRELUDE } from '../prelude.ts';
import { frameFormat, PATCH_PART_CAP_BYTES } from '../protocol.ts';
import { maskSecrets } from '../secret.ts';
import { code, lines, type Shell } from '../shell.ts';

/** A patch script for one host, rendered: run as `sh -s check|apply` like a plan's script. */
export interface PatchScript {
  readonly script: string;
  /** sha256 of the script with its secrets masked, hex. */
  readonly digest: string;
  readonly secrets: readonly string[];
}

/**
 * The helpers every patch script has on top of the plan prelude (facts, watchdog, `end`):
 * `_bosun_part NAME RC` sends stdin as part NAME; `_bosun_capture NAME CMD…` runs CMD and
 * sends its output (stdout and stderr, tail-capped) with its exit code, leaving the code in
 * `$_bosun_rc`. Commands never read the session's stdin (it carries the script).
 */
const PATCH_HELPERS: Shell =
  code(`_bosun_part() { printf '${frameFormat('patch')}' "$1" "$2" "$(tail -c ${PATCH_PART_CAP_BYTES} | base64 | tr -d '\\n')"; }
_bosun_capture() {
  _bosun_name=$1; shift
  _bosun_out=$("$@" 2>&1 </dev/null; _bosun_rc=$?; echo x; exit "$_bosun_rc")
  _bosun_rc=$?
  printf '%s' "\${_bosun_out%x}" | _bosun_part "$_bosun_name" "$_bosun_rc"
  return "$_bosun_rc"
}
# apt as a scan runs it: read-only, in the C locale, without writing its binary caches.
# (Even a simulation logs its plan to /var/log/apt/eipp.log.xz unless told to log it nowhere.)
_bosun_apt_read() {
  LC_ALL=C apt-get -q -o Debug::NoLocking=1 -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o Dir::Log::Planner=/dev/null "$@"
}
# apt as an upgrade runs it: no prompts, the local copy of a changed config file kept, and a
# wait (up to 5 minutes) for a dpkg lock that unattended-upgrades may hold, rather than failing at once.
_bosun_apt_write() {
  LC_ALL=C DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a apt-get -q -y -o DPkg::Lock::Timeout=300 \\
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}`);

/**
 * Renders a patch script: the plan prelude (mode, facts, watchdog), the patch helpers, the
 * body, and the end frame. As with plans, the body is one function called on the last
 * line, so a script cut short in transit runs nothing.
 */
export function renderPatchScript(title: string, body: Shell): PatchScript {
  const all = lines(PRELUDE, PATCH_HELPERS, body, code('_bosun_end'));
  const header = `#!/bin/sh\n# shellcheck disable=SC1112,SC2016,SC2088,SC2235\n# bosun patch ${title.replace(/[^A-Za-z0-9 ._-]/g, '?')}. Run as: sh -s check|apply\n`;
  const script = `${header}_bosun_main() {\n${all.text}\n}\n_bosun_main "$@"\n`;
  const secrets = [...new Set(all.secrets)];
  return { script, digest: createHash('sha256').update(maskSecrets(script, secrets)).digest('hex'), secrets };
}
