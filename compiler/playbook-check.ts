import { ValidationError } from './errors.ts';
import type { Handler, Play, Playbook, Role } from './playbook.ts';
import { bool, keysOf, knownKeys, oneLine, stringList, text } from './validate.ts';

const PLAYBOOK_KEYS = keysOf<Playbook>({ name: true, plays: true });
const PLAY_KEYS = keysOf<Play>({
  name: true,
  hosts: true,
  become: true,
  becomeUser: true,
  roles: true,
  serial: true,
  maxFailPercentage: true,
});
const ROLE_KEYS = keysOf<Role>({ name: true, resources: true, handlers: true, tags: true });
const HANDLER_KEYS = keysOf<Handler>({ name: true, resource: true });

/**
 * Checks the shape of what a playbook module exports: the type checker stops mistakes in
 * a .ts playbook, this stops them in plain JS, a cast, or `--no-typecheck`. Each problem
 * is a ValidationError naming the field (`plays[1].hosts`), never a TypeError.
 */
export function checkPlaybook(value: unknown): Playbook {
  const playbook = knownKeys(value, PLAYBOOK_KEYS, 'playbook');
  text(playbook.name, 'playbook.name');
  if (!Array.isArray(playbook.plays)) throw new ValidationError('playbook.plays', `must be a list of plays, got ${kind(playbook.plays)}`);
  playbook.plays.forEach((play, index) => {
    checkPlay(play, `plays[${index}]`);
  });
  return value as Playbook;
}

function checkPlay(value: unknown, where: string): void {
  const play = knownKeys(value, PLAY_KEYS, where);
  oneLine(play.name, `${where}.name`);
  const hosts = oneLine(play.hosts, `${where}.hosts`);
  if (hosts.trim() === '') throw new ValidationError(`${where}.hosts`, 'must be a host pattern such as "all" or "web:&prod"');
  if (play.become !== undefined) bool(play.become, `${where}.become`);
  if (play.becomeUser !== undefined) oneLine(play.becomeUser, `${where}.becomeUser`);
  if (typeof play.roles !== 'function') checkRoles(play.roles, `${where}.roles`);
  if (play.serial !== undefined) checkSerial(play.serial, `${where}.serial`);
  const max = play.maxFailPercentage;
  if (max !== undefined && (typeof max !== 'number' || !Number.isFinite(max) || max < 0 || max > 100)) {
    throw new ValidationError(`${where}.maxFailPercentage`, `must be a percentage from 0 to 100, got ${kind(max)}`);
  }
}

/** A play's roles (a list, or what its roles function returned for a host): each a role object. */
export function checkRoles(value: unknown, where: string): readonly Role[] {
  if (!Array.isArray(value))
    throw new ValidationError(where, `must be a list of roles (or a function of the host returning one), got ${kind(value)}`);
  value.forEach((each, index) => {
    const at = `${where}[${index}]`;
    const role = knownKeys(each, ROLE_KEYS, at);
    text(role.name, `${at}.name`);
    if (!Array.isArray(role.resources))
      throw new ValidationError(`${at}.resources`, `must be a list of resources, got ${kind(role.resources)}`);
    role.resources.forEach((resource, r) => {
      if (typeof resource !== 'object' || resource === null)
        throw new ValidationError(`${at}.resources[${r}]`, `must be a resource, got ${kind(resource)}`);
    });
    if (role.handlers !== undefined) checkHandlers(role.handlers, `${at}.handlers`);
    if (role.tags !== undefined) stringList(role.tags, `${at}.tags`);
  });
  return value as Role[];
}

function checkHandlers(value: unknown, where: string): readonly Handler[] {
  if (!Array.isArray(value)) throw new ValidationError(where, `must be a list of handlers, got ${kind(value)}`);
  value.forEach((each, index) => {
    const handler = knownKeys(each, HANDLER_KEYS, `${where}[${index}]`);
    oneLine(handler.name, `${where}[${index}].name`);
    if (typeof handler.resource !== 'object' || handler.resource === null) {
      throw new ValidationError(`${where}[${index}].resource`, `must be a resource, got ${kind(handler.resource)}`);
    }
  });
  return value as Handler[];
}

/** A count, a percentage such as "25%", or a list of them (checked fully when the run cuts its batches). */
function checkSerial(value: unknown, where: string): void {
  const one = (item: unknown): boolean =>
    (typeof item === 'number' && Number.isInteger(item) && item >= 0) ||
    (typeof item === 'string' && /^\s*\d+(\.\d+)?\s*%?\s*$/.test(item));
  if (Array.isArray(value) ? value.every(one) : one(value)) return;
  throw new ValidationError(where, `must be a host count, a percentage such as "25%", or a list of them, got ${kind(value)}`);
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
