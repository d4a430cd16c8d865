import { compilePlan, type CompileOptions } from '../compiler/compile-plan.ts';
import type { Host } from '../compiler/host.ts';
import type { Plan } from '../compiler/plan.ts';
import type { Play, Role } from '../compiler/playbook.ts';
import { testHost } from './host.ts';

/** What a test compiles: a role, several in order, or a play's roles function (which sees the host). */
export type RolesUnderTest = Role | Play['roles'];

/**
 * Compiles roles for one host as a playbook's play would (`hosts: all`), and returns the
 * plan: its steps and handlers, ready to render (`renderChecked`) or to run (`runPlan`).
 * Pure, as the compiler is: a bad parameter throws the role's ValidationError.
 */
export function compileRole(roles: RolesUnderTest, options: { readonly host?: Host } & CompileOptions = {}): Plan {
  const { host = testHost(), ...compile } = options;
  const asPlay = typeof roles === 'function' || Array.isArray(roles) ? (roles as Play['roles']) : [roles as Role];
  return compilePlan(host, [{ name: 'test', hosts: 'all', roles: asPlay }], compile);
}
