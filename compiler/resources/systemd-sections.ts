import { ValidationError } from '../errors.ts';
import { fileMode, type AbsolutePath, type FileMode, type KeySet, keysOf, knownKeys } from '../validate.ts';
import {
  type Command,
  commandLine,
  environmentAssignment,
  literalText,
  pathSetting,
  principalSetting,
  settingText,
  type TimeSpan,
  timeSpan,
  type UnitName,
  unitName,
  unitNames,
  wholeNumber,
  yesNo,
} from './systemd-syntax.ts';

/**
 * Settings typed fields do not cover, written as given (`Key=value`, one line each, a list
 * giving the key once per item): raw systemd syntax, so specifiers (`%i`) and `$VAR` work
 * here: `{ ExecStart: '/usr/bin/worker --queue %i' }` in a template unit. A key that is also
 * set by its typed field is refused.
 */
export type ExtraSettings = Readonly<Record<string, string | readonly string[]>>;

/** The [Unit] section: what the unit is and how it orders and depends on others (systemd.unit(5)). */
export interface UnitSection {
  /** A short human-readable title, shown by systemctl status. */
  readonly description?: string;
  /** URLs of its documentation (`https:`, `man:`, `file:`…). */
  readonly documentation?: readonly string[];
  /** Start after these units when both start (ordering only). */
  readonly after?: readonly UnitName[];
  /** Start before these units when both start. */
  readonly before?: readonly UnitName[];
  /** Start these too (a weak dependency: their failure does not matter). */
  readonly wants?: readonly UnitName[];
  /** Start these too, and fail when they fail to start. */
  readonly requires?: readonly UnitName[];
  /** As requires, and also stop when they stop. */
  readonly bindsTo?: readonly UnitName[];
  /** Stopped and restarted with these units. */
  readonly partOf?: readonly UnitName[];
  /** Never runs at the same time as these. */
  readonly conflicts?: readonly UnitName[];
  /** Units started when this one fails. */
  readonly onFailure?: readonly UnitName[];
  /** The window for startLimitBurst (default 10 s). */
  readonly startLimitIntervalSec?: TimeSpan;
  /** Starts allowed within startLimitIntervalSec before systemd gives up (default 5). */
  readonly startLimitBurst?: number;
  /** Other [Unit] settings, written as given (see ExtraSettings). */
  readonly extra?: ExtraSettings;
}

/** The [Service] section (systemd.service(5), systemd.exec(5)). */
export interface ServiceSection {
  /** How systemd tells the service has started: `simple` (default), `exec`, `forking`, `oneshot`, `notify`, `dbus`, `idle`. */
  readonly type?: 'simple' | 'exec' | 'forking' | 'oneshot' | 'notify' | 'dbus' | 'idle';
  /** The program and its arguments; each argument reaches it byte for byte (no `%` specifiers, no `$` expansion). */
  readonly execStart?: Command;
  /** Commands run before execStart, in order. */
  readonly execStartPre?: readonly Command[];
  /** Commands run after execStart has started. */
  readonly execStartPost?: readonly Command[];
  /** Commands that make the service reload its configuration (`systemctl reload`). */
  readonly execReload?: readonly Command[];
  /** Commands that stop the service (default: a signal). */
  readonly execStop?: readonly Command[];
  /** Commands run after the service stopped. */
  readonly execStopPost?: readonly Command[];
  /** When systemd restarts it after it exits: `no` (default), `always`, `on-failure`… */
  readonly restart?: 'no' | 'always' | 'on-success' | 'on-failure' | 'on-abnormal' | 'on-abort' | 'on-watchdog';
  /** How long to wait before a restart (default 100 ms). */
  readonly restartSec?: TimeSpan;
  /** How long starting may take before it counts as failed. */
  readonly timeoutStartSec?: TimeSpan;
  /** How long stopping may take before it is killed. */
  readonly timeoutStopSec?: TimeSpan;
  /** For `oneshot`: the service counts as active once its command has exited. */
  readonly remainAfterExit?: boolean;
  /** The PID file of a `forking` service. */
  readonly pidFile?: AbsolutePath;
  /** The user the commands run as (name or uid; default root). */
  readonly user?: string;
  /** The group they run as (default the user's). */
  readonly group?: string;
  /** The commands' working directory. */
  readonly workingDirectory?: AbsolutePath;
  /** Environment variables, each value byte for byte. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Files of VAR=value lines read into the environment. */
  readonly environmentFile?: readonly AbsolutePath[];
  /** The file mode creation mask, e.g. `"0027"`. */
  readonly umask?: FileMode;
  /** The most open files a process may have: a number or `infinity`. */
  readonly limitNOFILE?: number | 'infinity';
  /** Which processes a stop kills: `control-group` (default), `mixed`, `process`, `none`. */
  readonly killMode?: 'control-group' | 'mixed' | 'process' | 'none';
  /** Where stdout goes: `journal` (default), `null`, `inherit`, `kmsg`, `journal+console`, or a file: `append:/var/log/app.log`. */
  readonly standardOutput?: OutputTarget;
  /** Where stderr goes: as standardOutput (default `inherit`, the same place). */
  readonly standardError?: OutputTarget;
  /** The name the journal gives its lines (default the program's name). */
  readonly syslogIdentifier?: string;
  /** Other [Service] settings, written as given (see ExtraSettings). */
  readonly extra?: ExtraSettings;
}

/** Where a service's output goes. */
export type OutputTarget =
  | 'inherit'
  | 'null'
  | 'tty'
  | 'journal'
  | 'kmsg'
  | 'journal+console'
  | 'kmsg+console'
  | `file:${AbsolutePath}`
  | `append:${AbsolutePath}`
  | `truncate:${AbsolutePath}`;

/** The [Timer] section (systemd.timer(5)): at least one of the `on…` triggers. */
export interface TimerSection {
  /** Calendar events, e.g. `daily`, `Mon *-*-* 04:00:00` (check one with `systemd-analyze calendar`). */
  readonly onCalendar?: string | readonly string[];
  /** Fire this long after boot. */
  readonly onBootSec?: TimeSpan;
  /** Fire this long after systemd started (for user managers, the login). */
  readonly onStartupSec?: TimeSpan;
  /** Fire this long after the timer itself was started. */
  readonly onActiveSec?: TimeSpan;
  /** Fire this long after the unit it starts was last started. */
  readonly onUnitActiveSec?: TimeSpan;
  /** Fire this long after the unit it starts last stopped. */
  readonly onUnitInactiveSec?: TimeSpan;
  /** Catch up on a calendar event missed while the machine was off. */
  readonly persistent?: boolean;
  /** A random delay up to this long, to spread many machines' runs. */
  readonly randomizedDelaySec?: TimeSpan;
  /** How late the timer may fire (default 1 min), so wake-ups can be grouped. */
  readonly accuracySec?: TimeSpan;
  /** The unit it starts (default: the same name with `.service`). */
  readonly unit?: UnitName;
  /** Other [Timer] settings, written as given (see ExtraSettings). */
  readonly extra?: ExtraSettings;
}

/** A socket address: a port, `address:port`, `[v6]:port`, a path or an abstract `@name`. */
export type ListenAddress = number | string;

/** The [Socket] section (systemd.socket(5)): at least one `listen…`. */
export interface SocketSection {
  /** Stream (TCP or Unix stream) sockets to listen on. */
  readonly listenStream?: readonly ListenAddress[];
  /** Datagram (UDP or Unix datagram) sockets to listen on. */
  readonly listenDatagram?: readonly ListenAddress[];
  /** One service instance per connection (default false: one service gets the listening socket). */
  readonly accept?: boolean;
  /** Owner of a Unix socket file. */
  readonly socketUser?: string;
  /** Group of a Unix socket file. */
  readonly socketGroup?: string;
  /** Mode of a Unix socket file, e.g. `"0660"`. */
  readonly socketMode?: FileMode;
  /** The service it activates (default: the same name with `.service`). */
  readonly service?: UnitName;
  /** Other [Socket] settings, written as given (see ExtraSettings). */
  readonly extra?: ExtraSettings;
}

/** The [Install] section (systemd.unit(5)): what `enabled` links the unit into. */
export interface InstallSection {
  /** Targets or units that want this one when it is enabled: usually `multi-user.target` (a service) or `timers.target` (a timer). */
  readonly wantedBy?: readonly UnitName[];
  /** Units that require this one when it is enabled. */
  readonly requiredBy?: readonly UnitName[];
  /** Other names the unit gets when enabled. */
  readonly alias?: readonly UnitName[];
  /** Units enabled and disabled with this one. */
  readonly also?: readonly UnitName[];
  /** Other [Install] settings, written as given (see ExtraSettings). */
  readonly extra?: ExtraSettings;
}

/** How one typed field becomes `Key=value` lines. */
type Render = (value: unknown, field: string) => string[];
type Table<T> = { readonly [K in keyof Required<Omit<T, 'extra'>>]: readonly [string, Render] };

const one =
  (render: (value: unknown, field: string) => string): Render =>
  (value, field) => [render(value, field)];
const each =
  (render: (value: unknown, field: string) => string): Render =>
  (value, field) =>
    list(value, field).map((item, index) => render(item, `${field}[${index}]`));
const names: Render = (value, field) => [unitNames(list(value, field), field)];
const commands: Render = each(commandLine);
const oneOf =
  (allowed: readonly string[]): Render =>
  (value, field) => {
    if (typeof value !== 'string' || !allowed.includes(value)) {
      throw new ValidationError(field, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    }
    return [value];
  };

function list(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new ValidationError(field, 'must be a list');
  return value;
}

const UNIT: Table<UnitSection> = {
  description: ['Description', one(literalText)],
  documentation: [
    'Documentation',
    each((value, field) => {
      const url = settingText(value, field);
      if (/[\s"'\\%]/.test(url))
        throw new ValidationError(field, `must be a URL without blanks, quotes, backslashes or %: ${JSON.stringify(url)}`);
      return url;
    }),
  ],
  after: ['After', names],
  before: ['Before', names],
  wants: ['Wants', names],
  requires: ['Requires', names],
  bindsTo: ['BindsTo', names],
  partOf: ['PartOf', names],
  conflicts: ['Conflicts', names],
  onFailure: ['OnFailure', names],
  startLimitIntervalSec: ['StartLimitIntervalSec', one(timeSpan)],
  startLimitBurst: ['StartLimitBurst', one(wholeNumber)],
};

const OUTPUT = /^(inherit|null|tty|journal|kmsg|journal\+console|kmsg\+console|(file|append|truncate):\/.*)$/;
const output: Render = (value, field) => {
  const target = settingText(value, field);
  if (!OUTPUT.test(target)) throw new ValidationError(field, `is not an output (journal, null, append:/path…): ${JSON.stringify(target)}`);
  const colon = target.indexOf(':');
  return [colon < 0 ? target : `${target.slice(0, colon + 1)}${pathSetting(target.slice(colon + 1), field)}`];
};

const SERVICE: Table<ServiceSection> = {
  type: ['Type', oneOf(['simple', 'exec', 'forking', 'oneshot', 'notify', 'dbus', 'idle'])],
  execStart: ['ExecStart', one(commandLine)],
  execStartPre: ['ExecStartPre', commands],
  execStartPost: ['ExecStartPost', commands],
  execReload: ['ExecReload', commands],
  execStop: ['ExecStop', commands],
  execStopPost: ['ExecStopPost', commands],
  restart: ['Restart', oneOf(['no', 'always', 'on-success', 'on-failure', 'on-abnormal', 'on-abort', 'on-watchdog'])],
  restartSec: ['RestartSec', one(timeSpan)],
  timeoutStartSec: ['TimeoutStartSec', one(timeSpan)],
  timeoutStopSec: ['TimeoutStopSec', one(timeSpan)],
  remainAfterExit: ['RemainAfterExit', one(yesNo)],
  pidFile: ['PIDFile', one(pathSetting)],
  user: ['User', one(principalSetting)],
  group: ['Group', one(principalSetting)],
  workingDirectory: ['WorkingDirectory', one(pathSetting)],
  environment: [
    'Environment',
    (value, field) =>
      Object.entries(knownKeys(value, Object.keys((value ?? {}) as object), field)).map(([name, v]) =>
        environmentAssignment(name, v, `${field}.${name}`),
      ),
  ],
  environmentFile: ['EnvironmentFile', each(pathSetting)],
  umask: ['UMask', one((value, field) => fileMode(value, field).padStart(4, '0'))],
  limitNOFILE: ['LimitNOFILE', one((value, field) => (value === 'infinity' ? 'infinity' : wholeNumber(value, field)))],
  killMode: ['KillMode', oneOf(['control-group', 'mixed', 'process', 'none'])],
  standardOutput: ['StandardOutput', output],
  standardError: ['StandardError', output],
  syslogIdentifier: ['SyslogIdentifier', one(literalText)],
};

const calendar: Render = (value, field) =>
  (Array.isArray(value) ? value : [value]).map((event, index) => literalText(event, Array.isArray(value) ? `${field}[${index}]` : field));

const TIMER: Table<TimerSection> = {
  onCalendar: ['OnCalendar', calendar],
  onBootSec: ['OnBootSec', one(timeSpan)],
  onStartupSec: ['OnStartupSec', one(timeSpan)],
  onActiveSec: ['OnActiveSec', one(timeSpan)],
  onUnitActiveSec: ['OnUnitActiveSec', one(timeSpan)],
  onUnitInactiveSec: ['OnUnitInactiveSec', one(timeSpan)],
  persistent: ['Persistent', one(yesNo)],
  randomizedDelaySec: ['RandomizedDelaySec', one(timeSpan)],
  accuracySec: ['AccuracySec', one(timeSpan)],
  unit: ['Unit', one(unitName)],
};

const ADDRESS = /^(\d+|[A-Za-z0-9.-]+:\d+|\[[0-9A-Fa-f:.]+\]:\d+|\/[^\s%]*|@[^\s%]+)$/;
const address = (value: unknown, field: string): string => {
  const given = typeof value === 'number' ? String(value) : settingText(value, field);
  if (!ADDRESS.test(given))
    throw new ValidationError(field, `is not a socket address (a port, host:port, [v6]:port, /path or @name): ${JSON.stringify(given)}`);
  const port = /(\d+)$/.exec(given)?.[1];
  if (!given.startsWith('/') && !given.startsWith('@') && port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    throw new ValidationError(field, `has a port outside 1-65535: ${given}`);
  }
  return given;
};

const SOCKET: Table<SocketSection> = {
  listenStream: ['ListenStream', each(address)],
  listenDatagram: ['ListenDatagram', each(address)],
  accept: ['Accept', one(yesNo)],
  socketUser: ['SocketUser', one(principalSetting)],
  socketGroup: ['SocketGroup', one(principalSetting)],
  socketMode: ['SocketMode', one((value, field) => fileMode(value, field).padStart(4, '0'))],
  service: ['Service', one(unitName)],
};

const INSTALL: Table<InstallSection> = {
  wantedBy: ['WantedBy', names],
  requiredBy: ['RequiredBy', names],
  alias: ['Alias', names],
  also: ['Also', names],
};

/** Each section: its header, its typed fields, and the keys a caller may give. */
export const SECTIONS = {
  unit: { header: 'Unit', table: UNIT as Table<unknown>, keys: keysOf<UnitSection>({ ...keySet(UNIT), extra: true }) },
  service: { header: 'Service', table: SERVICE as Table<unknown>, keys: keysOf<ServiceSection>({ ...keySet(SERVICE), extra: true }) },
  timer: { header: 'Timer', table: TIMER as Table<unknown>, keys: keysOf<TimerSection>({ ...keySet(TIMER), extra: true }) },
  socket: { header: 'Socket', table: SOCKET as Table<unknown>, keys: keysOf<SocketSection>({ ...keySet(SOCKET), extra: true }) },
  install: { header: 'Install', table: INSTALL as Table<unknown>, keys: keysOf<InstallSection>({ ...keySet(INSTALL), extra: true }) },
} as const;

export type SectionName = keyof typeof SECTIONS;

/** The keys of a table, as a KeySet without `extra`: the type checks the table covers every field. */
function keySet<T>(table: Table<T>): KeySet<Omit<T, 'extra'>> {
  return Object.fromEntries(Object.keys(table).map((key) => [key, true])) as KeySet<Omit<T, 'extra'>>;
}

/** A section's lines (`[Service]` then `Key=value`), or nothing when it sets nothing. */
export function renderSection(section: SectionName, given: unknown, field: string): string[] {
  if (given === undefined) return [];
  const { header, table, keys } = SECTIONS[section];
  const record = knownKeys(given, keys, field);
  const typed = table as unknown as Record<string, readonly [string, Render]>;
  const out: string[] = [];
  for (const [key, [directive, render]] of Object.entries(typed)) {
    if (record[key] === undefined) continue;
    for (const value of render(record[key], `${field}.${key}`)) out.push(`${directive}=${value}`);
  }
  if (record.extra !== undefined) {
    const typedDirectives = new Map(Object.entries(typed).map(([key, [directive]]) => [directive, key]));
    const extra = knownKeys(record.extra, Object.keys(record.extra as object), `${field}.extra`);
    for (const [key, value] of Object.entries(extra)) {
      const at = `${field}.extra.${key}`;
      if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(key)) throw new ValidationError(at, 'is not a setting name (letters, digits and -)');
      const typedKey = typedDirectives.get(key);
      if (typedKey !== undefined && record[typedKey] !== undefined)
        throw new ValidationError(at, `is also set by ${field}.${typedKey}: give one`);
      const values = Array.isArray(value) ? value : [value];
      for (const [index, item] of values.entries()) out.push(`${key}=${settingText(item, Array.isArray(value) ? `${at}[${index}]` : at)}`);
    }
  }
  return out.length === 0 ? [] : [`[${header}]`, ...out];
}
