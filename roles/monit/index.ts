// A role imports only bosun's public surface, as a role in a user's repository does ('bosun').
import {
  type AbsolutePath,
  absolutePath,
  bool,
  file,
  handler,
  keysOf,
  knownKeys,
  line,
  oneLine,
  oneOf,
  packages,
  type Role,
  service,
  ValidationError,
  wholeNumber,
} from '../../index.ts';

/**
 * monit watching processes and answering their hangs: Debian's package, its control file
 * /etc/monit/monitrc owned by root with mode 0700 (monit refuses a control file others can
 * read), checked by `monit -t` before it replaces the old one and reloaded when it changes,
 * and the /etc/hosts line that lets checks reach `localhost`. Debian's service reads
 * /etc/monit/monitrc; the reference's /etc/monit.rc is where other distributions keep it.
 */
export interface MonitProps {
  /** The processes monit watches, in order. */
  readonly checks: readonly MonitCheck[];
  /** Seconds between two cycles (`set daemon`). Default 30: a hung app is noticed within a minute. */
  readonly cycleSeconds?: number;
  /** monit's own log file (`set log`): a file of its own, as monit truncates it at times. Default /var/log/monit.log. */
  readonly logFile?: AbsolutePath;
  /**
   * Where the `monit` command reaches the daemon (status, summary): a unix socket (default
   * /run/monit.sock, nothing listens on the network), or a TCP port on 127.0.0.1 only.
   */
  readonly httpd?: { readonly unixSocket: AbsolutePath; readonly port?: never } | { readonly port: number; readonly unixSocket?: never };
  /** Keep Debian's includes of /etc/monit/conf.d and /etc/monit/conf-enabled (checks other packages ship). Default true. */
  readonly includePackageChecks?: boolean;
  /** Ensure the `127.0.0.1 localhost` line of /etc/hosts, as the reference adds for monit's HTTP checks. Default true. */
  readonly localhostLine?: boolean;
  /** Refresh package lists before installing monit. Default false. */
  readonly updateCache?: boolean;
}

/** One `check process`: which process, how to start and stop it, and what makes monit act. */
export type MonitCheck = MonitCheckCommon & MonitProcessMatch;

/** What every process check has. */
export interface MonitCheckCommon {
  /** The check's name (`check process NAME`): letters, digits, `.`, `_`, `-`. */
  readonly name: string;
  /** How monit starts the process (`start program`). */
  readonly start?: MonitProgram;
  /** How monit stops the process (`stop program`). */
  readonly stop?: MonitProgram;
  /** HTTP requests the process must answer; a failure restarts it (`if failed … protocol http … then restart`). */
  readonly http?: readonly MonitHttpTest[];
  /** Give up after restarting this often (`if N restarts within M cycles then …`). */
  readonly restartLimit?: MonitRestartLimit;
  /** Checks this one depends on (`depends on`): monit starts them first. */
  readonly dependsOn?: readonly string[];
}

/** How monit finds the process: its pid file, or a pattern matched against command lines. */
export type MonitProcessMatch =
  | {
      /** The process's pid file (`with pidfile`). */
      readonly pidfile: AbsolutePath;
      readonly matching?: never;
    }
  | {
      /** A regular expression matched against process command lines (`matching`), when there is no pid file. */
      readonly matching: string;
      readonly pidfile?: never;
    };

/** A program monit runs: a command line it splits on spaces itself (no shell: use `/bin/sh -c '…'` for one). */
export interface MonitProgram {
  /** The command line, e.g. `/bin/systemctl start blot`. No double quote (monit's strings have no escapes). */
  readonly command: string;
  /** Run as this user (`as uid`). Default: root. */
  readonly uid?: string;
  /** Run as this group (`and gid`). */
  readonly gid?: string;
  /** How long monit waits for the program (`with timeout N seconds`). Default: monit's own (30 s). */
  readonly timeoutSeconds?: number;
}

/** An HTTP request monit makes every cycle; the check fails when it gets no (or a wrong) answer. */
export interface MonitHttpTest {
  /** Host to connect to. Default 127.0.0.1 (the reference: nginx's upstream `localhost` failed without DNS). */
  readonly host?: string;
  /** TCP port. */
  readonly port: number;
  /** Path requested. Default `/`. */
  readonly request?: `/${string}`;
  /** HTTP status wanted. Default: any status below 400. */
  readonly status?: number;
  /** Seconds to wait for an answer. Default 10. */
  readonly timeoutSeconds?: number;
  /** Fail only after this many failed cycles in a row (`for N cycles`). Default 1. */
  readonly cycles?: number;
  /** What to do on failure. Default restart. */
  readonly action?: 'restart' | 'alert';
}

/** `if RESTARTS restarts within CYCLES cycles then ACTION`. */
export interface MonitRestartLimit {
  /** Restarts counted. */
  readonly restarts: number;
  /** Within this many cycles. */
  readonly cycles: number;
  /** What to do then. Default unmonitor (stop trying, say so in the log). */
  readonly action?: 'unmonitor' | 'alert' | 'stop';
}

const PROPS_KEYS = keysOf<MonitProps>({
  checks: true,
  cycleSeconds: true,
  logFile: true,
  httpd: true,
  includePackageChecks: true,
  localhostLine: true,
  updateCache: true,
});
const CHECK_KEYS = keysOf<MonitCheck>({
  name: true,
  pidfile: true,
  matching: true,
  start: true,
  stop: true,
  http: true,
  restartLimit: true,
  dependsOn: true,
});
const PROGRAM_KEYS = keysOf<MonitProgram>({ command: true, uid: true, gid: true, timeoutSeconds: true });
const HTTP_KEYS = keysOf<MonitHttpTest>({
  host: true,
  port: true,
  request: true,
  status: true,
  timeoutSeconds: true,
  cycles: true,
  action: true,
});
const LIMIT_KEYS = keysOf<MonitRestartLimit>({ restarts: true, cycles: true, action: true });
const CHECK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$/;
const PRINCIPAL = /^[a-z_][a-z0-9_-]*[$]?$/i;

/** The path of the control file Debian's monit service reads. */
export const MONIT_CONTROL_FILE = '/etc/monit/monitrc';

/** monit from Debian's package, with typed process checks in its control file. */
export function monit(props: MonitProps): Role {
  const where = 'monit';
  knownKeys(props, PROPS_KEYS, where);
  const flag = (value: unknown, fallback: boolean, key: string): boolean =>
    value === undefined ? fallback : bool(value, `${where}.${key}`);
  return {
    name: 'monit',
    tags: ['monit'],
    resources: [
      packages({ names: ['monit'], updateCache: flag(props.updateCache, false, 'updateCache') }),
      ...(flag(props.localhostLine, true, 'localhostLine')
        ? [line({ path: '/etc/hosts', line: '127.0.0.1\tlocalhost', insertBefore: 'BOF', create: true })]
        : []),
      file({
        path: MONIT_CONTROL_FILE,
        content: monitrc(props, where),
        mode: '0700',
        owner: 'root',
        group: 'root',
        validate: ['monit', '-t', '-c', '%s'],
        notify: ['reload monit'],
      }),
      service({ name: 'monit', enabled: true, state: 'running' }),
    ],
    handlers: [handler('reload monit', service({ name: 'monit', state: 'reloaded' }))],
  };
}

/** The control file's text for these props, checked (errors name `monit.checks[i].field`). */
export function monitrc(props: MonitProps, where = 'monit'): string {
  const cycle = wholeNumber(props.cycleSeconds ?? 30, `${where}.cycleSeconds`);
  if (cycle === 0) throw new ValidationError(`${where}.cycleSeconds`, 'must be at least 1');
  const log = monitPath(props.logFile ?? '/var/log/monit.log', `${where}.logFile`);
  if (!Array.isArray(props.checks)) throw new ValidationError(`${where}.checks`, 'must be a list of checks');
  const checks = props.checks.map((check, i) => checkText(check, `${where}.checks[${i}]`));
  const names = props.checks.map((check) => check.name);
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) throw new ValidationError(`${where}.checks[${i}].name`, `${JSON.stringify(name)} is checked twice`);
  });
  props.checks.forEach((check, i) => {
    (check.dependsOn ?? []).forEach((dependency: string, k: number) => {
      if (!names.includes(dependency))
        throw new ValidationError(`${where}.checks[${i}].dependsOn[${k}]`, `names no check of this role: ${JSON.stringify(dependency)}`);
    });
  });
  const include = props.includePackageChecks === undefined || bool(props.includePackageChecks, `${where}.includePackageChecks`);
  return [
    '# Managed by bosun (role monit): local changes will be overwritten.',
    `set daemon ${cycle}`,
    `set log ${log}`,
    'set idfile /var/lib/monit/id',
    'set statefile /var/lib/monit/state',
    'set eventqueue basedir /var/lib/monit/events slots 100',
    ...httpd(props.httpd, `${where}.httpd`),
    '',
    ...checks,
    ...(include ? ['include /etc/monit/conf.d/*', 'include /etc/monit/conf-enabled/*', ''] : []),
  ].join('\n');
}

function httpd(value: MonitProps['httpd'], field: string): string[] {
  if (value !== undefined) {
    knownKeys(value, ['unixSocket', 'port'], field);
    if (value.port !== undefined && value.unixSocket !== undefined) throw new ValidationError(field, 'give unixSocket or port, not both');
    if (value.port !== undefined)
      return [`set httpd port ${port(value.port, `${field}.port`)} and use address 127.0.0.1`, '  allow 127.0.0.1'];
  }
  const socket = monitPath(value?.unixSocket ?? '/run/monit.sock', `${field}.unixSocket`);
  // Only root may connect (the socket's mode); monit serves a socket only with an allow entry, and
  // its CLI reads these credentials from this root-only file: they guard nothing the mode does not.
  return [`set httpd unixsocket ${socket} uid root gid root permission 0600`, '  allow monit:root-socket-only'];
}

function checkText(check: MonitCheck, field: string): string {
  knownKeys(check, CHECK_KEYS, field);
  const name = oneLine(check.name, `${field}.name`);
  if (!CHECK_NAME.test(name))
    throw new ValidationError(`${field}.name`, `must be letters, digits, ., _ and - only, got ${JSON.stringify(name)}`);
  if (check.pidfile !== undefined && check.matching !== undefined) throw new ValidationError(field, 'give pidfile or matching, not both');
  let how: string;
  if (check.pidfile !== undefined) how = `with pidfile ${monitPath(check.pidfile, `${field}.pidfile`)}`;
  else if (check.matching !== undefined) how = `matching ${monitString(check.matching, `${field}.matching`)}`;
  else throw new ValidationError(`${field}.pidfile`, 'give pidfile or matching (how monit finds the process)');
  const http = check.http === undefined ? [] : check.http;
  if (!Array.isArray(http)) throw new ValidationError(`${field}.http`, 'must be a list of HTTP tests');
  const dependsOn = check.dependsOn ?? [];
  return [
    `check process ${name} ${how}`,
    ...(check.start === undefined ? [] : [`  start program = ${program(check.start, `${field}.start`)}`]),
    ...(check.stop === undefined ? [] : [`  stop program = ${program(check.stop, `${field}.stop`)}`]),
    ...http.map((test, i) => `  ${httpTest(test, `${field}.http[${i}]`)}`),
    ...(check.restartLimit === undefined ? [] : [`  ${restartLimit(check.restartLimit, `${field}.restartLimit`)}`]),
    ...(dependsOn.length === 0 ? [] : [`  depends on ${dependsOn.join(', ')}`]),
    '',
  ].join('\n');
}

function program(value: MonitProgram, field: string): string {
  knownKeys(value, PROGRAM_KEYS, field);
  const command = monitString(value.command, `${field}.command`);
  if (!command.startsWith('"/'))
    throw new ValidationError(`${field}.command`, 'must start with an absolute path (monit runs it without a shell or PATH)');
  return [
    command,
    ...(value.uid === undefined ? [] : [`as uid ${principal(value.uid, `${field}.uid`)}`]),
    ...(value.gid === undefined ? [] : [`${value.uid === undefined ? 'as' : 'and'} gid ${principal(value.gid, `${field}.gid`)}`]),
    ...(value.timeoutSeconds === undefined ? [] : [`with timeout ${positive(value.timeoutSeconds, `${field}.timeoutSeconds`)} seconds`]),
  ].join(' ');
}

function httpTest(value: MonitHttpTest, field: string): string {
  knownKeys(value, HTTP_KEYS, field);
  const host = oneLine(value.host ?? '127.0.0.1', `${field}.host`);
  if (!HOST.test(host)) throw new ValidationError(`${field}.host`, `is not a host name or address: ${JSON.stringify(host)}`);
  const request = value.request ?? '/';
  if (typeof request !== 'string' || !request.startsWith('/'))
    throw new ValidationError(`${field}.request`, `must be a path starting with /, got ${JSON.stringify(request)}`);
  if (/\s/.test(request)) throw new ValidationError(`${field}.request`, 'must not contain blanks (encode them as %20)');
  const cycles = positive(value.cycles ?? 1, `${field}.cycles`);
  return [
    `if failed host ${host} port ${port(value.port, `${field}.port`)} protocol http`,
    `request ${monitString(request, `${field}.request`)}`,
    ...(value.status === undefined ? [] : [`status = ${statusCode(value.status, `${field}.status`)}`]),
    `with timeout ${positive(value.timeoutSeconds ?? 10, `${field}.timeoutSeconds`)} seconds`,
    ...(cycles > 1 ? [`for ${cycles} cycles`] : []),
    `then ${oneOf(value.action ?? 'restart', `${field}.action`, ['restart', 'alert'] as const)}`,
  ].join(' ');
}

function restartLimit(value: MonitRestartLimit, field: string): string {
  knownKeys(value, LIMIT_KEYS, field);
  const restarts = positive(value.restarts, `${field}.restarts`);
  const cycles = positive(value.cycles, `${field}.cycles`);
  if (restarts > cycles)
    throw new ValidationError(`${field}.restarts`, `cannot exceed cycles (${cycles}): monit restarts at most once a cycle`);
  const action = oneOf(value.action ?? 'unmonitor', `${field}.action`, ['unmonitor', 'alert', 'stop'] as const);
  return `if ${restarts} restarts within ${cycles} cycles then ${action}`;
}

/** A path in the control file: absolute, no blank, quote or comment sign (monit reads paths as bare words). */
function monitPath(value: unknown, field: string): string {
  const path = absolutePath(oneLine(value, field), field);
  if (/[\s"'#]/.test(path))
    throw new ValidationError(field, `must not contain blanks, quotes or # (monit reads it as one word): ${JSON.stringify(path)}`);
  return path;
}

/** A double-quoted monit string: one line, no double quote (monit's strings have no escapes). */
function monitString(value: unknown, field: string): string {
  const checked = oneLine(value, field);
  if (checked.includes('"')) throw new ValidationError(field, 'must not contain a double quote (monit strings cannot escape it)');
  if (checked.trim() === '') throw new ValidationError(field, 'must not be empty');
  return `"${checked}"`;
}

function principal(value: unknown, field: string): string {
  const name = oneLine(value, field);
  if (!PRINCIPAL.test(name)) throw new ValidationError(field, `is not a user or group name: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

function positive(value: unknown, field: string): number {
  const n = wholeNumber(value, field);
  if (n === 0) throw new ValidationError(field, 'must be at least 1');
  return n;
}

function port(value: unknown, field: string): number {
  const n = wholeNumber(value, field);
  if (n < 1 || n > 65535) throw new ValidationError(field, `must be a TCP port (1-65535), got ${n}`);
  return n;
}

function statusCode(value: unknown, field: string): number {
  const n = wholeNumber(value, field);
  if (n < 100 || n > 599) throw new ValidationError(field, `must be an HTTP status (100-599), got ${n}`);
  return n;
}
