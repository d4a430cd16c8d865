import { ValidationError } from '../errors.ts';
import { code, sh } from '../shell.ts';
import type { Step } from '../step.ts';
import { bool, knownKeys, oneOf, principal, keysOf } from '../validate.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';

/** A local group. */
export type GroupProps = GroupPresentProps | GroupAbsentProps;

/** The group exists, with `gid` when given. */
export interface GroupPresentProps extends CommonProps {
  /** The group's name. */
  readonly name: string;
  /** The group exists (default). */
  readonly state?: 'present';
  /** The numeric group id. Unset: the system chooses one at creation, and an existing group keeps its own. */
  readonly gid?: number;
  /** A system group (low gid range) when created. */
  readonly system?: boolean;
}

/** No such group. */
export interface GroupAbsentProps extends CommonProps {
  /** The group's name. */
  readonly name: string;
  /** The group does not exist. */
  readonly state: 'absent';
}

export type GroupResource = GroupProps & { readonly type: 'group' };

export function group(props: GroupProps): GroupResource {
  return { type: 'group', ...props };
}

const KEYS = keysOf<GroupResource>({ type: true, name: true, state: true, gid: true, system: true, ...COMMON_KEYS });
const ABSENT_KEYS = keysOf<GroupAbsentProps & { type: 'group' }>({ type: true, name: true, state: true, ...COMMON_KEYS });

export function compileGroup(resource: GroupResource): Step {
  knownKeys(resource, KEYS, 'group');
  const name = principal(resource.name, 'group.name');
  const where = `group(${name})`;
  const state = oneOf(resource.state ?? 'present', `${where}.state`, ['present', 'absent'] as const);
  if (state === 'absent' || resource.state === 'absent') {
    knownKeys(resource, ABSENT_KEYS, where, 'with state "absent"');
    return {
      name: `group ${name} absent`,
      resource: 'group',
      ...commonFields(resource, where),
      check: sh`! getent group ${name} >/dev/null`,
      makes: [],
      apply: sh`groupdel ${name}`,
    };
  }
  const gid = resource.gid === undefined ? undefined : id(resource.gid, `${where}.gid`);
  const system = resource.system !== undefined && bool(resource.system, `${where}.system`);
  return {
    name: `group ${name}`,
    resource: 'group',
    ...commonFields(resource, where),
    makes: [],
    check: gid === undefined ? sh`getent group ${name} >/dev/null` : sh`[ "$(getent group ${name} | cut -d: -f3)" = ${gid} ]`,
    apply: sh`if getent group ${name} >/dev/null; then groupmod ${gid === undefined ? code('') : sh`-g ${gid} `}${name}; else groupadd ${system ? code('-r ') : code('')}${gid === undefined ? code('') : sh`-g ${gid} `}${name}; fi`,
  };
}

/** A numeric uid or gid. */
export function id(value: unknown, field: string): string {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ValidationError(field, `must be a non-negative whole number, got ${JSON.stringify(value)}`);
  }
  return String(value);
}
