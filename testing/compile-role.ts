import { compilePlan } from '../compiler/compile-plan.ts';
import type { Host } from '../compiler/host.ts';
import type { Plan } from '../compiler/plan.ts';
import type { Play, Role } from '../compiler/playbook.ts';
import { type StepSelection, selectSteps } from '../compiler/selection.ts';
import { diskFiles } from '../loader/local-files.ts';
import { testHost } from './host.ts';

/** What a test compiles: a role, several in order, or a play's roles function (which sees the host). */
export type RolesUnderTest = Role | Play['roles'];

/**
 * Compiles roles for one host as a playbook's play would (`hosts: all`), and returns the
 * plan: its steps and handlers, ready to render (`renderChecked`) or to run (`runPlan`).
 * Pure, as the compiler is: a bad parameter throws the role's ValidationError.
 */
export function compileRole(roles: RolesUnderTest, options: { readonly host?: Host } & StepSelection = {}): Plan {
  const { host = testHost(), ...selection } = options;
  const asPlay = typeof roles === 'function' || Array.isArray(roles) ? (roles as Play['roles']) : [roles as Role];
  // Files a role brings (copy, template) are read from this machine's disk, as `bosun check` reads them.
  const plan = compilePlan(host, [{ name: 'test', hosts: 'all', roles: asPlay }], { files: diskFiles() });
  // As bosun check --tags/--skip-tags/--start-at-task would select them.
  return Object.keys(selection).length === 0 ? plan : selectSteps(plan, selection);
}
