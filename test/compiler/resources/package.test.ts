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
import { patience } from '../../support/patience.ts';

/** dpkg's status of a package in the root: `ii` installed, `` not installed. */
async function dpkgStatus(root: string, name: string): Promise<string> {
  const result = await execa('chroot', [root, 'dpkg-query', '-W', '-f=${db:Status-Abbrev}', name], { reject: false });
  return result.stdout.trim();
}

// Package resources in a chroot of the Debian base (apt, with the base's warm lists).
describe('compiler/resources/package (chroot) @integration', function () {
  this.timeout(patience(300_000));
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

  it('a package the archive does not have fails the step, in check mode too, before apt is asked', async () => {
    const apply = await runPlan(planOf([packages({ names: ['bosun-no-such-package'] })]), root.transport, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
    expect(apply.steps[0]!.rc).to.equal(98);
    expect(apply.steps[0]!.output).to.contain('no package is named exactly bosun-no-such-package');
  });

  describe('a name selects exactly that package (apt reads `x-` as "remove x", `x.+` as a pattern)', () => {
    it('openssh-server- is no package: check and apply fail, and openssh-server stays installed', async () => {
      expect(await dpkgStatus(root.root, 'openssh-server')).to.equal('ii');
      const plan = planOf([packages({ names: ['openssh-server-'] })]);
      const check = await checkWritesNothing(plan, root.transport, root.tree);
      expect(statuses(check), explain(check)).to.deep.equal(['failed']);
      expect(check.steps[0]!.output).to.contain('no package is named exactly openssh-server-');
      const apply = await runPlan(plan, root.transport, 'apply');
      expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
      expect(await dpkgStatus(root.root, 'openssh-server')).to.equal('ii');
    });

    it('a pattern installs nothing (openssh-cli.+ would select openssh-client-ssh1)', async () => {
      const apply = await runPlan(planOf([packages({ names: ['openssh-cli.+'] })]), root.transport, 'apply');
      expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
      expect(await dpkgStatus(root.root, 'openssh-client-ssh1')).to.match(/^(un|)$/);
    });

    it('removing a pattern beside an installed package removes only that package', async () => {
      await assertConverges(planOf([packages({ names: ['less'] })]), root.transport, root.tree);
      await assertConverges(planOf([packages({ names: ['less', 'openssh-serve.'], state: 'absent' })]), root.transport, root.tree);
      expect(await dpkgStatus(root.root, 'less')).to.match(/^(rc|un|)$/);
      expect(await dpkgStatus(root.root, 'openssh-server')).to.equal('ii');
    });

    it('names with + and . still work: libstdc++6 is installed, g++ and python3.11 would be, libsigc++-2.0-0v5 installs', async () => {
      const check = await checkWritesNothing(
        planOf([packages({ names: ['libstdc++6'] }), packages({ names: ['g++'] }), packages({ names: ['python3.11'] })]),
        root.transport,
        root.tree,
      );
      expect(statuses(check), explain(check)).to.deep.equal(['ok', 'would-change', 'would-change']);
      await assertConverges(planOf([packages({ names: ['libsigc++-2.0-0v5'] })]), root.transport, root.tree);
      expect(await dpkgStatus(root.root, 'libsigc++-2.0-0v5')).to.equal('ii');
    });

    it('with updateCache, a name the current lists lack is left to apply, which refreshes them first', async () => {
      const check = await checkWritesNothing(
        planOf([packages({ names: ['bosun-no-such-package'], updateCache: true })]),
        root.transport,
        root.tree,
      );
      expect(statuses(check), explain(check)).to.deep.equal(['would-change']);
    });
  });

  it('reports the facts the script probed: apt, sysv in a chroot, debian/bookworm', async () => {
    const check = await runPlan(planOf([packages({ names: ['dpkg'] })]), root.transport, 'check');
    expect(check.facts).to.deep.equal({ pkg: 'apt', init: 'sysv', os: 'debian/bookworm' });
    expect(statuses(check)).to.deep.equal(['ok']);
  });
});
