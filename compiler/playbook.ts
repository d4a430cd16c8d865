import type { Host } from '../inventory/host.ts';
import type { Resource } from './resource.ts';

/** A handler: a resource applied once at the end of a host's plan when notified by name. */
export interface Handler {
  readonly name: string;
  readonly resource: Resource;
}

/** A named bundle of resources and the handlers they notify. Roles are functions returning this. */
export interface Role {
  readonly name: string;
  readonly resources: readonly Resource[];
  readonly handlers?: readonly Handler[];
  /** Tags added to every resource of the role. */
  readonly tags?: readonly string[];
}

/** `serial`: a count, a percentage, or a list of them (the last repeats), as Ansible. */
export type Serial = number | `${number}%` | readonly (number | `${number}%`)[];

/** Which hosts get which roles. */
export interface Play {
  readonly name: string;
  /** Host pattern (Ansible syntax): `all`, a group, `web:&prod`, … */
  readonly hosts: string;
  /** Run the script as root through `sudo -n` (SSH and local transports). */
  readonly become?: boolean;
  /** Roles for a host; a function sees the host's variables. */
  readonly roles: readonly Role[] | ((host: Host) => readonly Role[]);
  /** Rolling batches. */
  readonly serial?: Serial;
  /** Stop later batches when more than this percentage of a batch failed. */
  readonly maxFailPercentage?: number;
}

/** What a playbook module exports as default. */
export interface Playbook {
  readonly name: string;
  readonly plays: readonly Play[];
}

/** Identity function that gives a playbook its type (and editors their completion). */
export function definePlaybook(playbook: Playbook): Playbook {
  return playbook;
}

/** Declares a role inline. */
export function role(definition: Role): Role {
  return definition;
}

/** Declares a handler. */
export function handler(name: string, resource: Resource): Handler {
  return { name, resource };
}
