import { ValidationError } from '../errors.ts';
import { allOf, code, lines, sh, type Shell } from '../shell.ts';
import type { Step } from '../step.ts';
import { bool, identifier, knownKeys, oneOf, keysOf } from '../validate.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';

/**
 * A service enabled or disabled at boot, and running, stopped, restarted or
 * reloaded now. systemd when it runs the host; sysvinit scripts otherwise.
 */
export interface ServiceProps extends CommonProps {
  /** The service (a systemd unit name such as `nginx`, or a SysV init script). */
  readonly name: string;
  /** Started at boot (true) or not (false). Unset: left as it is. */
  readonly enabled?: boolean;
  /** `restarted` and `reloaded` always act: check mode reports them as would-change. */
  readonly state?: 'running' | 'stopped' | 'restarted' | 'reloaded';
}

export interface ServiceResource extends ServiceProps {
  readonly type: 'service';
}

export function service(props: ServiceProps): ServiceResource {
  return { type: 'service', ...props };
}

const KEYS = keysOf<ServiceResource>({ type: true, name: true, enabled: true, state: true, ...COMMON_KEYS });
const NAME = /^[A-Za-z0-9][A-Za-z0-9@._:-]*$/;

export function compileService(resource: ServiceResource): Step {
  knownKeys(resource, KEYS, 'service');
  const name = identifier(resource.name, 'service.name', NAME, 'service name');
  const where = `service(${name})`;
  const enabled = resource.enabled === undefined ? undefined : bool(resource.enabled, `${where}.enabled`);
  const state =
    resource.state === undefined
      ? undefined
      : oneOf(resource.state, `${where}.state`, ['running', 'stopped', 'restarted', 'reloaded'] as const);
  if (enabled === undefined && state === undefined) throw new ValidationError(where, 'give enabled, state, or both');
  const action = state === 'restarted' || state === 'reloaded';
  const isActive = byInit(systemctl.isActive(name), sh`service ${name} status >/dev/null 2>&1`);
  const isEnabled = byInit(systemctl.isEnabled(name), sh`ls /etc/rc[2345].d/S[0-9][0-9]${name} >/dev/null 2>&1`);
  const steady: Shell[] = [];
  if (enabled === true) steady.push(isEnabled);
  if (enabled === false) steady.push(sh`! { ${isEnabled}; }`);
  if (state === 'running') steady.push(isActive);
  if (state === 'stopped') steady.push(sh`! { ${isActive}; }`);
  const verify = [...steady, ...(action ? [isActive] : [])];
  const at = enabled === undefined ? undefined : code(enabled ? 'enable' : 'disable');
  const label = [name, at === undefined ? undefined : `${at.text}d`, state].filter((part) => part !== undefined).join(' ');
  // update-rc.d enable/disable only flips existing rc links: `defaults` makes them first (a no-op when present).
  return {
    name: `service ${label}`,
    resource: 'service',
    ...commonFields(resource, where),
    ...(action ? { alwaysChanges: true, verify: allOf(verify) } : { check: allOf(steady) }),
    apply: lines(
      at === undefined
        ? undefined
        : sh`${byInit(systemctl.act(enabled ? 'enable' : 'disable', name), sh`update-rc.d ${name} defaults && update-rc.d ${name} ${at}`)} || exit 1`,
      state === undefined
        ? undefined
        : sh`${byInit(systemctl.act(VERBS[state], name), sh`service ${name} ${code(VERBS[state])}`)} || exit 1`,
    ),
  };
}

/** The init system's verb that brings a service to each state. */
const VERBS = { running: 'start', stopped: 'stop', restarted: 'restart', reloaded: 'reload' } as const;

/** systemctl's tests and actions on a unit, shared with the systemdUnit resource. */
export const systemctl = {
  isActive: (name: string): Shell => sh`systemctl is-active --quiet ${name}`,
  isEnabled: (name: string): Shell => sh`systemctl is-enabled --quiet ${name}`,
  act: (verb: 'enable' | 'disable' | 'start' | 'stop' | 'restart' | 'reload', name: string): Shell => sh`systemctl ${code(verb)} ${name}`,
};

function byInit(systemd: Shell, sysv: Shell): Shell {
  return sh`if [ "$_bosun_init" = systemd ]; then ${systemd}; else ${sysv}; fi`;
}
