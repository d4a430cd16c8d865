// A role imports only bosun's public surface, as a role in a user's repository does ('bosun').
import {
  absolutePath,
  bool,
  type AbsolutePath,
  type Command,
  command,
  file,
  fileMode,
  type FileMode,
  handler,
  keysOf,
  knownKeys,
  oneLine,
  oneOf,
  type Resource,
  type Role,
  service,
  systemdUnit,
  text,
  type UnitName,
  ValidationError,
  wholeNumber,
} from '../../index.ts';
import { type CheckedService, upstartJob } from './upstart-job.ts';

export { upstartJob } from './upstart-job.ts';

/**
 * One service, described once, written as a systemd unit (/etc/systemd/system/NAME.service)
 * or an upstart job (/etc/init/NAME.conf). Which one is chosen on each host when the script
 * runs there, by the init system it finds (`init: 'auto'`), or forced by `init`.
 */
export interface ServiceUnitProps {
  /** The service's name: `blot` gives blot.service or /etc/init/blot.conf. Letters, digits, `_`, `.`, `-`. */
  readonly name: string;
  /** A one-line description (systemd Description=, upstart `description`). Default: the name. */
  readonly description?: string;
  /** The program and its arguments, as words; the program is an absolute path. */
  readonly command: Command;
  /** Run as this user (systemd User=, upstart `setuid`). Default root. */
  readonly user?: string;
  /** Run as this group (systemd Group=, upstart `setgid`). Default the user's own group. */
  readonly group?: string;
  /** The working directory (systemd WorkingDirectory=, upstart `chdir`). */
  readonly workingDirectory?: AbsolutePath;
  /**
   * A file of KEY=value lines read into the environment before the command starts (systemd
   * EnvironmentFile=; upstart sources it with `set -a` in the job's script, so it must also
   * read as POSIX sh: no blanks around `=`, values with blanks quoted).
   */
  readonly environmentFile?: AbsolutePath;
  /** Environment variables, each value as given (no `$` expansion). */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Services this one needs, by their names (`redis`): started before it, and it stops when they
   * stop (systemd Requires= and After=; upstart `start on started redis`, `stop on stopping redis`).
   * The Blot stack orders redis → app → nginx this way.
   */
  readonly requires?: readonly string[];
  /** Services only started before it when both start, without depending on them (systemd After=). Not in upstart jobs. */
  readonly after?: readonly string[];
  /**
   * When it is started again after it exits: `always` (default, as upstart's `respawn`, which the
   * reference relies on to recover from crashes), `on-failure`, or `no`.
   */
  readonly restart?: 'always' | 'on-failure' | 'no';
  /**
   * Give up restarting after `count` restarts within `seconds` (systemd StartLimitBurst= and
   * StartLimitIntervalSec=, upstart `respawn limit COUNT INTERVAL`). Default: each init's own (5 in 10 s, 10 in 5 s).
   */
  readonly restartLimit?: { readonly count: number; readonly seconds: number };
  /** The most open files each process may have (systemd LimitNOFILE=, upstart `limit nofile N N`). */
  readonly openFiles?: number;
  /** The file mode creation mask, e.g. `"0027"` (systemd UMask=, upstart `umask`). */
  readonly umask?: FileMode;
  /**
   * A program that puts itself in the background (redis with `daemonize yes`): how it forks.
   * `fork` (forks once) or `daemon` (forks twice), upstart's `expect fork` and `expect daemon`;
   * systemd runs either as Type=forking, with `pidFile` when given. Unset: the command stays in
   * the foreground, which both init systems prefer.
   */
  readonly forks?: { readonly expect: 'fork' | 'daemon'; readonly pidFile?: AbsolutePath };
  /** Commands run, in order, before the command starts; one that fails stops the start (systemd ExecStartPre=, upstart `pre-start script`). */
  readonly preStart?: readonly Command[];
  /** Started at boot (default true). A disabled upstart job gets the `manual` stanza. */
  readonly enabled?: boolean;
  /**
   * Running now (default) or stopped; `unmanaged` leaves it as it is (an image built in a chroot,
   * where nothing runs).
   */
  readonly state?: 'running' | 'stopped' | 'unmanaged';
  /**
   * Which init system's file to write: `auto` (default) decides on each host, at run time:
   * an upstart job where upstart runs the host, a systemd unit everywhere else (a chroot
   * included). `systemd` or `upstart` writes that one only.
   */
  readonly init?: 'auto' | 'systemd' | 'upstart';
  /** Options of the upstart job only. */
  readonly upstart?: UpstartOptions;
}

/** What only an upstart job needs. */
export interface UpstartOptions {
  /**
   * Switch user with upstart's `setuid`/`setgid` stanzas (default true). Upstart before 1.4 (Amazon
   * Linux's 0.6.5) has neither: `false` runs the command through `sudo -u USER` instead, which
   * needs `Defaults requiretty` commented out of /etc/sudoers, as the reference does.
   */
  readonly setuid?: boolean;
  /** Where the job's output goes (upstart `console`): `log` (default, /var/log/upstart/NAME.log) or `none`. Upstart before 1.4 has only `none`/`output`. */
  readonly console?: 'log' | 'none' | 'output';
  /** Events that start a job that requires nothing (default `runlevel [2345]`). */
  readonly startOn?: string;
  /** Events that stop a job that requires nothing (default `runlevel [!2345]`). */
  readonly stopOn?: string;
}

const KEYS = keysOf<ServiceUnitProps>({
  name: true,
  description: true,
  command: true,
  user: true,
  group: true,
  workingDirectory: true,
  environmentFile: true,
  environment: true,
  requires: true,
  after: true,
  restart: true,
  restartLimit: true,
  openFiles: true,
  umask: true,
  forks: true,
  preStart: true,
  enabled: true,
  state: true,
  init: true,
  upstart: true,
});
const UPSTART_KEYS = keysOf<UpstartOptions>({ setuid: true, console: true, startOn: true, stopOn: true });
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const PRINCIPAL = /^([a-z_][a-z0-9_.-]{0,31}|[0-9]+)$/i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A long-running service from one typed description: a systemd unit or an upstart job, chosen on
 * each host by the init system running it (or forced by `init`), enabled at boot, running, and
 * restarted when its file changes. Other roles restart it by notifying `restart NAME`.
 */
export function serviceUnit(props: ServiceUnitProps): Role {
  const checked = check(props);
  const { name } = checked;
  const init = oneOf(props.init ?? 'auto', `${checked.where}.init`, ['auto', 'systemd', 'upstart'] as const);
  const state = oneOf(props.state ?? 'running', `${checked.where}.state`, ['running', 'stopped', 'unmanaged'] as const);
  const restartHandler = `restart ${name}`;
  const notify = state === 'running' ? [restartHandler] : [];
  const resources: Resource[] = [];
  if (init !== 'upstart') {
    // In auto mode a host without upstart gets the unit, a chroot included (an image being built).
    const onInit = init === 'auto' ? ({ onInit: ['systemd', 'sysv'] } as const) : {};
    resources.push(systemdUnit({ ...systemdProps(checked), enabled: checked.enabled, notify, ...onInit }));
    if (state !== 'unmanaged')
      resources.push(service({ name: `${name}.service`, state, ...(init === 'auto' ? { onInit: ['systemd'] } : {}) }));
  }
  if (init !== 'systemd') {
    const onInit = init === 'auto' ? ({ onInit: ['upstart'] } as const) : {};
    resources.push(
      file({ path: `/etc/init/${name}.conf`, content: upstartJob(checked), mode: '0644', owner: 'root', group: 'root', notify, ...onInit }),
    );
    if (state !== 'unmanaged') resources.push(upstartState(name, state, onInit));
  }
  return {
    name: `service-unit ${name}`,
    tags: ['service-unit', name],
    resources,
    handlers: state === 'running' ? [handler(restartHandler, restart(name))] : [],
  };
}

/** The [Unit], [Service] and [Install] sections of the systemd rendering. */
function systemdProps(service: CheckedService) {
  const units = (names: readonly string[]): UnitName[] => names.map((each) => `${each}.service` as UnitName);
  const requires = service.requires ?? [];
  const ordering = [...requires, ...(service.after ?? [])];
  return {
    name: `${service.name}.service` as const,
    unit: {
      description: service.description ?? service.name,
      ...(requires.length > 0 ? { requires: units(requires) } : {}),
      ...(ordering.length > 0 ? { after: units(ordering) } : {}),
      ...(service.restartLimit === undefined
        ? {}
        : { startLimitBurst: service.restartLimit.count, startLimitIntervalSec: service.restartLimit.seconds }),
    },
    service: {
      ...(service.forks === undefined
        ? {}
        : { type: 'forking' as const, ...(service.forks.pidFile ? { pidFile: service.forks.pidFile } : {}) }),
      execStart: service.command,
      ...(service.preStart === undefined || service.preStart.length === 0 ? {} : { execStartPre: service.preStart }),
      restart: service.restart ?? 'always',
      ...(service.user === undefined ? {} : { user: service.user }),
      ...(service.group === undefined ? {} : { group: service.group }),
      ...(service.workingDirectory === undefined ? {} : { workingDirectory: service.workingDirectory }),
      ...(service.environmentFile === undefined ? {} : { environmentFile: [service.environmentFile] }),
      ...(service.environment === undefined ? {} : { environment: service.environment }),
      ...(service.umask === undefined ? {} : { umask: service.umask }),
      ...(service.openFiles === undefined ? {} : { limitNOFILE: service.openFiles }),
    },
    install: { wantedBy: ['multi-user.target' as const] },
  };
}

/** An upstart job started or stopped with initctl, checked read-only with `initctl status` (`blot start/running, process 42`). */
function upstartState(
  name: string,
  state: 'running' | 'stopped',
  onInit: { readonly onInit?: readonly ('upstart' | 'systemd' | 'sysv')[] },
): Resource {
  const running = 'initctl status "$1" 2>/dev/null | grep -q " start/"';
  return command({
    name: `upstart job ${name} ${state}`,
    argv: ['initctl', state === 'running' ? 'start' : 'stop', name],
    unless: { argv: ['sh', '-c', state === 'running' ? running : `! ${running}`, 'sh', name] },
    ...onInit,
  });
}

/**
 * The `restart NAME` handler: `systemctl restart` under systemd, `service NAME restart` elsewhere,
 * which Ubuntu's upstart hosts map to `stop` then `start` (upstart's own `restart` would keep the
 * job as it was loaded, not read its new file).
 */
function restart(name: string): Resource {
  return service({ name, state: 'restarted' });
}

/** Every field checked at run time (values from YAML or plain JavaScript), errors naming it. */
function check(props: ServiceUnitProps): CheckedService {
  knownKeys(props, KEYS, 'serviceUnit');
  const name = matching(props.name, 'serviceUnit.name', NAME, 'service name (letters, digits, _ . -)');
  const where = `serviceUnit(${name})`;
  if (props.upstart !== undefined) knownKeys(props.upstart, UPSTART_KEYS, `${where}.upstart`);
  const list = <T>(value: readonly T[] | undefined, field: string): readonly T[] | undefined => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) throw new ValidationError(`${where}.${field}`, 'must be a list');
    return value;
  };
  const commandOf = (value: unknown, field: string): Command => {
    if (!Array.isArray(value) || value.length === 0) throw new ValidationError(field, 'must list the program and its arguments');
    for (const [i, word] of value.entries()) text(word, `${field}[${i}]`);
    absolutePath(value[0], `${field}[0]`);
    return value as unknown as Command;
  };
  const environment = props.environment;
  if (environment !== undefined) {
    for (const [key, value] of Object.entries(environment)) {
      if (!ENV_NAME.test(key)) throw new ValidationError(`${where}.environment.${key}`, 'is not a valid environment variable name');
      oneLine(value, `${where}.environment.${key}`);
    }
  }
  if (props.forks !== undefined) {
    knownKeys(props.forks, ['expect', 'pidFile'], `${where}.forks`);
    oneOf(props.forks.expect, `${where}.forks.expect`, ['fork', 'daemon'] as const);
    if (props.forks.pidFile !== undefined) absolutePath(props.forks.pidFile, `${where}.forks.pidFile`);
  }
  if (props.restartLimit !== undefined) {
    knownKeys(props.restartLimit, ['count', 'seconds'], `${where}.restartLimit`);
    wholeNumber(props.restartLimit.count, `${where}.restartLimit.count`);
    wholeNumber(props.restartLimit.seconds, `${where}.restartLimit.seconds`);
  }
  if (props.upstart?.setuid !== undefined) bool(props.upstart.setuid, `${where}.upstart.setuid`);
  if (props.upstart?.console !== undefined) oneOf(props.upstart.console, `${where}.upstart.console`, ['log', 'none', 'output'] as const);
  return {
    ...props,
    name,
    where,
    enabled: bool(props.enabled ?? true, `${where}.enabled`),
    ...(props.description === undefined ? {} : { description: oneLine(props.description, `${where}.description`) }),
    command: commandOf(props.command, `${where}.command`),
    ...(props.user === undefined ? {} : { user: matching(props.user, `${where}.user`, PRINCIPAL, 'user name') }),
    ...(props.group === undefined ? {} : { group: matching(props.group, `${where}.group`, PRINCIPAL, 'group name') }),
    ...(props.workingDirectory === undefined
      ? {}
      : { workingDirectory: absolutePath(props.workingDirectory, `${where}.workingDirectory`) }),
    ...(props.environmentFile === undefined ? {} : { environmentFile: absolutePath(props.environmentFile, `${where}.environmentFile`) }),
    requires: list(props.requires, 'requires')?.map((each, i) => matching(each, `${where}.requires[${i}]`, NAME, 'service name')),
    after: list(props.after, 'after')?.map((each, i) => matching(each, `${where}.after[${i}]`, NAME, 'service name')),
    ...(props.restart === undefined ? {} : { restart: oneOf(props.restart, `${where}.restart`, ['always', 'on-failure', 'no'] as const) }),
    ...(props.openFiles === undefined ? {} : { openFiles: wholeNumber(props.openFiles, `${where}.openFiles`) }),
    ...(props.umask === undefined ? {} : { umask: fileMode(props.umask, `${where}.umask`).padStart(4, '0') as ServiceUnitProps['umask'] }),
    preStart: list(props.preStart, 'preStart')?.map((each, i) => commandOf(each, `${where}.preStart[${i}]`)),
  };
}

function matching(value: unknown, field: string, pattern: RegExp, what: string): string {
  const checked = oneLine(value, field);
  if (!pattern.test(checked)) throw new ValidationError(field, `is not a valid ${what}: ${JSON.stringify(checked)}`);
  return checked;
}
