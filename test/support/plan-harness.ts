import { expect } from 'chai';
import type { Plan } from '../../compiler/plan.ts';
import type { Handler, Role } from '../../compiler/playbook.ts';
import type { Resource } from '../../compiler/resource.ts';
import type { AbsolutePath } from '../../compiler/validate.ts';
import { packages } from '../../compiler/resources/package.ts';
import type { Host } from '../../compiler/host.ts';
import { LocalTransport } from '../../runner/local-transport.ts';
import type { Transport } from '../../runner/transport.ts';
import {
  assertConverges as converges,
  checkWritesNothing as checkLeaves,
  compileRole,
  type Convergence,
  type DebianRoot,
  debianRoot,
  explain,
  localRoot,
  runPlan,
  statuses,
  testHost as syntheticHost,
} from '../../testing/index.ts';
import { testBaseRecipe } from './debian-base.ts';

// bosun's own tests run on the public testing helpers (testing/), in the shapes they were written in.
export { explain, runPlan, statuses, type Convergence };
export type { Run } from '../../testing/index.ts';
export type { AbsolutePath };

/** A host for tests: local, or a chroot when `root` is given. */
export function testHost(root?: string): Host {
  return root === undefined
    ? syntheticHost({ name: 'local' })
    : syntheticHost({ name: 'image', connection: { transport: 'chroot', root } });
}

/** The plan of one role made of `resources` (and `handlers`), compiled as a playbook would be. */
export function planOf(
  resources: readonly Resource[],
  options: { handlers?: readonly Handler[]; tags?: readonly string[]; root?: string } = {},
): Plan {
  const role: Role = {
    name: 'test',
    resources,
    ...(options.handlers && { handlers: options.handlers }),
    ...(options.tags && { tags: options.tags }),
  };
  return compileRole(role, { host: testHost(options.root) });
}

/** A fresh temp directory on this machine, for LocalTransport tests. */
export async function tempDir(): Promise<{ dir: AbsolutePath; dispose(): Promise<void> }> {
  const { dir, dispose } = await localRoot();
  return { dir, dispose };
}

export const local = new LocalTransport();

/** The convergence contract (testing/convergence.ts) on a transport and a tree listing. */
export function assertConverges(
  plan: Plan,
  transport: Transport,
  tree: () => Promise<string[]>,
  expected: { readonly check?: readonly string[]; readonly apply?: readonly string[] } = {},
): Promise<Convergence> {
  return converges(plan, { transport, tree }, expected);
}

/** Runs a check and asserts it left the tree exactly as it was. */
export function checkWritesNothing(plan: Plan, transport: Transport, tree: () => Promise<string[]>) {
  return checkLeaves(plan, { transport, tree });
}

/** An overlay root of bosun's test base, set up for chroot tests (testing/debian-root.ts). */
export type ChrootRoot = DebianRoot;

/** A chroot root made from bosun's test base (the one its fleet hosts are made from). */
export function chrootRoot(): Promise<ChrootRoot> {
  return debianRoot(testBaseRecipe());
}

/** A chroot root with these packages installed by bosun itself (policy-rc.d keeps daemons from starting). */
export async function chrootRootWith(names: readonly [string, ...string[]]): Promise<ChrootRoot> {
  const root = await chrootRoot();
  const apply = await runPlan(planOf([packages({ names })]), root.transport, 'apply');
  expect(statuses(apply), explain(apply)).to.deep.equal(['changed']);
  return root;
}
