// A role imports only bosun's public surface, as a role in a user's repository does ('bosun').
import {
  type AbsolutePath,
  absolutePath,
  bool,
  type FileMode,
  file,
  fileMode,
  keysOf,
  knownKeys,
  oneLine,
  oneOf,
  packages,
  type Role,
  text,
  ValidationError,
  wholeNumber,
} from '../../index.ts';

/**
 * Log rotation with logrotate: one file in /etc/logrotate.d holding typed rules, accepted by
 * `logrotate -d` before it replaces the old one. Defaults are those of the EC2 update
 * procedure's rule: 4 rotations, monthly, compressed, missing and empty logs skipped.
 */
export interface LogrotateProps {
  /** The file in /etc/logrotate.d: letters, digits, `-` and `_` (logrotate skips names with some dots and suffixes). */
  readonly name: string;
  /** The rules of the file, in order; at least one. */
  readonly rules: readonly LogrotateRule[];
  /** Install the logrotate package first. Default true. */
  readonly install?: boolean;
  /** Refresh package lists before installing. Default false (the package is in every Debian archive). */
  readonly updateCache?: boolean;
}

/** One rule: the logs it rotates and how. */
export type LogrotateRule = LogrotateRuleCommon & LogrotateCompression & LogrotateHandOver;

/** What every rule has. */
export interface LogrotateRuleCommon {
  /** The logs, absolute paths; shell globs (`/var/www/blot/logs/*.log`) are logrotate's to expand. */
  readonly paths: readonly AbsolutePath[];
  /** When to rotate: a period, or a size (`100k`, `10M`, `1G`) whatever the period. Default monthly. */
  readonly schedule?: LogrotatePeriod | { readonly size: LogrotateSize };
  /** How many rotated logs to keep. Default 4. */
  readonly rotate?: number;
  /** A missing log is not an error. Default true. */
  readonly missingok?: boolean;
  /** An empty log is not rotated. Default true. */
  readonly notifempty?: boolean;
  /** Rotate as this user and group (needed where the log's directory is writable by others than root). */
  readonly su?: { readonly user: string; readonly group: string };
  /** Shell run once after rotating (with sharedscripts) or after each log: e.g. a daemon's reopen signal. */
  readonly postrotate?: string;
  /** Run postrotate once for all the rule's logs, not once per log. Default true when postrotate is set. */
  readonly sharedscripts?: boolean;
}

/** A logrotate period. */
export type LogrotatePeriod = 'daily' | 'weekly' | 'monthly' | 'yearly';

/** A size as logrotate reads it: bytes, or k, M, G. */
export type LogrotateSize = `${number}` | `${number}${'k' | 'M' | 'G'}`;

/** Compression: delaycompress only means something with compress. */
export type LogrotateCompression =
  | {
      /** gzip rotated logs. Default true. */
      readonly compress?: true;
      /** Leave the newest rotated log uncompressed (for a writer that still has it open). Default false. */
      readonly delaycompress?: boolean;
    }
  | { readonly compress: false; readonly delaycompress?: never };

/**
 * How the writer keeps logging: either the log is copied then truncated in place (the writer
 * never notices: the Blot app logs), or a new one is created after the move.
 */
export type LogrotateHandOver =
  | {
      /** Copy the log, then truncate it in place: logging is never interrupted (a few lines may be lost in between). */
      readonly copytruncate: true;
      readonly create?: never;
    }
  | {
      readonly copytruncate?: false;
      /** Create the new log after the move with this mode, owner and group. Unset: logrotate's own default. */
      readonly create?: LogrotateCreate;
    };

/** The attributes of a log created after rotation: a group only with an owner (logrotate reads them by position). */
export type LogrotateCreate =
  | { readonly mode: FileMode; readonly owner?: never; readonly group?: never }
  | { readonly mode?: FileMode; readonly owner: string; readonly group?: string };

const PROPS_KEYS = keysOf<LogrotateProps>({ name: true, rules: true, install: true, updateCache: true });
const RULE_KEYS = keysOf<LogrotateRule>({
  paths: true,
  schedule: true,
  rotate: true,
  missingok: true,
  notifempty: true,
  su: true,
  postrotate: true,
  sharedscripts: true,
  compress: true,
  delaycompress: true,
  copytruncate: true,
  create: true,
});
const CREATE_KEYS = keysOf<LogrotateCreate>({ mode: true, owner: true, group: true });
const SU_KEYS = keysOf<NonNullable<LogrotateRuleCommon['su']>>({ user: true, group: true });
const PERIODS: readonly LogrotatePeriod[] = ['daily', 'weekly', 'monthly', 'yearly'];
const NAME = /^[A-Za-z0-9_-]+$/;
const PRINCIPAL = /^[a-z_][a-z0-9_-]*[$]?$/i;

/** Log rotation rules in /etc/logrotate.d/NAME, checked by `logrotate -d` before they land. */
export function logrotate(props: LogrotateProps): Role {
  const where = 'logrotate';
  knownKeys(props, PROPS_KEYS, where);
  const name = oneLine(props.name, `${where}.name`);
  if (!NAME.test(name)) throw new ValidationError(`${where}.name`, `must be letters, digits, - and _ only, got ${JSON.stringify(name)}`);
  const install = props.install === undefined || bool(props.install, `${where}.install`);
  const updateCache = props.updateCache !== undefined && bool(props.updateCache, `${where}.updateCache`);
  return {
    name: 'logrotate',
    tags: ['logrotate'],
    resources: [
      ...(install ? [packages({ names: ['logrotate'], updateCache })] : []),
      file({
        path: `/etc/logrotate.d/${name}`,
        content: logrotateFile(props.rules, `${where}(${name}).rules`, 'logrotate'),
        mode: '0644',
        owner: 'root',
        group: 'root',
        validate: ['logrotate', '-d', '%s'],
      }),
    ],
  };
}

/**
 * The text of a logrotate file holding `rules`, checked (errors name `field[i].key`): what the
 * logrotate role writes, and what another role that ships its own logrotate file renders.
 */
export function logrotateFile(rules: readonly LogrotateRule[], field: string, managedBy: string): string {
  if (!Array.isArray(rules) || rules.length === 0) throw new ValidationError(field, 'must be a list of at least one rule');
  const blocks = rules.map((rule, i) => ruleText(rule, `${field}[${i}]`));
  return `# Managed by bosun (role ${oneLine(managedBy, 'managedBy')}): local changes will be overwritten.\n${blocks.join('\n')}`;
}

function ruleText(rule: LogrotateRule, field: string): string {
  knownKeys(rule, RULE_KEYS, field);
  if (!Array.isArray(rule.paths) || rule.paths.length === 0) throw new ValidationError(`${field}.paths`, 'must list at least one log');
  const paths = rule.paths.map((path, i) => logPath(path, `${field}.paths[${i}]`));
  const flag = (value: unknown, fallback: boolean, key: string): boolean =>
    value === undefined ? fallback : bool(value, `${field}.${key}`);
  const compress = flag(rule.compress, true, 'compress');
  const delaycompress = flag(rule.delaycompress, false, 'delaycompress');
  if (delaycompress && !compress) throw new ValidationError(`${field}.delaycompress`, 'only goes with compress (compress is false)');
  const copytruncate = flag(rule.copytruncate, false, 'copytruncate');
  if (copytruncate && rule.create !== undefined)
    throw new ValidationError(`${field}.create`, 'cannot go with copytruncate (the log is never moved, so none is created)');
  const postrotate = rule.postrotate === undefined ? undefined : script(rule.postrotate, `${field}.postrotate`);
  const shared = flag(rule.sharedscripts, postrotate !== undefined, 'sharedscripts');
  const options = [
    schedule(rule.schedule, `${field}.schedule`),
    `rotate ${wholeNumber(rule.rotate ?? 4, `${field}.rotate`)}`,
    compress ? 'compress' : 'nocompress',
    ...(delaycompress ? ['delaycompress'] : []),
    ...(flag(rule.missingok, true, 'missingok') ? ['missingok'] : []),
    ...(flag(rule.notifempty, true, 'notifempty') ? ['notifempty'] : ['ifempty']),
    ...(copytruncate ? ['copytruncate'] : []),
    ...(rule.create === undefined ? [] : [createLine(rule.create, `${field}.create`)]),
    ...(rule.su === undefined ? [] : [suLine(rule.su, `${field}.su`)]),
    ...(shared ? ['sharedscripts'] : []),
    ...(postrotate === undefined ? [] : ['postrotate', ...postrotate.map((l) => `  ${l}`), 'endscript']),
  ];
  return [...paths, '{', ...options.map((o) => `  ${o}`), '}', ''].join('\n');
}

/** A log path in double quotes: absolute, one line, no quote or brace (logrotate's syntax has no escapes). */
function logPath(value: unknown, field: string): string {
  const path = absolutePath(oneLine(value, field), field);
  if (/["{}]/.test(path))
    throw new ValidationError(field, `must not contain ", { or } (logrotate cannot escape them): ${JSON.stringify(path)}`);
  return `"${path}"`;
}

function schedule(value: LogrotateRuleCommon['schedule'], field: string): string {
  if (value === undefined) return 'monthly';
  if (typeof value === 'string') return oneOf(value, field, PERIODS);
  knownKeys(value, ['size'], field);
  const size = oneLine((value as { size: unknown }).size, `${field}.size`);
  if (!/^[0-9]+[kMG]?$/.test(size))
    throw new ValidationError(`${field}.size`, `must be a whole number of bytes or k, M, G: ${JSON.stringify(size)}`);
  return `size ${size}`;
}

function createLine(value: LogrotateCreate, field: string): string {
  knownKeys(value, CREATE_KEYS, field);
  if (value.group !== undefined && value.owner === undefined)
    throw new ValidationError(`${field}.group`, "needs an owner too (logrotate reads create's owner and group by position)");
  const mode = value.mode === undefined ? [] : [`0${fileMode(value.mode, `${field}.mode`).padStart(3, '0')}`];
  const owner = value.owner === undefined ? [] : [principal(value.owner, `${field}.owner`)];
  const group = value.group === undefined ? [] : [principal(value.group, `${field}.group`)];
  if (mode.length + owner.length === 0) throw new ValidationError(field, 'must give a mode or an owner');
  return ['create', ...mode, ...owner, ...group].join(' ');
}

function suLine(value: NonNullable<LogrotateRuleCommon['su']>, field: string): string {
  knownKeys(value, SU_KEYS, field);
  return `su ${principal(value.user, `${field}.user`)} ${principal(value.group, `${field}.group`)}`;
}

function principal(value: unknown, field: string): string {
  const name = oneLine(value, field);
  if (!PRINCIPAL.test(name)) throw new ValidationError(field, `is not a user or group name: ${JSON.stringify(name)}`);
  return name;
}

/** The script's lines; a line that is `endscript` would end it early. */
function script(value: unknown, field: string): string[] {
  const lines = text(value, field).replace(/\n+$/, '').split('\n');
  if (lines.some((l) => l.trim() === 'endscript'))
    throw new ValidationError(field, 'must not contain a line "endscript" (it would end the script)');
  if (lines.some((l) => l.includes('\r'))) throw new ValidationError(field, 'must not contain a carriage return');
  if (lines.join('').trim() === '') throw new ValidationError(field, 'must not be empty');
  return lines;
}
