import { ValidationError } from '../errors.ts';
import { code, join, sh, type Shell } from '../shell.ts';
import type { Step } from '../step.ts';
import { absolutePath, bool, knownKeys, oneLine, oneOf, principal, stringList, type AbsolutePath, keysOf } from '../validate.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';
import { id } from './group.ts';

/** A local user account. Fields left out are not managed. */
export type UserProps = UserPresentProps | UserAbsentProps;

/** The account exists, with the fields given. */
export interface UserPresentProps extends CommonProps {
  /** The login name. */
  readonly name: string;
  /** The account exists (default). */
  readonly state?: 'present';
  /** The numeric user id. Unset: the system chooses one at creation, and an existing account keeps its own. */
  readonly uid?: number;
  /** Primary group (must exist). */
  readonly group?: string;
  /** Supplementary groups the user must be in (others are left alone). */
  readonly groups?: readonly string[];
  /** The home directory. Unset: useradd's default at creation (`/home/NAME`), left as it is after. */
  readonly home?: AbsolutePath;
  /** The login shell. Unset: useradd's default at creation, left as it is after. */
  readonly shell?: AbsolutePath;
  /** GECOS comment. */
  readonly comment?: string;
  /** A system account (no aging, low uid range) when created. */
  readonly system?: boolean;
  /** Create the home directory when the user is created (default true unless system). */
  readonly createHome?: boolean;
}

/** No such account (its home and files are left where they are). */
export interface UserAbsentProps extends CommonProps {
  /** The login name. */
  readonly name: string;
  /** The account does not exist. */
  readonly state: 'absent';
}

export type UserResource = UserProps & { readonly type: 'user' };

export function user(props: UserProps): UserResource {
  return { type: 'user', ...props };
}

const KEYS = keysOf<UserResource>({
  type: true,
  name: true,
  state: true,
  uid: true,
  group: true,
  groups: true,
  home: true,
  shell: true,
  comment: true,
  system: true,
  createHome: true,
  ...COMMON_KEYS,
});

const ABSENT_KEYS = keysOf<UserAbsentProps & { type: 'user' }>({ type: true, name: true, state: true, ...COMMON_KEYS });

export function compileUser(resource: UserResource): Step {
  knownKeys(resource, KEYS, 'user');
  const name = principal(resource.name, 'user.name');
  const where = `user(${name})`;
  const state = oneOf(resource.state ?? 'present', `${where}.state`, ['present', 'absent'] as const);
  if (state === 'absent' || resource.state === 'absent') {
    knownKeys(resource, ABSENT_KEYS, where, 'with state "absent"');
    return {
      name: `user ${name} absent`,
      resource: 'user',
      ...commonFields(resource, where),
      check: sh`! getent passwd ${name} >/dev/null`,
      makes: [],
      apply: sh`userdel ${name}`,
    };
  }
  const uid = resource.uid === undefined ? undefined : id(resource.uid, `${where}.uid`);
  const primary = resource.group === undefined ? undefined : principal(resource.group, `${where}.group`);
  const groups =
    resource.groups === undefined
      ? []
      : stringList(resource.groups, `${where}.groups`).map((g, i) => principal(g, `${where}.groups[${i}]`));
  const home = resource.home === undefined ? undefined : absolutePath(resource.home, `${where}.home`);
  const shell = resource.shell === undefined ? undefined : absolutePath(resource.shell, `${where}.shell`);
  const comment = resource.comment === undefined ? undefined : oneLine(resource.comment, `${where}.comment`);
  if (comment?.includes(':')) throw new ValidationError(`${where}.comment`, "must not contain ':' (the passwd field separator)");
  // useradd/usermod fail at run time on these ("failure while writing changes to /etc/passwd").
  if (comment !== undefined && /[\u0000-\u001f\u007f]/.test(comment))
    throw new ValidationError(`${where}.comment`, 'must not contain control characters (tab, escape, DEL…): passwd cannot hold them');
  const system = resource.system !== undefined && bool(resource.system, `${where}.system`);
  const createHome = resource.createHome === undefined ? !system : bool(resource.createHome, `${where}.createHome`);
  // passwd fields: 3 uid, 4 gid, 5 comment, 6 home, 7 shell.
  const field = (n: number): Shell => sh`"$(getent passwd ${name} | cut -d: -f${code(String(n))})"`;
  const checks: Shell[] = [sh`getent passwd ${name} >/dev/null`];
  if (uid !== undefined) checks.push(sh`[ ${field(3)} = ${uid} ]`);
  if (primary !== undefined)
    checks.push(sh`{ [ ${field(4)} = ${primary} ] || [ ${field(4)} = "$(getent group ${primary} | cut -d: -f3)" ]; }`);
  if (comment !== undefined) checks.push(sh`[ ${field(5)} = ${comment} ]`);
  if (home !== undefined) checks.push(sh`[ ${field(6)} = ${home} ]`);
  if (shell !== undefined) checks.push(sh`[ ${field(7)} = ${shell} ]`);
  for (const g of groups) checks.push(sh`id -nG ${name} | tr ' ' '\\n' | grep -qxF -- ${g}`);
  const options = (forCreate: boolean): Shell =>
    join([
      uid === undefined ? undefined : sh`-u ${uid}`,
      primary === undefined ? undefined : sh`-g ${primary}`,
      groups.length === 0 ? undefined : sh`${code(forCreate ? '-G' : '-a -G')} ${groups.join(',')}`,
      home === undefined ? undefined : sh`-d ${home}`,
      shell === undefined ? undefined : sh`-s ${shell}`,
      comment === undefined ? undefined : sh`-c ${comment}`,
      forCreate && system ? code('-r') : undefined,
      forCreate ? code(createHome ? '-m' : '-M') : undefined,
    ]);
  return {
    name: `user ${name}`,
    resource: 'user',
    ...commonFields(resource, where),
    check: join(checks, ' && '),
    // A new account's home, when one is made: where useradd puts it unless `home` says.
    ...(createHome ? home !== undefined && { makes: [home] } : { makes: [] }),
    apply: sh`if getent passwd ${name} >/dev/null; then usermod ${options(false)} ${name}; else useradd ${options(true)} ${name}; fi`,
  };
}
