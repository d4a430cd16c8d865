import type { Host } from './host.ts';
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
  /**
   * Run the script as root (or `becomeUser`) through sudo (SSH and local transports). A host's
   * own `ansible_become` / `bosun_become` variable (or `-e`) overrides it, as in Ansible. bosun runs
   * one script per host, so the plays that target a host must agree on it.
   */
  readonly become?: boolean;
  /** The user to become; root by default. A host's `ansible_become_user` overrides it. */
  readonly becomeUser?: string;
  /** Roles for a host; a function sees the host's variables. */
  readonly roles: readonly Role[] | ((host: Host) => readonly Role[]);
  /** Rolling batches. Every play of a run must agree on it (`--serial` overrides them all). */
  readonly serial?: Serial;
  /** Stop later batches when more than this percentage of a batch failed. Every play of a run must agree on it. */
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
