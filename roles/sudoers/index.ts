// A role imports only bosun's public surface, as a role in a user's repository does ('bosun').
import { absent, bool, file, keysOf, knownKeys, line, oneLine, packages, type Resource, type Role, ValidationError } from '../../index.ts';

/**
 * sudo's policy: `Defaults requiretty` commented out in /etc/sudoers (so services can run a
 * command as another user without a terminal, as the Blot procedure needs) and drop-in files
 * in /etc/sudoers.d, root's with mode 0440. Every change is checked by `visudo -cf` on the
 * temp file before it replaces the old one: a broken rule never lands, and sudo keeps working.
 */
export interface SudoersProps {
  /** Comment out `Defaults requiretty` (and `Defaults  requiretty` however spaced) in /etc/sudoers. Default true. */
  readonly commentRequiretty?: boolean;
  /** Files in /etc/sudoers.d, each written whole. */
  readonly dropIns?: readonly SudoersDropIn[];
  /** Install the sudo package first. Default true. */
  readonly install?: boolean;
}

/** One file in /etc/sudoers.d: present with these rules, or absent. */
export type SudoersDropIn =
  | {
      /** The file name: letters, digits, `-` and `_` (sudo skips names with a dot or ending in `~`). */
      readonly name: string;
      /** Present (default). */
      readonly state?: 'present';
      /** The file's rules, in order; at least one. */
      readonly rules: readonly SudoersRule[];
    }
  | {
      /** The file name. */
      readonly name: string;
      /** The file is removed. */
      readonly state: 'absent';
      readonly rules?: never;
    };

/** A rule: typed (who may run what as whom), or one line of sudoers syntax written by hand. */
export type SudoersRule =
  | {
      /** A user, `%group`, or `ALL`. */
      readonly who: string;
      /** Whom the commands run as: `root`, `ALL`, `ALL:ALL`, `www-data`… Default `ALL:ALL`. */
      readonly runAs?: string;
      /** No password asked (NOPASSWD). Default false. */
      readonly noPassword?: boolean;
      /** `ALL`, or commands with their arguments, each starting with an absolute path (`,`, `:`, `=` and `\` are escaped). */
      readonly commands: 'ALL' | readonly [`/${string}`, ...`/${string}`[]];
      readonly line?: never;
    }
  | {
      /** A line of sudoers syntax, e.g. `Defaults:deploy !requiretty`; visudo judges it. */
      readonly line: string;
      readonly who?: never;
    };

const PROPS_KEYS = keysOf<SudoersProps>({ commentRequiretty: true, dropIns: true, install: true });
const DROP_IN_KEYS = keysOf<SudoersDropIn>({ name: true, state: true, rules: true });
const RULE_KEYS = keysOf<SudoersRule>({ who: true, runAs: true, noPassword: true, commands: true, line: true });
const NAME = /^[A-Za-z0-9_-]+$/;
const WHO = /^(ALL|%?[a-z_][a-z0-9_.-]*[$]?)$/i;
const RUN_AS = /^(ALL|[a-z_][a-z0-9_.-]*)(:(ALL|[a-z_][a-z0-9_.-]*))?$/i;
const VISUDO = ['visudo', '-cf', '%s'] as const;

/** sudo's policy files, each change checked by visudo before it lands. */
export function sudoers(props: SudoersProps = {}): Role {
  const where = 'sudoers';
  knownKeys(props, PROPS_KEYS, where);
  const flag = (value: unknown, fallback: boolean, key: string): boolean =>
    value === undefined ? fallback : bool(value, `${where}.${key}`);
  const dropIns = props.dropIns ?? [];
  if (!Array.isArray(dropIns)) throw new ValidationError(`${where}.dropIns`, 'must be a list of drop-in files');
  const names = new Set<string>();
  const files = dropIns.map((dropIn, i): Resource => {
    const field = `${where}.dropIns[${i}]`;
    knownKeys(dropIn, DROP_IN_KEYS, field);
    const name = oneLine(dropIn.name, `${field}.name`);
    if (!NAME.test(name))
      throw new ValidationError(
        `${field}.name`,
        `must be letters, digits, - and _ only (sudo skips other names), got ${JSON.stringify(name)}`,
      );
    if (names.has(name)) throw new ValidationError(`${field}.name`, `${JSON.stringify(name)} is given twice`);
    names.add(name);
    const path = `/etc/sudoers.d/${name}` as const;
    if (dropIn.state === 'absent') {
      if (dropIn.rules !== undefined) throw new ValidationError(`${field}.rules`, 'goes with state "present" only');
      return absent({ path });
    }
    if (dropIn.state !== undefined && dropIn.state !== 'present')
      throw new ValidationError(`${field}.state`, `must be "present" or "absent", got ${JSON.stringify(dropIn.state)}`);
    return file({
      path,
      content: sudoersText(dropIn.rules, `${field}.rules`),
      mode: '0440',
      owner: 'root',
      group: 'root',
      validate: VISUDO,
    });
  });
  return {
    name: 'sudoers',
    tags: ['sudoers'],
    resources: [
      ...(flag(props.install, true, 'install') ? [packages({ names: ['sudo'] })] : []),
      ...(flag(props.commentRequiretty, true, 'commentRequiretty')
        ? [
            line({
              path: '/etc/sudoers',
              state: 'commented',
              regexp: '^[[:space:]]*Defaults[[:space:]]+requiretty([[:space:]]|$)',
              validate: VISUDO,
            }),
          ]
        : []),
      ...files,
    ],
  };
}

/** A drop-in's text from its rules, checked (errors name `field[i].key`). */
export function sudoersText(rules: readonly SudoersRule[], field: string): string {
  if (!Array.isArray(rules) || rules.length === 0) throw new ValidationError(field, 'must be a list of at least one rule');
  return `# Managed by bosun (role sudoers): local changes will be overwritten.\n${rules.map((rule, i) => `${ruleLine(rule, `${field}[${i}]`)}\n`).join('')}`;
}

function ruleLine(rule: SudoersRule, field: string): string {
  knownKeys(rule, RULE_KEYS, field);
  if (rule.line !== undefined) {
    if (rule.who !== undefined) throw new ValidationError(field, 'give line or who/commands, not both');
    const text = oneLine(rule.line, `${field}.line`);
    if (text.trim() === '') throw new ValidationError(`${field}.line`, 'must not be empty');
    // A final backslash would join the next rule to this line.
    if (text.endsWith('\\'))
      throw new ValidationError(`${field}.line`, 'must not end with a backslash (it would continue onto the next rule)');
    return text;
  }
  const who = oneLine(rule.who, `${field}.who`);
  if (!WHO.test(who)) throw new ValidationError(`${field}.who`, `must be a user, %group or ALL, got ${JSON.stringify(who)}`);
  const runAs = oneLine(rule.runAs ?? 'ALL:ALL', `${field}.runAs`);
  if (!RUN_AS.test(runAs)) throw new ValidationError(`${field}.runAs`, `must be USER, USER:GROUP or ALL, got ${JSON.stringify(runAs)}`);
  const tag = rule.noPassword !== undefined && bool(rule.noPassword, `${field}.noPassword`) ? 'NOPASSWD: ' : '';
  return `${who} ALL=(${runAs}) ${tag}${commands(rule.commands, `${field}.commands`)}`;
}

function commands(value: unknown, field: string): string {
  if (value === 'ALL') return 'ALL';
  if (!Array.isArray(value) || value.length === 0) throw new ValidationError(field, 'must be "ALL" or a list of at least one command');
  return value
    .map((command, i) => {
      const text = oneLine(command, `${field}[${i}]`);
      if (!text.startsWith('/'))
        throw new ValidationError(`${field}[${i}]`, `must start with an absolute path, got ${JSON.stringify(text)}`);
      // sudoers reads , : = and \ in a command as syntax unless escaped.
      return text.replace(/[,:=\\]/g, '\\$&');
    })
    .join(', ');
}
