import { CANNOT_APPLY, DID_NOT_CONVERGE, dataFrameFormat, frameFormat, OUTPUT_CAP_BYTES } from './protocol.ts';
import { quote } from './quote.ts';
import { code, type Shell } from './shell.ts';

/** Where a host keeps handlers that were notified but have not run yet (when the script runs as root). */
export const PENDING_HANDLERS_FILE = '/var/lib/bosun/pending-handlers';
/** The same for a script run as an ordinary user, under its home. */
export const USER_PENDING_HANDLERS_FILE = '.local/state/bosun/pending-handlers';

/**
 * The runtime every script starts with: mode, facts probed on the host, framed
 * events on stdout, and the bookkeeping of failures and notified handlers.
 * Kept small and POSIX (dash, busybox sh); shellcheck -s sh clean.
 */
export const PRELUDE: Shell = code(`_bosun_mode=\${1:-check}
case $_bosun_mode in
  check|apply) ;;
  *) echo "bosun: unknown mode '$_bosun_mode' (expected check or apply)" >&2; exit 64 ;;
esac
_bosun_failed=0
_bosun_notified=' '
if [ "$(id -u)" = 0 ]; then _bosun_pending=${quote(PENDING_HANDLERS_FILE)}
else _bosun_pending="\${HOME:-/nonexistent}/${USER_PENDING_HANDLERS_FILE}"; fi
# Check mode: paths that earlier steps reported as would-change may create, one per line
# (boundless: an earlier step may create anything, a package or a command).
_bosun_made='
'
_bosun_boundless=0

# One framed event per line on stdout: everything else the script prints goes to stderr.
_bosun_result() { printf '${frameFormat('result')}' "$1" "$2" "\${3:-0}"; }
_bosun_start() { printf '${frameFormat('start')}' "$1"; }
_bosun_pending_event() { printf '${frameFormat('pending')}' "$1"; }
_bosun_size() { printf '${frameFormat('size')}' "$1" "$2"; }
# The end of the run: the watchdog (below) is stopped first, since the runner closes stdin once it reads this.
_bosun_end() {
  [ -z "$_bosun_watchdog" ] || kill "$_bosun_watchdog" 2>/dev/null
  printf '${frameFormat('end')}'
}
# Framed data (file content, command output): base64 of stdin, capped by the caller.
_bosun_data() {
  printf '${dataFrameFormat()}' "$1" "$2" "$(base64 | tr -d '\\n')"
}
_bosun_checking() { [ "$_bosun_mode" = check ]; }

# Facts the plan needs, probed here, in the same session.
if command -v apt-get >/dev/null 2>&1; then _bosun_pkg=apt
elif command -v dnf >/dev/null 2>&1; then _bosun_pkg=dnf
elif command -v yum >/dev/null 2>&1; then _bosun_pkg=yum
else _bosun_pkg=none; fi
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then _bosun_init=systemd
elif [ -x /sbin/initctl ] && /sbin/initctl version 2>/dev/null | grep -q upstart; then _bosun_init=upstart
else _bosun_init=sysv; fi
# shellcheck disable=SC1091
_bosun_os=$( (. /etc/os-release 2>/dev/null && printf '%s/%s' "$ID" "$VERSION_CODENAME") | tr -cd 'A-Za-z0-9._/-')
printf '${frameFormat('facts')}' "$_bosun_pkg" "$_bosun_init" "$_bosun_os"

# With watch as $2, the runner holds stdin open until it has read the end of the run. When stdin
# closes first (the runner was interrupted or died, the connection was lost), the watchdog ends
# the run's process group, rather than let it go on changing the host with nobody to report to.
_bosun_watchdog=
if [ "\${2:-}" = watch ]; then
  exec 9<&0
  { while IFS= read -r _bosun_ignored <&9; do :; done; kill -TERM 0; } &
  _bosun_watchdog=$!
  exec 9<&-
fi

# Test hook: a named point of a step's run (intend, apply, applied, verified, reported). Does nothing;
# the fault-injection tests redefine it to kill the script at exactly that point.
_bosun_point() { :; }

# Inside a check (a subshell whose stdout is /dev/null, fd 3 the session's stdout): the step cannot
# be applied. Its reason goes out as the step's output, and the check exits ${CANNOT_APPLY}.
_bosun_cannot() {
  printf '%s\\n' "$1" | _bosun_data output "$_bosun_step" >&3
  exit ${CANNOT_APPLY}
}
# Inside a check: the step needs PATH ($2) to be a file, a directory or anything at all ($1: file, dir,
# path). When it is not, the step cannot be applied, unless (in check mode) an earlier step that would
# change may still create it.
_bosun_needs() {
  case $1 in
    file) [ -f "$2" ] && return 0 ;;
    path) [ -e "$2" ] && return 0 ;;
    *) [ -d "$2" ] && return 0 ;;
  esac
  if _bosun_checking; then
    [ "$_bosun_boundless" = 1 ] && exit 1
    case $_bosun_made in *"
$2
"*|*"
$2/"*) exit 1 ;; esac
  fi
  _bosun_cannot "$3"
}
# Inside a check: the step needs one of the commands $2… on this host ($1 says so in words). When none
# is there, the step cannot be applied, unless (in check mode) an earlier step may install anything.
_bosun_needs_command() {
  _bosun_why=$1
  shift
  for _bosun_c in "$@"; do command -v "$_bosun_c" >/dev/null 2>&1 && return 0; done
  if _bosun_checking && [ "$_bosun_boundless" = 1 ]; then exit 1; fi
  _bosun_cannot "$_bosun_why"
}
# Check mode, after a step reported would-change: what it may create, for the steps after it.
_bosun_may_make() {
  for _bosun_p in "$@"; do _bosun_made="$_bosun_made$_bosun_p
"; done
}

# Before a step that notifies handlers applies, they are recorded on the host, so that a
# session that dies during or after the change still leaves them for the next run. Fails
# when the record cannot be written: then the step does not apply.
_bosun_intend() {
  _bosun_added=''
  for _bosun_h in "$@"; do
    grep -qxF -- "$_bosun_h" "$_bosun_pending" 2>/dev/null && continue
    { mkdir -p "\${_bosun_pending%/*}" && printf '%s\\n' "$_bosun_h" >>"$_bosun_pending"; } || return 1
    _bosun_added="$_bosun_added$_bosun_h
"
  done
  [ -z "$_bosun_added" ] || sync "$_bosun_pending" 2>/dev/null || :
}
# The apply failed: the records it added are taken back (a failed step notifies nothing).
_bosun_withdraw() {
  printf '%s' "$_bosun_added" | while IFS= read -r _bosun_h; do _bosun_handled "$_bosun_h"; done
}
# A handler notified by a changed step, in this run's memory (its record is already on the host).
_bosun_notify() {
  case $_bosun_notified in *" $1 "*) ;; *) _bosun_notified="$_bosun_notified$1 " ;; esac
}
# Handlers left pending by an earlier run that could not finish them.
_bosun_was_pending() { grep -qxF -- "$1" "$_bosun_pending" 2>/dev/null; }
_bosun_handled() {
  [ -f "$_bosun_pending" ] || return 0
  _bosun_left=$(grep -vxF -- "$1" "$_bosun_pending")
  if [ -n "$_bosun_left" ]; then printf '%s\\n' "$_bosun_left" >"$_bosun_pending.new" && mv -f "$_bosun_pending.new" "$_bosun_pending"
  else rm -f "$_bosun_pending"; fi
}
_bosun_is_notified() { case $_bosun_notified in *" $1 "*) return 0 ;; esac; return 1; }
# A handler run at a flush point: it runs again at the end only if notified again.
_bosun_unnotify() { _bosun_notified="\${_bosun_notified%% "$1" *} \${_bosun_notified#* "$1" }"; }

# Begins step $1; a step after a failure is skipped (handlers are never skipped).
_bosun_begin() {
  _bosun_step=$1
  _bosun_start "$1"
  if [ "$_bosun_failed" = 1 ] && [ "$2" = step ]; then _bosun_result "$1" skipped; return 1; fi
  return 0
}
# A step ends failed with code $2 (and output from stdin when $3 is set): later steps are skipped.
_bosun_fail() {
  _bosun_result "$1" failed "$2"
  _bosun_failed=1
}
# Runs apply function $1: its output (stdout and stderr) goes to stdout for the caller to capture, and each
# line is copied to stderr as it comes (bosun -vv shows it live). Returns the apply's exit code: it travels
# on fd 5, which the relay holds open too, so this returns only once the relay has passed on every line.
# The apply runs in a subshell of its own, so that an exit in it still reaches the echo of its code.
_bosun_live() {
  exec 4>&1
  _bosun_lrc=$( { { ("$1" 2>&1 </dev/null 4>&- 5>&-); echo "$?" >&5; } | _bosun_relay >&4; } 5>&1 )
  exec 4>&-
  return "\${_bosun_lrc:-1}"
}
_bosun_relay() {
  while IFS= read -r _bosun_l; do printf '%s\n' "$_bosun_l"; printf '%s\n' "$_bosun_l" >&2; done
  [ -z "$_bosun_l" ] || { printf '%s' "$_bosun_l"; printf '%s\n' "$_bosun_l" >&2; }
}
# After an apply: send its output (the tail, when there is any, or always when it failed); a failed apply fails the step.
_bosun_applied() {
  [ "$2" -eq 0 ] && [ -z "$3" ] && return 0
  printf '%s' "$3" | tail -c ${OUTPUT_CAP_BYTES} | _bosun_data output "$1"
  [ "$2" -eq 0 ] && return 0
  _bosun_fail "$1" "$2"
  return 1
}
# After the verification check: a step that did not converge has failed.
_bosun_verified() {
  if [ "$2" -ne 0 ]; then _bosun_fail "$1" ${DID_NOT_CONVERGE}; return 1; fi
  _bosun_result "$1" changed
}
# The handlers of step $1 could not be recorded on the host: it is not applied.
_bosun_unrecorded() {
  printf 'bosun: cannot record the notified handlers in %s: not applying a change whose handlers could be lost\\n' "$_bosun_pending" | _bosun_data output "$1"
  _bosun_fail "$1" 1
}`);
