import {
  CANNOT_APPLY,
  CANNOT_TELL,
  DATA_FD,
  DID_NOT_CONVERGE,
  DIFF_CAP_BYTES,
  dataFrameFormat,
  FRAME_FD,
  frameFormat,
  OUTPUT_CAP_BYTES,
} from './protocol.ts';
import { quote } from './quote.ts';
import { code, type Shell } from './shell.ts';

/** Where a host keeps handlers that were notified but have not run yet (when the script runs as root). */
export const PENDING_HANDLERS_FILE = '/var/lib/bosun/pending-handlers';
/** The same for a script run as an ordinary user, under its home. */
export const USER_PENDING_HANDLERS_FILE = '.local/state/bosun/pending-handlers';

/**
 * The runtime every script starts with: mode, facts probed on the host, framed
 * events on stdout, the bookkeeping of failures and notified handlers, and `_bosun_run`,
 * the one check → apply → verify sequence every step and handler goes through (the script
 * gives each step only its own functions and one call). Kept small and POSIX (dash,
 * busybox sh); shellcheck -s sh clean.
 *
 * The script is read by the host's shell as it runs (bosun's session command holds it
 * whole first, so a script cut short runs nothing: runner/session-command.ts), so its
 * stdin is the rest of the script: everything here that could read stdin reads /dev/null.
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
# Check mode: an earlier step that would change may create anything (a package, a command); the paths
# that steps which say so may create are variables _bosun_m_KEY (compiler/made-paths.ts).
_bosun_boundless=0
# Frames from anywhere go to fd ${FRAME_FD}, the session's stdout. With watch as $2, fd ${DATA_FD} is the runner's
# data channel (runner/session-command.ts): the data sections the script asks for arrive there.
exec ${FRAME_FD}>&1
_bosun_channel=0
[ "\${2:-}" = watch ] && _bosun_channel=1

# One framed event per line on stdout: everything else the script prints goes to stderr.
_bosun_result() { printf '${frameFormat('result')}' "$1" "$2" "\${3:-0}"; }
_bosun_start() { printf '${frameFormat('start')}' "$1"; }
_bosun_pending_event() { printf '${frameFormat('pending')}' "$1"; }
_bosun_size() { printf '${frameFormat('size')}' "$1" "$2"; }
_bosun_end() { printf '${frameFormat('end')}'; }
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
# os-release is read with the shell's own read (a fact costs no process); a value that is not plain is dropped.
_bosun_id='' _bosun_codename=''
if [ -r /etc/os-release ]; then
  while IFS='=' read -r _bosun_k _bosun_v || [ -n "$_bosun_k" ]; do
    _bosun_v=\${_bosun_v#[\\"\\']}; _bosun_v=\${_bosun_v%[\\"\\']}
    case $_bosun_k in ID) _bosun_id=$_bosun_v ;; VERSION_CODENAME) _bosun_codename=$_bosun_v ;; esac
    _bosun_k=
  done </etc/os-release
fi
_bosun_os=$_bosun_id/$_bosun_codename
case $_bosun_os in *[!A-Za-z0-9._/-]*) _bosun_os= ;; esac
printf '${frameFormat('facts')}' "$_bosun_pkg" "$_bosun_init" "$_bosun_os"
_bosun_sha256=0
command -v sha256sum >/dev/null 2>&1 && _bosun_sha256=1

# Test hook: a named point of a step's run (intend, apply, applied, verified, reported). Does nothing;
# the fault-injection tests redefine it to kill the script at exactly that point.
_bosun_point() { :; }

# A data section's bytes (sha256 $1, $2 bytes) on stdout: asked for on fd ${FRAME_FD}, read from fd ${DATA_FD}. The runner
# acknowledges the section after the host says it got it, so a short read (the session's stdin closed)
# is a failure, never a short file. Then the boot's pump is ending the run: wait for that rather than race
# it, so that the step's trap removes its temp file after the end came, not while it comes. The runner
# refuses bytes that were not the section's (its local file changed since the compile): a failure too.
_bosun_payload() {
  if [ "$_bosun_channel" != 1 ]; then
    echo "bosun: this step needs $2 bytes of content from bosun, which only bosun's own session sends" >&2
    return 1
  fi
  printf '${frameFormat('need')}' "$1" >&${FRAME_FD}
  if head -c "$2" <&${DATA_FD} && printf '${frameFormat('got')}' "$1" >&${FRAME_FD} && IFS= read -r _bosun_ack <&${DATA_FD}; then
    [ "$_bosun_ack" = "ok $1" ] && return 0
    case $_bosun_ack in "no "*) printf 'bosun: %s\\n' "\${_bosun_ack#no }" >&2; return 1 ;; esac
  fi
  sleep 1
  return 1
}
# Whether file $3 holds exactly data section $1 ($2 bytes): size, then sha256, fetching no bytes where the host can hash
# (bytes fetched but refused are one byte too many for cmp: no match).
_bosun_matches() {
  [ -f "$3" ] || return 1
  _bosun_n=$(wc -c <"$3") && [ "$_bosun_n" -eq "$2" ] || return 1
  if [ "$_bosun_sha256" = 1 ]; then
    _bosun_sum=$(sha256sum <"$3") && [ "\${_bosun_sum%% *}" = "$1" ]
  else { _bosun_payload "$1" "$2" || printf x; } | cmp -s - "$3"; fi
}
# A diff's evidence of file $1: its size, and its content when that is within the cap (never a piece of a large file).
_bosun_before() {
  [ -f "$1" ] || return 0
  _bosun_n=$(wc -c <"$1") || return 0
  _bosun_size "$_bosun_step" "$_bosun_n"
  [ "$_bosun_n" -gt ${DIFF_CAP_BYTES} ] || _bosun_data before "$_bosun_step" <"$1"
}

# Inside a check (a subshell whose stdout is /dev/null, fd 3 the session's stdout): the step cannot
# be applied. Its reason goes out as the step's output, and the check exits ${CANNOT_APPLY}.
_bosun_cannot() {
  printf '%s\\n' "$1" | _bosun_data output "$_bosun_step" >&3
  exit ${CANNOT_APPLY}
}
# Inside a check: the step needs PATH ($2) to be a file, a directory or anything at all ($1: file, dir,
# path). When it is not, the step cannot be applied ($3 says why), unless (in check mode) an earlier step
# that would change may still create it: one that may create anything, or one that marked $2's key ($4).
_bosun_needs() {
  case $1 in
    file) [ -f "$2" ] && return 0 ;;
    path) [ -e "$2" ] && return 0 ;;
    *) [ -d "$2" ] && return 0 ;;
  esac
  if _bosun_checking; then
    [ "$_bosun_boundless" = 1 ] && exit 1
    case $4 in *[!0-9a-f]*|'') ;; *) eval "[ -z \\"\\\${_bosun_m_$4:-}\\" ]" || exit 1 ;; esac
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
# Check mode, after a step reported would-change: the keys of what it may create (and of the directories
# above), for the checks after it. One variable each: a lookup costs the same however many steps came before.
_bosun_may_make() {
  for _bosun_p in "$@"; do
    case $_bosun_p in *[!0-9a-f]*|'') ;; *) eval "_bosun_m_$_bosun_p=1" ;; esac
  done
}

# The name of handler $1 (the script defines it as _bosun_hnINDEX) in _bosun_h.
_bosun_h=
_bosun_name() { eval "_bosun_h=\\$_bosun_hn$1"; }

# Before a step that notifies handlers applies, they are recorded on the host, so that a
# session that dies during or after the change still leaves them for the next run. Fails
# when the record cannot be written: then the step does not apply. Arguments: handler indices.
_bosun_intend() {
  _bosun_added=''
  for _bosun_k in "$@"; do
    _bosun_name "$_bosun_k"
    grep -qxF -- "$_bosun_h" "$_bosun_pending" 2>/dev/null && continue
    { mkdir -p "\${_bosun_pending%/*}" && printf '%s\\n' "$_bosun_h" >>"$_bosun_pending"; } || return 1
    _bosun_added="$_bosun_added$_bosun_h
"
  done
  [ -z "$_bosun_added" ] || sync "$_bosun_pending" 2>/dev/null || :
}
# The apply failed: the records it added are taken back (a failed step notifies nothing).
_bosun_withdraw() {
  printf '%s' "$_bosun_added" | while IFS= read -r _bosun_w; do _bosun_handled "$_bosun_w"; done
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
# A step ends failed with code $2: later steps are skipped.
_bosun_fail() {
  _bosun_result "$1" failed "$2"
  _bosun_failed=1
}
# Runs the command $@ (an apply): its output (stdout and stderr) goes to stdout for the caller to capture, and
# each line is copied to stderr as it comes (bosun -vv shows it live). Returns the apply's exit code: it travels
# on fd 5, which the relay holds open too, so this returns only once the relay has passed on every line.
# The apply runs in a subshell of its own, so that an exit in it still reaches the echo of its code.
_bosun_live() {
  exec 4>&1
  _bosun_lrc=$( { { ("$@" 2>&1 </dev/null 4>&- 5>&-); echo "$?" >&5; } | _bosun_relay >&4; } 5>&1 )
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
}

# Runs step or handler $1 ($2: step or handler) through its functions: _bosun_c (check), _bosun_a
# (apply), _bosun_v (verify), _bosun_d (diff probe), with the suffix $4 (a handler's index). $3 says
# which it has: c, v, d; w: it always changes (no check, known outcome); m: it may create only the
# paths given after --; p: it fetches data sections (only such a step gets fds ${FRAME_FD} and ${DATA_FD}). Then the
# indices of the handlers it notifies, up to --, and what it may create.
_bosun_run() {
  _bosun_i=$1 _bosun_role=$2 _bosun_f=$3 _bosun_fn=$4
  shift 4
  _bosun_hs=''
  while [ "$#" -gt 0 ] && [ "$1" != -- ]; do _bosun_hs="$_bosun_hs $1"; shift; done
  [ "$#" -eq 0 ] || shift
  _bosun_begin "$_bosun_i" "$_bosun_role" || return 0
  _bosun_rc=1
  if _bosun_has c; then
    _bosun_call c 3>&1 >/dev/null 2>&1 </dev/null; _bosun_rc=$?
    if [ "$_bosun_rc" -eq 0 ]; then _bosun_result "$_bosun_i" ok; _bosun_settled; return 0; fi
    if [ "$_bosun_rc" -eq ${CANNOT_APPLY} ]; then _bosun_fail "$_bosun_i" ${CANNOT_APPLY}; return 0; fi
  fi
  if _bosun_checking; then _bosun_would "$@"; else _bosun_act; fi
}
_bosun_has() { case $_bosun_f in *"$1"*) return 0 ;; esac; return 1; }
# Calls the step's function $1: only a step that fetches data sections keeps the frame and data fds
# (a daemon an apply starts must not hold the session open).
_bosun_call() {
  case $_bosun_f in
    *p*) "_bosun_$1$_bosun_fn" ;;
    *) "_bosun_$1$_bosun_fn" ${FRAME_FD}>&- ${DATA_FD}<&- ;;
  esac
}
# The step changed (or, in check mode, would): the handlers it notifies are due; a handler that ran
# (or needed not) is no longer pending.
_bosun_settled() {
  if [ "$_bosun_role" = handler ]; then
    _bosun_checking && return 0
    _bosun_name "$_bosun_i"
    _bosun_handled "$_bosun_h"
  fi
}
_bosun_notifies() {
  _bosun_settled
  for _bosun_k in $_bosun_hs; do _bosun_notify "$_bosun_k"; done
}
# Check mode, once the check failed (or for a step without a check): what apply would do. Known when
# the check could tell (would-change, with the diff probe) or the step always acts; otherwise unknown.
# Either way the steps after it learn what it may create.
_bosun_would() {
  if _bosun_has m; then [ "$#" -eq 0 ] || _bosun_may_make "$@"; else _bosun_boundless=1; fi
  if _bosun_has c; then
    if [ "$_bosun_rc" -eq ${CANNOT_TELL} ]; then _bosun_result "$_bosun_i" unknown; return 0; fi
    ! _bosun_has d || _bosun_call d </dev/null
  elif ! _bosun_has w; then _bosun_result "$_bosun_i" unknown; return 0; fi
  _bosun_result "$_bosun_i" would-change
  _bosun_notifies
}
# Apply mode: record the handlers, apply, verify, then report. A failed apply takes its records back;
# a step that applied but did not converge keeps them (it changed something).
_bosun_act() {
  if [ -n "$_bosun_hs" ]; then
    _bosun_point intend "$_bosun_i"
    # shellcheck disable=SC2086
    if ! _bosun_intend $_bosun_hs; then _bosun_unrecorded "$_bosun_i"; return 0; fi
  fi
  _bosun_point apply "$_bosun_i"
  # A command substitution strips trailing newlines: the x after the output keeps them.
  _bosun_out=$(_bosun_live _bosun_call a; _bosun_rc=$?; echo x; exit "$_bosun_rc")
  _bosun_rc=$?; _bosun_out=\${_bosun_out%x}
  _bosun_point applied "$_bosun_i"
  if _bosun_applied "$_bosun_i" "$_bosun_rc" "$_bosun_out"; then
    _bosun_out=
    if _bosun_has v; then _bosun_call v >/dev/null 2>&1 </dev/null; _bosun_rc=$?
    elif _bosun_has c; then _bosun_call c >/dev/null 2>&1 </dev/null; _bosun_rc=$?
    else _bosun_rc=0; fi
    _bosun_point verified "$_bosun_i"
    _bosun_verified "$_bosun_i" "$_bosun_rc" && _bosun_notifies
    _bosun_point reported "$_bosun_i"
  elif [ -n "$_bosun_hs" ]; then _bosun_withdraw; fi
}
# A handler an earlier run could not run (it failed, or the session died) runs first, before any
# step; it runs again at the end only if notified again. $1: its index, $2: its flags.
_bosun_recall() {
  _bosun_name "$1"
  _bosun_was_pending "$_bosun_h" || return 0
  _bosun_pending_event "$1"
  _bosun_run "$1" handler "$2" "_$1"
}
# A flush point, step $1 (skipped after a failure, like any other step): the handlers notified so far run
# here and are forgotten, so they run again at the end only if notified again. Then pairs of a handler's
# index and its flags.
_bosun_flush() {
  _bosun_begin "$1" step || return 0
  _bosun_result "$1" ok
  shift
  while [ "$#" -gt 1 ]; do
    if _bosun_is_notified "$1"; then
      _bosun_unnotify "$1"
      _bosun_run "$1" handler "$2" "_$1"
    fi
    shift 2
  done
}
# Handlers run once, at the end, when notified: even after a failed step.
_bosun_finally() {
  ! _bosun_is_notified "$1" || _bosun_run "$1" handler "$2" "_$1"
}`);
