import { ValidationError } from '../errors.ts';
import { code, sh } from '../shell.ts';
import type { Step } from '../step.ts';
import { bool, knownKeys, oneOf, principal, keysOf } from '../validate.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';

/** A local group. */
export interface GroupProps extends CommonProps {
  readonly name: string;
  readonly state?: 'present' | 'absent';
  readonly gid?: number;
  /** A system group (low gid range) when created. */
  readonly system?: boolean;
}

export interface GroupResource extends GroupProps {
  readonly type: 'group';
}

export function group(props: GroupProps): GroupResource {
  return { type: 'group', ...props };
}

const KEYS = keysOf<GroupResource>({ type: true, name: true, state: true, gid: true, system: true, ...COMMON_KEYS });

export function compileGroup(resource: GroupResource): Step {
  knownKeys(resource, KEYS, 'group');
  const name = principal(resource.name, 'group.name');
  const where = `group(${name})`;
  const state = oneOf(resource.state ?? 'present', `${where}.state`, ['present', 'absent'] as const);
  const gid = resource.gid === undefined ? undefined : id(resource.gid, `${where}.gid`);
  const system = resource.system !== undefined && bool(resource.system, `${where}.system`);
  if (state === 'absent') {
    return {
      name: `group ${name} absent`,
      resource: 'group',
      ...commonFields(resource, where),
      check: sh`! getent group ${name} >/dev/null`,
      makes: [],
      apply: sh`groupdel ${name}`,
    };
  }
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
