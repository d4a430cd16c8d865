// A role imports only bosun's public surface, as a role in a user's repository does ('bosun').
import { bool, command, keysOf, knownKeys, oneLine, type Resource, type Role, ValidationError } from '../../index.ts';

/**
 * The init scripts a distribution's packages install (redis-server, nginx, monit…) turned off at
 * boot, because a unit or a job of the role's own replaces them, as the Blot procedure does with
 * `chkconfig NAME off`. On each host, whichever tool it has: systemctl (systemd), update-rc.d
 * (Debian's sysvinit) or chkconfig (Red Hat's). A script that does not exist is already off.
 */
export interface InitScriptsOffProps {
  /** The scripts, by name as in /etc/init.d: `['redis-server', 'nginx', 'monit']`. */
  readonly services: readonly string[];
  /**
   * On systemd, also mask them (a link to /dev/null), so that nothing, not even another unit's
   * dependency, starts them. Default false: disabled only, as chkconfig off does.
   */
  readonly mask?: boolean;
  /** Stop them now too, when running. Default false (the replacement may need the port handed over at a planned time). */
  readonly stop?: boolean;
}

const KEYS = keysOf<InitScriptsOffProps>({ services: true, mask: true, stop: true });
const NAME = /^[A-Za-z0-9][A-Za-z0-9@._:-]*$/;

// Each script gets the service's name as $1, never inside its text: the same code for every name.
// Which init system runs the host: systemd's runtime directory, else the sysvinit tools it has.
const INIT = `init() {
  if [ -d /run/systemd/system ]; then echo systemd
  elif command -v update-rc.d >/dev/null 2>&1; then echo update-rc.d
  elif command -v chkconfig >/dev/null 2>&1; then echo chkconfig
  else echo none; fi
}`;

/** Exits 0 when the service does not start at boot (nor could, with $2 = mask). */
const IS_OFF = `${INIT}
case "$(init)" in
  systemd)
    state=$(systemctl is-enabled -- "$1" 2>/dev/null) || true
    if [ "$2" = mask ]; then [ "$state" = masked ] || { [ -z "$state" ] && [ ! -e "/etc/init.d/$1" ]; }
    else case "$state" in enabled|enabled-runtime|alias|static|indirect|generated) exit 1 ;; *) exit 0 ;; esac; fi ;;
  update-rc.d) ! ls /etc/rc[2345].d/S[0-9][0-9]"$1" >/dev/null 2>&1 ;;
  chkconfig) ! chkconfig --list "$1" 2>/dev/null | grep -q ':on' ;;
  *) exit 0 ;;
esac`;

/** Turns the service off at boot with the host's own tool. */
const TURN_OFF = `${INIT}
case "$(init)" in
  systemd) if [ "$2" = mask ]; then systemctl mask -- "$1"; else systemctl disable -- "$1"; fi ;;
  update-rc.d) update-rc.d "$1" defaults >/dev/null 2>&1; update-rc.d "$1" disable ;;
  chkconfig) chkconfig "$1" off ;;
esac`;

/** Exits 0 when the service is not running now. */
const IS_STOPPED = `${INIT}
case "$(init)" in
  systemd) ! systemctl is-active --quiet -- "$1" ;;
  none) exit 0 ;;
  *) [ ! -x "/etc/init.d/$1" ] || ! "/etc/init.d/$1" status >/dev/null 2>&1 ;;
esac`;

const STOP = `${INIT}
case "$(init)" in
  systemd) systemctl stop -- "$1" ;;
  *) "/etc/init.d/$1" stop ;;
esac`;

/** Distribution init scripts off at boot (and stopped, when asked), with whichever tool the host has. */
export function initScriptsOff(props: InitScriptsOffProps): Role {
  const where = 'initScriptsOff';
  knownKeys(props, KEYS, where);
  if (!Array.isArray(props.services) || props.services.length === 0)
    throw new ValidationError(`${where}.services`, 'must list at least one init script');
  const mask = props.mask !== undefined && bool(props.mask, `${where}.mask`) ? 'mask' : 'disable';
  const stop = props.stop !== undefined && bool(props.stop, `${where}.stop`);
  const resources = props.services.flatMap((given, i): Resource[] => {
    const name = oneLine(given, `${where}.services[${i}]`);
    if (!NAME.test(name)) throw new ValidationError(`${where}.services[${i}]`, `is not a service name: ${JSON.stringify(name)}`);
    if (props.services.indexOf(name) !== i) throw new ValidationError(`${where}.services[${i}]`, `${JSON.stringify(name)} is given twice`);
    const off = command({
      name: `init script ${name} off at boot${mask === 'mask' ? ' (masked)' : ''}`,
      argv: ['sh', '-c', TURN_OFF, 'sh', name, mask],
      unless: { argv: ['sh', '-c', IS_OFF, 'sh', name, mask] },
    });
    const stopped = command({
      name: `init script ${name} stopped`,
      argv: ['sh', '-c', STOP, 'sh', name],
      unless: { argv: ['sh', '-c', IS_STOPPED, 'sh', name] },
    });
    return stop ? [off, stopped] : [off];
  });
  return { name: 'init-scripts-off', tags: ['init-scripts-off'], resources };
}
