import { ValidationError } from '../errors.ts';
import { anyOf, code, lines, sh, type Shell } from '../shell.ts';
import type { Step } from '../step.ts';
import { absolutePath, knownKeys, stringList, text, type AbsolutePath, keysOf } from '../validate.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';

/** What to run: words (each quoted, no shell) or a shell script written by the role's author. */
export type Runnable =
  | {
      /** The program and its arguments, each a word of its own: no shell reads them. */
      readonly argv: readonly [string, ...string[]];
      readonly script?: never;
    }
  | {
      /** A shell script (POSIX sh), run as written. */
      readonly script: string;
      readonly argv?: never;
    };

/**
 * A command. Guarded by `creates` (a path it makes) or `unless` (a read-only probe
 * that succeeds when there is nothing to do); an unguarded command cannot be checked
 * without running it, so check mode reports it `unknown`.
 */
export type CommandProps = CommonProps &
  Runnable & {
    /** Skip when this path exists. */
    readonly creates?: AbsolutePath;
    /** Skip when this read-only probe exits 0. */
    readonly unless?: Runnable;
    /** Working directory. */
    readonly chdir?: AbsolutePath;
    /** Extra environment. */
    readonly env?: Readonly<Record<string, string>>;
    /** Label shown in output (defaults to the command). */
    readonly name?: string;
  };

export type CommandResource = CommandProps & { readonly type: 'command' };

export function command(props: CommandProps): CommandResource {
  return { type: 'command', ...props };
}

const KEYS = keysOf<CommandResource>({
  type: true,
  argv: true,
  script: true,
  creates: true,
  unless: true,
  chdir: true,
  env: true,
  name: true,
  ...COMMON_KEYS,
});

export function runnable(value: Runnable, field: string): { shell: Shell; label: string } {
  if (typeof value !== 'object' || value === null) throw new ValidationError(field, 'must be { argv: [...] } or { script: "..." }');
  if (value.argv !== undefined && value.script !== undefined) throw new ValidationError(field, 'give argv or script, not both');
  if (value.argv !== undefined) {
    const argv = stringList(value.argv, `${field}.argv`);
    if (argv.length === 0) throw new ValidationError(`${field}.argv`, 'must name a command');
    return { shell: sh`${argv}`, label: argv.join(' ') };
  }
  if (value.script !== undefined) {
    // The role author's own shell, run by a child sh so it cannot touch bosun's state.
    const script = text(value.script, `${field}.script`);
    return { shell: sh`sh -c ${script}`, label: script.split('\n')[0] ?? '' };
  }
  throw new ValidationError(field, 'must have argv (words) or script (shell code)');
}

export function compileCommand(resource: CommandResource): Step {
  knownKeys(resource, KEYS, 'command');
  const run = runnable(resource, 'command');
  const where = `command(${run.label})`;
  const guards: Shell[] = [];
  if (resource.creates !== undefined) guards.push(sh`[ -e ${absolutePath(resource.creates, `${where}.creates`)} ]`);
  if (resource.unless !== undefined) guards.push(runnable(resource.unless, `${where}.unless`).shell);
  const env = Object.entries(knownEnv(resource.env, `${where}.env`));
  const envPrefix = env.length === 0 ? code('') : sh`env ${env.map(([k, v]) => `${k}=${v}`)} `;
  return {
    name: resource.name === undefined ? `command ${run.label}` : text(resource.name, `${where}.name`),
    resource: 'command',
    ...commonFields(resource, where),
    ...(guards.length > 0 && { check: anyOf(guards), verify: code(':') }),
    apply: lines(
      resource.chdir === undefined ? undefined : sh`cd ${absolutePath(resource.chdir, `${where}.chdir`)} || exit 1`,
      sh`${envPrefix}${run.shell}`,
    ),
  };
}

function knownEnv(env: unknown, field: string): Record<string, string> {
  if (env === undefined) return {};
  const record = knownKeys(env, Object.keys(env as object), field);
  for (const [key, value] of Object.entries(record)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new ValidationError(`${field}.${key}`, 'is not a valid environment variable name');
    text(value, `${field}.${key}`);
  }
  return record as Record<string, string>;
}
