import { expect } from 'chai';
import { execa } from 'execa';
import { packages } from '../../../index.ts';
import {
  assertConverges,
  checkWritesNothing,
  chrootRoot,
  explain,
  planOf,
  runPlan,
  statuses,
  type ChrootRoot,
} from '../../support/plan-harness.ts';

/** dpkg's status of a package in the root: `ii` installed, `` not installed. */
async function dpkgStatus(root: string, name: string): Promise<string> {
  const result = await execa('chroot', [root, 'dpkg-query', '-W', '-f=${db:Status-Abbrev}', name], { reject: false });
  return result.stdout.trim();
}

// Package resources in a chroot of the Debian base (apt, with the base's warm lists).
describe('compiler/resources/package (chroot)', function () {
  this.timeout(300_000);
  let root: ChrootRoot;
  before(async () => (root = await chrootRoot()));
  after(() => root?.dispose());

  it('check of latest builds no apt binary cache on a host that has none', async () => {
    const check = await checkWritesNothing(planOf([packages({ names: ['dpkg', 'less'], state: 'latest' })]), root.transport, root.tree);
    expect(statuses(check), explain(check)).to.deep.equal(['would-change']);
  });

  it('installs (refreshing the lists in apply mode only), is latest, then removes; check writes no apt cache', async () => {
    expect(await dpkgStatus(root.root, 'less')).to.match(/^(un|)$/);
    await assertConverges(planOf([packages({ names: ['less'], updateCache: true })]), root.transport, root.tree);
    expect(await dpkgStatus(root.root, 'less')).to.equal('ii');
    await assertConverges(planOf([packages({ names: ['less'], state: 'latest' })]), root.transport, root.tree, {
      check: ['ok'],
      apply: ['ok'],
    });
    await assertConverges(planOf([packages({ names: ['less'], state: 'absent' })]), root.transport, root.tree);
    expect(await dpkgStatus(root.root, 'less')).to.match(/^(rc|un|)$/);
  });

  it('a package the archive does not have fails the step with apt’s message', async () => {
    const apply = await runPlan(planOf([packages({ names: ['bosun-no-such-package'] })]), root.transport, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
    expect(apply.steps[0]!.rc).to.equal(100);
    expect(apply.steps[0]!.output).to.contain('Unable to locate package bosun-no-such-package');
  });

  it('reports the facts the script probed: apt, sysv in a chroot, debian/bookworm', async () => {
    const check = await runPlan(planOf([packages({ names: ['dpkg'] })]), root.transport, 'check');
    expect(check.facts).to.deep.equal({ pkg: 'apt', init: 'sysv', os: 'debian/bookworm' });
    expect(statuses(check)).to.deep.equal(['ok']);
  });
});
