import { code, lines, type Shell, sh } from '../shell.ts';
import { type PatchScript, renderPatchScript } from './patch-script.ts';
import { HOST_STATE, KERNELS } from './scan-script.ts';
import type { UpgradePlan } from './upgrade-plan.ts';

/** Refuses to run a script that writes in check mode: a patch apply never runs there. */
function applyOnly(part: string): Shell {
  return sh`if _bosun_checking; then printf '%s\\n' 'bosun: patching writes on the host: not in check mode' | _bosun_part ${part} 64; _bosun_end; exit 0; fi`;
}

/**
 * The upgrade of one host: the main transaction (`apt-get upgrade`, or an install of exact
 * versions), then each kept-back package on its own, stopping at the first failure; packages
 * an explicit install marked manual are marked automatic again; then the host's state after.
 */
export function upgradeScript(plan: UpgradePlan): PatchScript {
  const mainCommand = plan.main === undefined ? undefined : mainTransaction(plan.main);
  const keptBack = plan.keptBack.map(
    (pkg) => sh`[ "$_bosun_ok" = 0 ] || _bosun_capture kept-back _bosun_apt_write install ${pkg.name} || _bosun_ok=0`,
  );
  const markAuto =
    plan.markAuto.length === 0 ? undefined : sh`[ "$_bosun_ok" = 0 ] || _bosun_capture mark-auto apt-mark auto ${plan.markAuto}`;
  return renderPatchScript('upgrade', lines(applyOnly('upgrade'), code('_bosun_ok=1'), mainCommand, ...keptBack, markAuto, HOST_STATE));
}

function mainTransaction(main: NonNullable<UpgradePlan['main']>): Shell {
  if (main.kind === 'upgrade') return code('_bosun_capture upgrade _bosun_apt_write upgrade || _bosun_ok=0');
  return sh`_bosun_capture upgrade _bosun_apt_write install ${main.packages.map((p) => `${p.name}=${p.version}`)} || _bosun_ok=0`;
}

/**
 * Asks the host to reboot, after sending its boot id, in a way that lets this session end
 * first: a transient systemd timer two seconds out, or a detached `reboot` elsewhere.
 */
export function rebootScript(): PatchScript {
  return renderPatchScript(
    'reboot',
    lines(
      applyOnly('rebooting'),
      code('_bosun_capture boot-id cat /proc/sys/kernel/random/boot_id'),
      code(`if [ "$_bosun_init" = systemd ]; then
  _bosun_capture rebooting systemd-run --quiet --on-active=2 --timer-property=AccuracySec=100ms systemctl reboot
else
  _bosun_capture rebooting sh -c '(sleep 2; reboot) </dev/null >/dev/null 2>&1 &'
fi`),
    ),
  );
}

/** The boot id and the kernels: what the wait for a rebooted host asks, read-only. */
export function bootIdScript(): PatchScript {
  return renderPatchScript(
    'boot id',
    lines(KERNELS, code('_bosun_capture boot-id cat /proc/sys/kernel/random/boot_id\n_bosun_capture kernel _bosun_kernels')),
  );
}

/** What runs once the host is patched (and rebooted, when it had to). */
export interface AfterUpgrade {
  /** Remove the packages nothing needs any more (after a reboot, never before one that is pending). */
  readonly autoremove: boolean;
  /** Services to restart, in this order; the first that fails stops the rest. */
  readonly restarts: readonly string[];
  /** Commands that must exit 0 on the host (health checks), each run even when another failed. */
  readonly healthCommands: readonly string[];
}

/** Autoremove, the restarts in their order, the health commands, then the host's state. */
export function afterUpgradeScript(after: AfterUpgrade): PatchScript {
  const restart = (service: string): Shell =>
    sh`[ "$_bosun_ok" = 0 ] || if [ "$_bosun_init" = systemd ]; then _bosun_capture restart systemctl restart ${service} || _bosun_ok=0; else _bosun_capture restart service ${service} restart || _bosun_ok=0; fi`;
  return renderPatchScript(
    'after upgrade',
    lines(
      applyOnly('autoremove'),
      code('_bosun_ok=1'),
      code('_bosun_capture boot-id cat /proc/sys/kernel/random/boot_id'),
      after.autoremove ? code('_bosun_capture autoremove _bosun_apt_write autoremove || _bosun_ok=0') : undefined,
      ...after.restarts.map(restart),
      ...after.healthCommands.map((command) => sh`_bosun_capture health sh -c ${command}`),
      HOST_STATE,
    ),
  );
}
