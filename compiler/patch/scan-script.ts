import { code, lines, type Shell, sh } from '../shell.ts';
import { type PatchScript, renderPatchScript } from './patch-script.ts';

/** The running kernel, then the installed ones (/boot/vmlinuz-*). */
export const KERNELS: Shell = code(`_bosun_kernels() {
  uname -r
  for _bosun_k in /boot/vmlinuz-*; do [ -e "$_bosun_k" ] && printf '%s\\n' "\${_bosun_k#/boot/vmlinuz-}"; done
  return 0
}`);

/** What a scan sends: the host's package state, its reboot flag, its kernels and its boot. */
export const HOST_STATE: Shell = lines(
  KERNELS,
  code(`_bosun_reboot_state() {
  if [ -f /var/run/reboot-required ]; then echo yes; cat /var/run/reboot-required.pkgs 2>/dev/null
  elif command -v needs-restarting >/dev/null 2>&1; then
    if needs-restarting -r >/dev/null 2>&1; then echo no; elif [ $? -eq 1 ]; then echo yes; else echo no; fi
  else echo no; fi
  return 0
}
case $_bosun_pkg in
  apt)`),
  sh`    _bosun_capture installed dpkg-query -W -f ${'${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Abbrev}\\n'}`,
  code(`    _bosun_capture auto apt-mark -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= showauto
    _bosun_capture upgrade-sim _bosun_apt_read -s upgrade
    _bosun_capture dist-upgrade-sim _bosun_apt_read -s dist-upgrade
    _bosun_capture autoremove-sim _bosun_apt_read -s autoremove ;;
  dnf|yum)`),
  sh`    _bosun_capture installed rpm -qa --qf ${'%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\t%{ARCH}\\tii\\n'}`,
  code(`    _bosun_capture check-update "$_bosun_pkg" -C -q check-update
    if [ "$_bosun_pkg" = dnf ]; then _bosun_capture security-list dnf -C -q updateinfo list --security
    else _bosun_capture security-list yum -C -q updateinfo list security; fi ;;
esac
_bosun_capture reboot _bosun_reboot_state
_bosun_capture kernel _bosun_kernels
_bosun_capture boot-id cat /proc/sys/kernel/random/boot_id`),
);

/** What a scan is asked to do. */
export interface ScanOptions {
  /**
   * Refresh the package lists first (`apt-get update`, `dnf makecache`): the one write a scan
   * may make, and only in apply mode; in check mode the script refuses it (the part says why).
   */
  readonly refresh: boolean;
}

/**
 * The scan: read-only, one session. The package lists are the ones already on the host
 * unless `refresh`; apt's simulations run without locking and without writing its binary
 * caches, so a check-mode scan leaves no trace on the host's disk.
 */
export function scanScript(options: ScanOptions): PatchScript {
  const refresh = options.refresh
    ? code(`if _bosun_checking; then
  printf 'bosun: refreshing the package lists writes on the host: not in check mode\\n' | _bosun_part refresh 64
else
  case $_bosun_pkg in
    apt) _bosun_capture refresh _bosun_apt_write update ;;
    dnf|yum) _bosun_capture refresh "$_bosun_pkg" -q makecache ;;
  esac
fi`)
    : undefined;
  return renderPatchScript('scan', lines(refresh, HOST_STATE));
}
