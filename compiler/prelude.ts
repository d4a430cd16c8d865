import { quote } from './quote.ts';
import { code, type Shell } from './shell.ts';

/** Where a host keeps handlers that were notified but could not run yet. */
export const PENDING_HANDLERS_FILE = '/var/lib/bosun/pending-handlers';

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
_bosun_pending=${quote(PENDING_HANDLERS_FILE)}

# One framed event per line on stdout: everything else the script prints goes to stderr.
_bosun_event() {
  printf '@@bosun {"t":"%s","i":%s,"s":"%s","rc":%s}\\n' "$1" "$2" "$3" "\${4:-0}"
}
# Framed data (file content, command output): base64 of stdin, capped by the caller.
_bosun_data() {
  printf '@@bosun {"t":"%s","i":%s,"b64":"%s"}\\n' "$1" "$2" "$(base64 | tr -d '\\n')"
}
_bosun_size() {
  printf '@@bosun {"t":"size","i":%s,"n":%s}\\n' "$1" "$2"
}
_bosun_checking() { [ "$_bosun_mode" = check ]; }

# Facts the plan needs, probed here, in the same session.
if command -v apt-get >/dev/null 2>&1; then _bosun_pkg=apt
elif command -v dnf >/dev/null 2>&1; then _bosun_pkg=dnf
elif command -v yum >/dev/null 2>&1; then _bosun_pkg=yum
else _bosun_pkg=none; fi
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then _bosun_init=systemd
else _bosun_init=sysv; fi
# shellcheck disable=SC1091
_bosun_os=$( (. /etc/os-release 2>/dev/null && printf '%s/%s' "$ID" "$VERSION_CODENAME") | tr -cd 'A-Za-z0-9._/-')
printf '@@bosun {"t":"facts","pkg":"%s","init":"%s","os":"%s"}\\n' "$_bosun_pkg" "$_bosun_init" "$_bosun_os"

# A handler notified by a changed step: remembered on the host (apply mode) until it has run.
_bosun_notify() {
  case $_bosun_notified in *" $1 "*) ;; *) _bosun_notified="$_bosun_notified$1 " ;; esac
  if ! _bosun_checking; then
    mkdir -p "\${_bosun_pending%/*}" && { grep -qxF -- "$2" "$_bosun_pending" 2>/dev/null || printf '%s\\n' "$2" >>"$_bosun_pending"; }
  fi
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

# Begins step $1; a step after a failure is skipped (handlers are never skipped).
_bosun_begin() {
  _bosun_step=$1
  _bosun_event start "$1" ""
  if [ "$_bosun_failed" = 1 ] && [ "$2" = step ]; then _bosun_event result "$1" skipped; return 1; fi
  return 0
}
# After an apply: report its output and code when it failed.
_bosun_applied() {
  [ "$2" -eq 0 ] && return 0
  printf '%s' "$3" | tail -c 16384 | _bosun_data output "$1"
  _bosun_event result "$1" failed "$2"
  _bosun_failed=1
  return 1
}
# After the verification check: a step that did not converge has failed.
_bosun_verified() {
  if [ "$2" -ne 0 ]; then
    _bosun_event result "$1" failed 125
    _bosun_failed=1
    return 1
  fi
  _bosun_event result "$1" changed
}`);
