/**
 * The named parts a patch script sends back (one `patch` frame each, see compiler/protocol.ts).
 * Raw tool output travels as it is; the controller parses it (compiler/patch/apt-output.ts),
 * so the shell stays small and every parser is tested on real text.
 */
export const PATCH_PARTS = [
  /** `apt-get update` (or `dnf makecache`): the one write of `patch scan --refresh`. */
  'refresh',
  /** The installed packages: `name TAB version TAB arch TAB status` per line. */
  'installed',
  /** Packages marked as automatically installed (`apt-mark showauto`). */
  'auto',
  /** `apt-get -s upgrade`: what an upgrade would install, and what it keeps back. */
  'upgrade-sim',
  /** `apt-get -s dist-upgrade`: every candidate, kept-back ones and their new dependencies included. */
  'dist-upgrade-sim',
  /** `apt-get -s autoremove`: the auto-removable packages. */
  'autoremove-sim',
  /** dnf/yum: `check-update` from the cache. */
  'check-update',
  /** dnf/yum: the security advisories' packages (`updateinfo list --security`). */
  'security-list',
  /** `yes` or `no`, then the packages that asked for the reboot (/var/run/reboot-required.pkgs). */
  'reboot',
  /** The running kernel (`uname -r`), then the installed kernels, one per line. */
  'kernel',
  /** /proc/sys/kernel/random/boot_id: changes with every boot. */
  'boot-id',
  /** The transcript of the upgrade. */
  'upgrade',
  /** The transcript of one kept-back package installed on its own (`apt-get install NAME`). */
  'kept-back',
  /** Packages marked automatic again after a pinned install. */
  'mark-auto',
  /** The reboot was asked for; the session may end before its end frame. */
  'rebooting',
  /** The transcript of `apt-get autoremove`. */
  'autoremove',
  /** The transcript of one service restart, in the declared order. */
  'restart',
  /** The output of one health-check command run on the host. */
  'health',
] as const;

export type PatchPart = (typeof PATCH_PARTS)[number];

/** Whether a frame's part is one the protocol knows. */
export function isPatchPart(name: string): name is PatchPart {
  return (PATCH_PARTS as readonly string[]).includes(name);
}
