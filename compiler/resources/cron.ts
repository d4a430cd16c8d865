import { ValidationError } from '../errors.ts';
import { sh } from '../shell.ts';
import type { Step } from '../step.ts';
import { identifier, knownKeys, oneLine, oneOf, principal, keysOf } from '../validate.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';
import { compileFile } from './file.ts';

/** When a job runs: five fields (each defaults to `*`) or one of cron's @ keywords. */
export type Schedule =
  | { readonly minute?: string; readonly hour?: string; readonly day?: string; readonly month?: string; readonly weekday?: string }
  | { readonly special: 'reboot' | 'yearly' | 'annually' | 'monthly' | 'weekly' | 'daily' | 'hourly' };

interface CronCommon extends CommonProps {
  /** When the job runs. */
  readonly schedule: Schedule;
  /** The command line. Note that cron reads an unescaped `%` as a newline. */
  readonly command: string;
  /** The job is there (default `present`) or not (`absent`). */
  readonly state?: 'present' | 'absent';
}

/** A job in its own /etc/cron.d file, run as `user`. */
export interface CronFileProps extends CronCommon {
  /** The file name under /etc/cron.d (letters, digits, `_` and `-` only: cron ignores other names). */
  readonly file: string;
  /** The user the job runs as. */
  readonly user: string;
  /** Variables written above the job (e.g. MAILTO, PATH). */
  readonly environment?: Readonly<Record<string, string>>;
}

/** A job in a user's crontab, found again by its name (a `#bosun: NAME` line above it). */
export interface CrontabProps extends CronCommon {
  /** The job's name, unique in the crontab: how bosun finds the job again. */
  readonly name: string;
  /** Whose crontab; default root. */
  readonly user?: string;
}

/** A cron job: in a file of its own under /etc/cron.d, or in a user's crontab. */
export type CronProps = CronFileProps | CrontabProps;
export type CronResource = CronProps & { readonly type: 'cron' };

export function cron(props: CronProps): CronResource {
  return { type: 'cron', ...props };
}

const KEYS = keysOf<CronResource>({
  type: true,
  schedule: true,
  command: true,
  state: true,
  file: true,
  user: true,
  environment: true,
  name: true,
  ...COMMON_KEYS,
});

export function compileCron(resource: CronResource): Step {
  knownKeys(resource, KEYS, 'cron');
  return 'file' in resource && resource.file !== undefined ? cronFile(resource) : crontabEntry(resource as CrontabProps & { type: 'cron' });
}

const SCHEDULE_KEYS = keysOf<Schedule>({ minute: true, hour: true, day: true, month: true, weekday: true, special: true });

function timing(schedule: Schedule, field: string): string {
  knownKeys(schedule, SCHEDULE_KEYS, field);
  if ('special' in schedule)
    return `@${oneOf(schedule.special, `${field}.special`, ['reboot', 'yearly', 'annually', 'monthly', 'weekly', 'daily', 'hourly'] as const)}`;
  return (['minute', 'hour', 'day', 'month', 'weekday'] as const)
    .map((key) => identifier(schedule[key] ?? '*', `${field}.${key}`, /^[A-Za-z0-9*/,-]+$/, 'cron field'))
    .join(' ');
}

/**
 * A job's command line. cron runs nothing for a blank one, and Debian's crontab
 * refuses one that starts with `*` (most often a sixth schedule field by mistake).
 */
function jobCommand(value: unknown, field: string): string {
  const command = oneLine(value, field);
  if (command.trim() === '') throw new ValidationError(field, 'must not be blank');
  if (command.trimStart().startsWith('*'))
    throw new ValidationError(field, `must not start with "*" (a sixth schedule field?): ${JSON.stringify(command)}`);
  return command;
}

function cronFile(resource: CronFileProps & { type: 'cron' }): Step {
  const name = identifier(resource.file, 'cron.file', /^[A-Za-z0-9_-]+$/, 'cron.d file name (letters, digits, _ and - only)');
  const where = `cron(${name})`;
  const path = `/etc/cron.d/${name}` as const;
  if (resource.state === 'absent') {
    return { ...compileFileAbsent(path), ...commonFields(resource, where) };
  }
  const env = Object.entries(resource.environment ?? {}).map(([key, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new ValidationError(`${where}.environment.${key}`, 'is not a valid variable name');
    return `${key}=${oneLine(value, `${where}.environment.${key}`)}\n`;
  });
  const job = `${timing(resource.schedule, `${where}.schedule`)} ${principal(resource.user, `${where}.user`)} ${jobCommand(resource.command, `${where}.command`)}\n`;
  const step = compileFile({
    type: 'file',
    path,
    content: `# Managed by bosun.\n${env.join('')}${job}`,
    mode: '0644',
    owner: 'root',
    group: 'root',
  });
  return { ...step, name: `cron ${path}`, resource: 'cron', ...commonFields(resource, where) };
}

function compileFileAbsent(path: string): Omit<Step, 'notify' | 'tags'> {
  return { name: `cron ${path} absent`, resource: 'cron', check: sh`[ ! -e ${path} ]`, makes: [], apply: sh`rm -f ${path}` };
}

// The crontab is edited like a file: a pure awk transform of `crontab -l`, compared read-only.
const PROGRAM = `BEGIN { tag = "#bosun: " ENVIRON["BOSUN_NAME"]; job = ENVIRON["BOSUN_JOB"]; present = ENVIRON["BOSUN_STATE"] == "present"; n = 0 }
{ l[++n] = $0 }
END {
  done = 0
  for (i = 1; i <= n; i++) {
    if ((l[i] "") == (tag "")) {
      if (present && !done) { print tag; print job; done = 1 }
      if (i < n) i++
      continue
    }
    print l[i]
  }
  if (present && !done) { print tag; print job }
}`;

function crontabEntry(resource: CrontabProps & { type: 'cron' }): Step {
  const name = oneLine(resource.name, 'cron.name');
  const where = `cron(${name})`;
  const user = principal(resource.user ?? 'root', `${where}.user`);
  const state = oneOf(resource.state ?? 'present', `${where}.state`, ['present', 'absent'] as const);
  const job = `${timing(resource.schedule, `${where}.schedule`)} ${jobCommand(resource.command, `${where}.command`)}`;
  const transform = sh`BOSUN_NAME=${name} BOSUN_JOB=${job} BOSUN_STATE=${state} awk ${PROGRAM}`;
  const current = sh`{ crontab -u ${user} -l 2>/dev/null || :; }`;
  return {
    name: `cron ${user}: ${name}`,
    resource: 'cron',
    ...commonFields(resource, where),
    check: sh`[ "$(${current} | ${transform} | cksum)" = "$(${current} | cksum)" ]`,
    makes: [],
    apply: sh`${current} | ${transform} | crontab -u ${user} -`,
  };
}
