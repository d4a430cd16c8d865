// bosun/testing: what role authors test their roles with. Compile a role for a synthetic
// host, render and shellcheck its script, and run the convergence contract on a target.
export { compileRole, type RolesUnderTest } from './compile-role.ts';
export { testHost, type TestHostOptions } from './host.ts';
export { renderChecked, shellcheck } from './shellcheck.ts';
export { explain, type Run, runPlan, statuses } from './run-plan.ts';
export { assertConverges, checkWritesNothing, type Convergence, type ConvergenceExpectation } from './convergence.ts';
export { type LocalRoot, localRoot, type Target } from './target.ts';
export { type DebianRoot, debianRoot } from './debian-root.ts';
export { type CachedBase, type DebianBaseRecipe, debianBase, MINIMAL_BOOKWORM } from './debian-base.ts';
export { listTree } from './tree.ts';
export type { Plan } from '../compiler/plan.ts';
export type { RenderedPlan } from '../compiler/render.ts';
export type { HostResult, StepResult } from '../runner/results.ts';
export type { Transport } from '../runner/transport.ts';
