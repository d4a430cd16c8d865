import { expect } from 'chai';
import { access, chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diskFiles } from '../../cli/local-files.ts';
import { compilePlan, type CompileOptions } from '../../compiler/compile-plan.ts';
import type { Mode, Plan } from '../../compiler/plan.ts';
import type { Handler, Role } from '../../compiler/playbook.ts';
import type { RenderedPlan } from '../../compiler/render.ts';
import type { Resource } from '../../compiler/resource.ts';
import type { AbsolutePath } from '../../compiler/validate.ts';

export type { AbsolutePath };
import { packages } from '../../compiler/resources/package.ts';
import type { Host } from '../../compiler/host.ts';
import { ChrootTransport } from '../../runner/chroot-transport.ts';
import { LocalTransport } from '../../runner/local-transport.ts';
import type { HostResult } from '../../runner/results.ts';
import { runHost } from '../../runner/run-host.ts';
import type { Transport } from '../../runner/transport.ts';
import { makeOverlayRoot, type OverlayRoot } from './debian-base.ts';
import { renderChecked } from './render-checked.ts';
import { listTree } from './target-tree.ts';

/** A host for tests: local, or a chroot when `root` is given. */
export function testHost(root?: string): Host {
  return {
    name: root === undefined ? 'local' : 'image',
    groups: ['all'],
    vars: {},
    connection: root === undefined ? { transport: 'local' } : { transport: 'chroot', root },
  };
}

/** The plan of one role made of `resources` (and `handlers`), compiled as a playbook would be. */
export function planOf(
  resources: readonly Resource[],
  options: { handlers?: readonly Handler[]; tags?: readonly string[]; compile?: CompileOptions; root?: string } = {},
): Plan {
  const role: Role = {
    name: 'test',
    resources,
    ...(options.handlers && { handlers: options.handlers }),
    ...(options.tags && { tags: options.tags }),
  };
  return compilePlan(testHost(options.root), [{ name: 'test', hosts: 'all', roles: [role] }], {
    files: diskFiles(),
    ...options.compile,
  });
}

/** What a run gave: the host result, the log text and the script that ran. */
export interface Run extends HostResult {
  readonly log: string;
  readonly rendered: RenderedPlan;
}

/** Renders (through shellcheck) and runs a plan in one session. */
export async function runPlan(plan: Plan, transport: Transport, mode: Mode, signal?: AbortSignal): Promise<Run> {
  const rendered = renderChecked(plan);
  let log = '';
  const result = await runHost(plan, rendered, transport, { mode, onLog: (text) => (log += text), ...(signal && { signal }) });
  return { ...result, log, rendered };
}

/** The statuses of a run's steps, in the order they were reported. */
export function statuses(run: HostResult): string[] {
  return run.steps.map((step) => step.status);
}

/** Describes a run for assertion messages. */
export function explain(run: Run): string {
  return JSON.stringify({ status: run.status, reason: run.reason, steps: run.steps, log: run.log.slice(-4000) }, null, 2);
}

/** A fresh temp directory on this machine, for LocalTransport tests. */
export async function tempDir(): Promise<{ dir: AbsolutePath; dispose(): Promise<void> }> {
  const dir = (await mkdtemp(join(tmpdir(), 'bosun-test-'))) as AbsolutePath;
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

export const local = new LocalTransport();

/** The runs of a convergence test. */
export interface Convergence {
  readonly check: Run;
  readonly apply: Run;
  readonly again: Run;
  readonly recheck: Run;
}

/**
 * Check, apply, apply again and check again, asserting the contract every
 * resource owes: the first check writes nothing (the whole tree listing is the
 * same before and after) and reports `check` statuses (would-change by default),
 * the apply reports `apply` (changed by default), the second apply and the last
 * check are all ok, and neither writes anything.
 */
export async function assertConverges(
  plan: Plan,
  transport: Transport,
  tree: () => Promise<string[]>,
  expected: { readonly check?: readonly string[]; readonly apply?: readonly string[] } = {},
): Promise<Convergence> {
  const count = plan.steps.length;
  const before = await tree();
  const check = await runPlan(plan, transport, 'check');
  expect(await tree(), 'check mode wrote to the target').to.deep.equal(before);
  expect(statuses(check), explain(check)).to.deep.equal(expected.check ?? Array(count).fill('would-change'));
  const apply = await runPlan(plan, transport, 'apply');
  expect(statuses(apply), explain(apply)).to.deep.equal(expected.apply ?? Array(count).fill('changed'));
  const settled = await tree();
  const again = await runPlan(plan, transport, 'apply');
  expect(statuses(again), explain(again)).to.deep.equal(Array(count).fill('ok'));
  expect(again.status).to.equal('ok');
  expect(await tree(), 'a second apply wrote to the target').to.deep.equal(settled);
  const recheck = await runPlan(plan, transport, 'check');
  expect(statuses(recheck), explain(recheck)).to.deep.equal(Array(count).fill('ok'));
  expect(recheck.status).to.equal('ok');
  expect(await tree(), 'check mode wrote to the target').to.deep.equal(settled);
  return { check, apply, again, recheck };
}

/** Runs a check and asserts it left the tree exactly as it was. */
export async function checkWritesNothing(plan: Plan, transport: Transport, tree: () => Promise<string[]>): Promise<Run> {
  const before = await tree();
  const check = await runPlan(plan, transport, 'check');
  expect(await tree(), 'check mode wrote to the target').to.deep.equal(before);
  return check;
}

/** An overlay root of the Debian base set up for chroot tests (no daemons started, DNS). */
export interface ChrootRoot extends OverlayRoot {
  readonly transport: ChrootTransport;
  /** The overlay's upper dir: every write to the root lands here. */
  readonly upper: string;
  /** A listing of everything written to the root so far. */
  tree(): Promise<string[]>;
}

/**
 * An overlay root ready for chroot tests: a policy-rc.d that stops package scripts
 * from starting daemons (which would outlive the test and hold the mount) and the
 * machine's resolv.conf, so apt can reach the archive.
 */
export async function chrootRoot(): Promise<ChrootRoot> {
  const overlay = await makeOverlayRoot();
  try {
    await writeFile(join(overlay.root, 'usr/sbin/policy-rc.d'), '#!/bin/sh\nexit 101\n', { mode: 0o755 });
    // apt opens an O_TMPFILE in /tmp even read-only: invisible on a real filesystem, but on
    // overlayfs it copies /tmp up. Copy it up now, so tree listings show only real writes.
    await chmod(join(overlay.root, 'tmp'), 0o1777);
    const resolv = join(overlay.root, 'etc/resolv.conf');
    const hasResolv = await access(resolv).then(
      () => true,
      () => false,
    );
    if (!hasResolv) {
      await mkdir(join(overlay.root, 'etc'), { recursive: true });
      await rm(resolv, { force: true });
      await copyFile('/etc/resolv.conf', resolv);
    }
  } catch (error) {
    await overlay.dispose();
    throw error;
  }
  const upper = join(overlay.dir, 'up');
  return { ...overlay, dispose: () => overlay.dispose(), transport: new ChrootTransport(overlay.root), upper, tree: () => listTree(upper) };
}

/** A chroot root with these packages installed by bosun itself (policy-rc.d keeps daemons from starting). */
export async function chrootRootWith(names: readonly [string, ...string[]]): Promise<ChrootRoot> {
  const root = await chrootRoot();
  const apply = await runPlan(planOf([packages({ names })]), root.transport, 'apply');
  expect(statuses(apply), explain(apply)).to.deep.equal(['changed']);
  return root;
}
