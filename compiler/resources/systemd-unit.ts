import { ValidationError } from '../errors.ts';
import { code, lines, sh, type Shell } from '../shell.ts';
import type { Step } from '../step.ts';
import { bool, identifier, keysOf, knownKeys, oneOf } from '../validate.ts';
import { attributesCheck } from './attributes.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';
import { currentContentProbe, placeable } from './file.ts';
import { systemctl } from './service.ts';
import {
  type InstallSection,
  renderSection,
  SECTIONS,
  type ServiceSection,
  type SocketSection,
  type TimerSection,
  type UnitSection,
} from './systemd-sections.ts';
import { unitName } from './systemd-syntax.ts';
import { needs } from '../made-paths.ts';

export type { ExtraSettings, InstallSection, ServiceSection, SocketSection, TimerSection, UnitSection } from './systemd-sections.ts';
export type { Command, TimeSpan, UnitName } from './systemd-syntax.ts';

/**
 * A systemd unit written from typed fields: a whole unit in /etc/systemd/system/NAME, or
 * a drop-in in /etc/systemd/system/NAME.d/DROPIN.conf that overrides some settings of a
 * unit from a package. The new file is checked by `systemd-analyze verify` before it
 * replaces the old one (a refused unit leaves the old file untouched), and systemd
 * reloads its units in the same step (`daemon-reload`), so a later step that starts the
 * unit, or a handler that restarts it, runs the new one. A changed unit is not restarted
 * by this step: notify a handler that restarts it.
 */
export type SystemdUnitProps =
  | ServiceUnitProps
  | TimerUnitProps
  | SocketUnitProps
  | ServiceDropInProps
  | TimerDropInProps
  | SocketDropInProps;

interface UnitCommon extends CommonProps {
  /** The [Unit] section: description, ordering, dependencies. */
  readonly unit?: UnitSection;
  /**
   * Started at boot (`systemctl enable`: the links its [Install] section names) or not.
   * Unset: left as it is.
   */
  readonly enabled?: boolean;
  /**
   * Running now or stopped (`systemctl start`/`stop`). Unset: left as it is. `running` needs
   * systemd running the host (not a chroot). Restarting is a handler's job: `service` with
   * `state: 'restarted'`.
   */
  readonly state?: 'running' | 'stopped';
  /**
   * Check the new file with `systemd-analyze verify` before it replaces the old one (default
   * true): it reads the unit under its own name and refuses an unknown setting, a bad value or
   * a program that does not exist. A host without systemd-analyze then cannot apply the step
   * (it fails, in check mode too); `false` writes the unit unverified there.
   */
  readonly verify?: boolean;
}

/** A whole unit, not a drop-in. */
interface WholeUnit extends UnitCommon {
  /** Not in a whole unit (a drop-in's name). */
  readonly dropIn?: never;
}

/** A whole service unit: /etc/systemd/system/NAME.service. */
export interface ServiceUnitProps extends WholeUnit {
  /** The unit's name: `blot.service`. */
  readonly name: `${string}.service`;
  /** The [Service] section: what runs and how. */
  readonly service: ServiceSection;
  /** The [Install] section: what `enabled` links it into (usually `wantedBy: ['multi-user.target']`). */
  readonly install?: InstallSection;
}

/** A whole timer unit: /etc/systemd/system/NAME.timer, which starts NAME.service (or `timer.unit`). */
export interface TimerUnitProps extends WholeUnit {
  /** The unit's name: `backup.timer`. */
  readonly name: `${string}.timer`;
  /** The [Timer] section: when it fires. */
  readonly timer: TimerSection;
  /** The [Install] section: usually `wantedBy: ['timers.target']`. */
  readonly install?: InstallSection;
}

/** A whole socket unit: /etc/systemd/system/NAME.socket, which starts NAME.service (or `socket.service`) on traffic. */
export interface SocketUnitProps extends WholeUnit {
  /** The unit's name: `app.socket`. */
  readonly name: `${string}.socket`;
  /** The [Socket] section: what it listens on. */
  readonly socket: SocketSection;
  /** The [Install] section: usually `wantedBy: ['sockets.target']`. */
  readonly install?: InstallSection;
}

interface DropInCommon extends UnitCommon {
  /** The drop-in's file name under /etc/systemd/system/NAME.d/, without `.conf`: `10-limits`. */
  readonly dropIn: string;
  /** Not in a drop-in: systemd reads [Install] from the unit itself. */
  readonly install?: never;
}

/** A drop-in for a service: /etc/systemd/system/NAME.service.d/DROPIN.conf. */
export interface ServiceDropInProps extends DropInCommon {
  /** The service it overrides: `ssh.service`. */
  readonly name: `${string}.service`;
  /** [Service] settings to add or override. */
  readonly service?: ServiceSection;
}

/** A drop-in for a timer: /etc/systemd/system/NAME.timer.d/DROPIN.conf. */
export interface TimerDropInProps extends DropInCommon {
  /** The timer it overrides: `apt-daily.timer`. */
  readonly name: `${string}.timer`;
  /** [Timer] settings to add or override. */
  readonly timer?: TimerSection;
}

/** A drop-in for a socket: /etc/systemd/system/NAME.socket.d/DROPIN.conf. */
export interface SocketDropInProps extends DropInCommon {
  /** The socket it overrides. */
  readonly name: `${string}.socket`;
  /** [Socket] settings to add or override. */
  readonly socket?: SocketSection;
}

export type SystemdUnitResource = SystemdUnitProps & { readonly type: 'systemdUnit' };

/** Declares a systemd unit (or a drop-in), verified, loaded, and optionally enabled and running. */
export function systemdUnit(props: SystemdUnitProps): SystemdUnitResource {
  return { type: 'systemdUnit', ...props };
}

const KEYS = keysOf<SystemdUnitResource>({
  type: true,
  name: true,
  dropIn: true,
  unit: true,
  service: true,
  timer: true,
  socket: true,
  install: true,
  enabled: true,
  state: true,
  verify: true,
  ...COMMON_KEYS,
});

const UNIT_DIR = '/etc/systemd/system';
const KINDS = ['service', 'timer', 'socket'] as const;
type Kind = (typeof KINDS)[number];
const ENABLED: Readonly<Record<string, string>> = { true: 'enabled', false: 'disabled' };
const DROP_IN = /^[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]*$/;

export function compileSystemdUnit(resource: SystemdUnitResource): Step {
  const given = knownKeys(resource, KEYS, 'systemdUnit');
  const name = unitName(resource.name, 'systemdUnit.name');
  const kind = name.slice(name.lastIndexOf('.') + 1) as Kind;
  if (!(KINDS as readonly string[]).includes(kind))
    throw new ValidationError('systemdUnit.name', `must end in .service, .timer or .socket: ${name}`);
  // systemd-analyze verify reads FILE:NAME as a file to verify under another name.
  if (name.includes(':'))
    throw new ValidationError('systemdUnit.name', `must not contain ":" (systemd-analyze verify cannot read it): ${name}`);
  const dropIn =
    given.dropIn === undefined
      ? undefined
      : identifier(given.dropIn, `systemdUnit(${name}).dropIn`, DROP_IN, 'drop-in name (letters, digits, _ . @ + -)');
  const where = dropIn === undefined ? `systemdUnit(${name})` : `systemdUnit(${name}:${dropIn})`;
  if (dropIn?.endsWith('.conf')) throw new ValidationError(`${where}.dropIn`, 'is given without .conf (bosun adds it)');
  for (const other of KINDS.filter((k) => k !== kind)) {
    if (given[other] !== undefined)
      throw new ValidationError(`${where}.${other}`, `a .${kind} unit has no [${SECTIONS[other].header}] section`);
  }
  if (dropIn !== undefined && given.install !== undefined)
    throw new ValidationError(`${where}.install`, 'systemd ignores [Install] in a drop-in: set it in the unit');
  if (dropIn === undefined) requireWhole(kind, given, where);
  const template = /@\.[a-z]+$/.test(name);
  const enabled = given.enabled === undefined ? undefined : bool(given.enabled, `${where}.enabled`);
  const state = given.state === undefined ? undefined : oneOf(given.state, `${where}.state`, ['running', 'stopped'] as const);
  if (template && (enabled !== undefined || state !== undefined)) {
    throw new ValidationError(
      `${where}.${enabled === undefined ? 'state' : 'enabled'}`,
      `${name} is a template: enable or start an instance of it (a service step)`,
    );
  }
  // Enabling links a unit where its [Install] section says: without one, systemctl has nothing to do.
  if (dropIn === undefined && enabled !== undefined && given.install === undefined)
    throw new ValidationError(`${where}.install`, 'enabled needs an [Install] section saying what wants the unit (wantedBy)');
  const verify = given.verify === undefined || bool(given.verify, `${where}.verify`);
  const body = (['unit', kind, 'install'] as const)
    .map((section) => renderSection(section, given[section], `${where}.${section}`))
    .filter((s) => s.length > 0);
  const content = `# Managed by bosun.\n${body.map((section) => `${section.join('\n')}\n`).join('\n')}`;
  const dir = dropIn === undefined ? UNIT_DIR : `${UNIT_DIR}/${name}.d`;
  const path = dropIn === undefined ? `${UNIT_DIR}/${name}` : `${dir}/${dropIn}.conf`;
  const fileOk = sh`[ -f ${path} ] && [ ! -L ${path} ] && printf '%s' ${content} | cmp -s - ${path}`;
  // What systemd has loaded is this file: no change on disk it has not read (NeedDaemonReload misses a
  // drop-in directory made after the unit was loaded, so the loaded paths are compared too).
  const loadedPath =
    dropIn === undefined
      ? sh`[ "$(systemctl show --property=FragmentPath --value ${name})" = ${path} ]`
      : sh`case " $(systemctl show --property=DropInPaths --value ${name}) " in *${` ${path} `}*) ;; *) false ;; esac`;
  const loaded = sh`{ [ "$_bosun_init" != systemd ] || { [ "$(systemctl show --property=NeedDaemonReload --value ${name})" != yes ] && ${loadedPath}; }; }`;
  const wanted = stateTests(name, enabled, state);
  const label = [name, dropIn && `drop-in ${dropIn}`, enabled === undefined ? undefined : ENABLED[String(enabled)], state]
    .filter(Boolean)
    .join(' ');
  return {
    name: `systemdUnit ${label}`,
    resource: 'systemdUnit',
    ...commonFields(resource, where),
    check: lines(
      dropIn === undefined
        ? placeable(path)
        : lines(
            needs('dir', UNIT_DIR, `${UNIT_DIR} does not exist: is systemd installed?`),
            sh`if [ -e ${dir} ] && [ ! -d ${dir} ]; then _bosun_cannot ${`${dir} is not a directory`}; fi`,
          ),
      verify
        ? sh`command -v systemd-analyze >/dev/null 2>&1 || _bosun_cannot ${`systemd-analyze is not on this host: ${name} cannot be verified (verify: false writes it unverified)`}`
        : undefined,
      state === 'running'
        ? sh`[ "$_bosun_init" = systemd ] || _bosun_cannot ${`systemd is not running this host: ${name} cannot be started here`}`
        : undefined,
      sh`${fileOk} || exit 1`,
      attributesCheck(path, { mode: '644' }),
      sh`${loaded} || exit 1`,
      ...wanted.map(({ test }) => sh`${test} || exit 1`),
    ),
    makes: dropIn === undefined ? [path] : [dir, path],
    apply: lines(
      code('_bosun_wrote=0'),
      sh`if ! { ${fileOk}; }; then`,
      sh`(${writeVerified({ name, dropIn, content, dir, path, verify })}) || exit 1`,
      code('_bosun_wrote=1'),
      code('fi'),
      // A unit file whose mode was all that differed.
      sh`chmod 644 ${path} || exit 1`,
      sh`if [ "$_bosun_init" = systemd ] && { [ "$_bosun_wrote" = 1 ] || ! ${loaded}; }; then systemctl daemon-reload || exit 1; fi`,
      ...wanted.map(({ test, act }) => sh`${test} || ${act} || exit 1`),
    ),
    diff: { path, sensitive: false, desired: content, probe: currentContentProbe(path) },
  };
}

/** A whole unit needs its own section, with what makes it work: a command, a trigger, an address. */
function requireWhole(kind: Kind, given: Record<string, unknown>, where: string): void {
  const section = given[kind] as Record<string, unknown> | undefined;
  if (section === undefined)
    throw new ValidationError(`${where}.${kind}`, `a whole .${kind} unit needs its [${SECTIONS[kind].header}] section`);
  const extra = (section.extra ?? {}) as Record<string, unknown>;
  const has = (keys: readonly string[], raw: readonly string[]): boolean =>
    keys.some((k) => section[k] !== undefined) || raw.some((k) => extra[k] !== undefined);
  if (kind === 'service' && !has(['execStart'], ['ExecStart']) && section.type !== 'oneshot')
    throw new ValidationError(`${where}.service.execStart`, 'a service needs a command to start');
  if (kind === 'timer' && !has(['onCalendar', 'onBootSec', 'onStartupSec', 'onActiveSec', 'onUnitActiveSec', 'onUnitInactiveSec'], []))
    throw new ValidationError(`${where}.timer`, 'a timer needs a trigger: onCalendar, onBootSec, onActiveSec…');
  if (kind === 'socket' && !has(['listenStream', 'listenDatagram'], ['ListenSequentialPacket', 'ListenFIFO', 'ListenNetlink']))
    throw new ValidationError(`${where}.socket`, 'a socket needs something to listen on: listenStream or listenDatagram');
}

/** The read-only test and the action of each wanted state (systemctl, shared with the service resource). */
function stateTests(name: string, enabled: boolean | undefined, state: 'running' | 'stopped' | undefined): { test: Shell; act: Shell }[] {
  const out: { test: Shell; act: Shell }[] = [];
  // systemctl reads and makes the enable links offline too (an image in a chroot).
  if (enabled !== undefined)
    out.push({
      test: enabled ? systemctl.isEnabled(name) : sh`! ${systemctl.isEnabled(name)}`,
      act: systemctl.act(enabled ? 'enable' : 'disable', name),
    });
  // Nothing runs where systemd does not: a unit there is stopped.
  if (state === 'running') out.push({ test: systemctl.isActive(name), act: systemctl.act('start', name) });
  if (state === 'stopped')
    out.push({ test: sh`{ [ "$_bosun_init" != systemd ] || ! ${systemctl.isActive(name)}; }`, act: systemctl.act('stop', name) });
  return out;
}

/**
 * Writes the unit through a temp directory in /etc/systemd/system, where it has its own
 * name (systemd-analyze reads the unit's type from it), verifies it there, then renames it
 * into place: a refused or interrupted write leaves the old file as it was.
 */
function writeVerified(unit: {
  name: string;
  dropIn: string | undefined;
  content: string;
  dir: string;
  path: string;
  verify: boolean;
}): Shell {
  const { name, dropIn, content, dir, path } = unit;
  const staged = dropIn === undefined ? sh`"$_bosun_dir"/${name}` : sh`"$_bosun_dir"/${`${name}.d`}/${`${dropIn}.conf`}`;
  // A drop-in is verified with the unit it belongs to, found with the staged drop-in first on the search path.
  const analyze =
    dropIn === undefined
      ? sh`systemd-analyze verify --man=no ${staged}`
      : sh`SYSTEMD_UNIT_PATH="$_bosun_dir:" systemd-analyze verify --man=no ${name}`;
  return lines(
    sh`_bosun_dir=$(mktemp -d ${`${UNIT_DIR}/.bosun.XXXXXX`}) || exit 1`,
    code(`trap 'rm -rf "$_bosun_dir"' EXIT HUP INT TERM`),
    dropIn === undefined ? undefined : sh`mkdir "$_bosun_dir"/${`${name}.d`} || exit 1`,
    sh`printf '%s' ${content} >${staged} || exit 1`,
    sh`chmod 644 ${staged} || exit 1`,
    unit.verify
      ? lines(
          // Warnings about the staged file itself (an unknown setting, a bad value) refuse it too: systemd would ignore that line.
          sh`_bosun_said=$(${analyze} 2>&1); _bosun_rc=$?`,
          code(`[ -z "$_bosun_said" ] || printf '%s\\n' "$_bosun_said" >&2`),
          sh`if [ "$_bosun_rc" -ne 0 ] || printf '%s\\n' "$_bosun_said" | grep -qF "$_bosun_dir/"; then printf 'bosun: systemd-analyze verify refused %s\\n' ${name} >&2; exit 1; fi`,
        )
      : undefined,
    dropIn === undefined ? undefined : sh`[ -d ${dir} ] || mkdir ${dir} || exit 1`,
    sh`mv -f ${staged} ${path}`,
  );
}
